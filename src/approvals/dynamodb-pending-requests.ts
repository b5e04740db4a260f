import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import { describeError, LatchkeyFailure } from '../flows/failure';
import {
  holdsOpenPlace,
  PENDING_STATUSES,
  MESSAGE_REWRITE_CLAIM_MS,
  type MessageRewriteClaim,
  type FollowUps,
  type PendingChanges,
  type PendingPage,
  type PendingRequest,
  type PendingRequestStore,
  type PendingStatus,
  type ReadStatus,
  type TransitionCondition,
  UNKNOWN_STATUS,
} from '../flows/approvals/pending-request';
import type { Clock, Requester } from '../flows/ports';
import { WriteToken } from '../storage/write-token';
import { BY_LIST_INDEX } from './approvals-table';

/** A status as written: only the ones this version knows, ever. */
const writtenStatus = z.enum(PENDING_STATUSES as [PendingStatus, ...PendingStatus[]]);

/**
 * A request as read back. Not strict, on purpose: a field this version does not name (a newer
 * version wrote it, and was rolled back) is left out, and a status it does not know is read as
 * UNKNOWN_STATUS (the word kept), never a reason to refuse the request, which would close the
 * queue, the requester's Home tab and the review over it for every request read with it.
 */
const requestItem = z.object({
  id: z.string(),
  // Absent on requests stored before there were kinds: those are license changes.
  kind: z.string().default('license'),
  requesterUserId: z.string(),
  requesterTeamId: z.string(),
  requesterEmail: z.string(),
  directoryUserId: z.string(),
  detail: z.record(z.string(), z.string()).optional(),
  // A license change's detail, as requests stored before there were kinds hold it.
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z.string(),
  status: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  revokedBy: z.string().optional(),
  revokedAt: z.string().optional(),
  revokeFollowUpsDue: z.boolean().optional(),
  approvalUntold: z.boolean().optional(),
  decisionFollowUpsDue: z.boolean().optional(),
  decisionRequestId: z.string().optional(),
  decidedByTeamId: z.string().optional(),
  decidedByEnterpriseId: z.string().optional(),
  comment: z.string().optional(),
  errorCode: z.string().optional(),
  errorReason: z.string().optional(),
  messageChannel: z.string().optional(),
  messageTs: z.string().optional(),
  finishMessageChannel: z.string().optional(),
  finishMessageTs: z.string().optional(),
  sentMessageChannel: z.string().optional(),
  sentMessageTs: z.string().optional(),
  takenAt: z.string().optional(),
  finishRequestId: z.string().optional(),
  earlierFinishRequestId: z.string().optional(),
  expiredAtWithdraw: z.boolean().optional(),
  messageShownFor: z.string().optional(),
  neverAppliedFor: z.string().optional(),
  shownUnreadFor: z.string().optional(),
  appliedToldFor: z.string().optional(),
});

const openMarker = z.object({ requestId: z.string(), expiresAtEpoch: z.number() });

/** How many of a list's newest requests one read of a person's own in it looks at, at most (as Approvals reads a list for the admins). */
const OWN_LIST_READ_MAX = 250;
/** How long a request stays readable after it expires, for reviewers and the channel message. */
const KEEP_AFTER_EXPIRY_S = 90 * 86_400;

const requestKey = (id: string) => ({ pk: `REQUEST#${id}`, sk: 'REQUEST' });
/** Which by-list partition a request is in (approvals-table.ts). */
const PENDING_LIST = 'PENDING';
/** Never a Slack user ID (those are U… or W…, letters and digits only), as PENDING is not. */
const UNDERWAY_LIST = 'CHANGE_UNDERWAY';
/** The same: a change that failed, which an admin may approve again to retry, or deny. */
const FAILED_LIST = 'CHANGE_FAILED';
/** By user ID alone: one open request per person and slot, from whichever workspace of the org they ask. */
const openPartition = (userId: string) => `OPEN#${userId}`;
const openKey = (r: Requester, slot: string) => ({ pk: openPartition(r.userId), sk: slot });
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);
/**
 * Pending requests of every kind in DynamoDB. Every status change is one conditional UpdateItem,
 * so two admins deciding at once, a double click or a Slack retry can move a request only once;
 * each write carries a WriteToken, so the SDK's retry of a write that was made is that write,
 * never a lost race.
 * No transactions (so it runs on dynalite too): the one-open-request rule is a marker item per
 * person and slot, written first and taken over only when the request it names is no longer open.
 */
export class DynamoDbPendingRequests implements PendingRequestStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async create(request: PendingRequest, slot: string): Promise<void> {
    // Writing stays strict: a status this version does not know is never written.
    if (!writtenStatus.safeParse(request.status).success) throw new LatchkeyFailure('INTERNAL', `unknown status ${request.status}`);
    const token = new WriteToken();
    await this.guard(async () => {
      await this.claimOpenMarker(request, slot);
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(
            { ...requestKey(request.id), ...toItem(request), list: listOf(request.status, request.requester.userId), purgeAt: epoch(request.expiresAt) + KEEP_AFTER_EXPIRY_S, ...token.item },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: token.orOurs('attribute_not_exists(pk)'),
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall(token.values),
        }),
      );
    });
  }

  async get(id: string): Promise<PendingRequest | undefined> {
    return this.guard(async () => {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(requestKey(id)), ConsistentRead: true }));
      return Item ? fromItem(unmarshall(Item)) : undefined;
    });
  }

  async findOpen(requester: Requester, slot: string): Promise<PendingRequest | undefined> {
    return this.guard(async () => {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(openKey(requester, slot)), ConsistentRead: true }));
      const marker = Item ? openMarker.safeParse(unmarshall(Item)) : undefined;
      if (!marker?.success) return undefined;
      const request = await this.get(marker.data.requestId);
      return request && this.isOpen(request) ? request : undefined;
    });
  }

  async heldBy(userId: string): Promise<PendingRequest[]> {
    return this.guard(async () => {
      // The person's own markers: one small partition, whatever the size of the queue.
      const { Items } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: marshall({ ':pk': openPartition(userId) }),
          ConsistentRead: true,
        }),
      );
      const ids = (Items ?? []).map((i) => openMarker.safeParse(unmarshall(i))).flatMap((m) => (m.success ? [m.data.requestId] : []));
      const found = await Promise.all([...new Set(ids)].map((id) => this.get(id)));
      return found.filter((r): r is PendingRequest => r !== undefined);
    });
  }

  async transition(id: string, from: readonly PendingStatus[], to: PendingStatus, changes: PendingChanges = {}, condition: TransitionCondition = {}): Promise<PendingRequest | undefined> {
    const fields: Record<string, unknown> = { status: to, ...flatten(changes), expiresAt: changes.expiresAt };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v], i) => {
        names[`#f${i}`] = k;
        values[`:v${i}`] = v;
        return `#f${i} = :v${i}`;
      });
    names['#status'] = 'status';
    // Out of the pending queue and into the list of changes under way, of failed changes to retry,
    // or the requester's own list, in the same write as the status: a change that dies midway, or
    // fails, is found where it was listed, and a retry or a denial takes it off that list.
    names['#list'] = 'list';
    const list = to === 'PENDING' || changes.awaitingFinish ? PENDING_LIST : changes.underway ? UNDERWAY_LIST : changes.retryable ? FAILED_LIST : undefined;
    if (list) {
      values[':list'] = list;
      sets.push('#list = :list');
    } else {
      sets.push('#list = requesterUserId');
    }
    from.forEach((s, i) => (values[`:from${i}`] = s));
    let taken = '';
    if (condition.takenBefore) {
      names['#takenAt'] = 'takenAt';
      names['#finishBy'] = 'expiresAt';
      values[':takenBefore'] = condition.takenBefore;
      // ISO times in UTC compare as text. Taken before takenAt was kept: its time to finish (which
      // a take never passes) ended before then, which is later than, or as late as, the take.
      taken = ' AND (#takenAt < :takenBefore OR (attribute_not_exists(#takenAt) AND #finishBy < :takenBefore))';
    }
    if (condition.decidedBefore) {
      names['#decidedAtThen'] = 'decidedAt';
      values[':decidedBefore'] = condition.decidedBefore;
      taken += ' AND #decidedAtThen < :decidedBefore';
    }
    if (condition.sameFinish) {
      names['#finishRequestIdThen'] = 'finishRequestId';
      const id = condition.sameFinish.finishRequestId;
      if (id === undefined) {
        taken += ' AND attribute_not_exists(#finishRequestIdThen)';
      } else {
        values[':sameFinish'] = id;
        taken += ' AND #finishRequestIdThen = :sameFinish';
      }
    }
    if (condition.listedAsFailed) {
      values[':failedList'] = FAILED_LIST;
      taken += ' AND #list = :failedList';
    }
    if (condition.inTimeAt) {
      // ISO times in UTC compare as text; the condition reads the item before this write's SET.
      names['#expiresAtThen'] = 'expiresAt';
      values[':inTimeAt'] = condition.inTimeAt;
      taken += ' AND #expiresAtThen > :inTimeAt';
    }
    let removes = '';
    if (condition.takesDecisionFollowUps) {
      // The decision's own mark, as claimFollowUps takes it: the same decision's (its decidedAt), still there.
      names['#decisionDue'] = 'decisionFollowUpsDue';
      names['#decidedAtOf'] = 'decidedAt';
      values[':decisionDue'] = true;
      values[':decidedAtOf'] = condition.takesDecisionFollowUps;
      taken += ' AND #decisionDue = :decisionDue AND #decidedAtOf = :decidedAtOf';
      removes = ' REMOVE #decisionDue';
    }
    // Or this very write, sent again by the SDK after its answer was lost: it moved the request, and
    // the take, the decision or the settling is ours, never "another writer got there first".
    const token = new WriteToken();
    Object.assign(names, token.names);
    Object.assign(values, token.values);
    sets.push(token.set);
    return this.guard(async () => {
      try {
        const { Attributes } = await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall(requestKey(id)),
            UpdateExpression: `SET ${sets.join(', ')}${removes}`,
            ConditionExpression: token.orOurs(`attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})${taken}`),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: marshall(values),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? fromItem(unmarshall(Attributes)) : undefined;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
        throw err;
      }
    });
  }

  async attachFinishMessage(id: string, message: { channel: string; ts: string }): Promise<PendingRequest | undefined> {
    return this.attachDm(id, 'finishMessage', message);
  }

  async claimFollowUps(id: string, which: FollowUps): Promise<boolean> {
    // Each move's own mark (`<of>FollowUpsDue`) and token (`<of>FollowUpsBy`): revokeFollowUpsDue
    // as every version before decisions had marks wrote it. The SDK's retry of a claim that was made
    // passes as ours (its token), never as taken by another.
    const due = `${which.of}FollowUpsDue`;
    const token = new WriteToken(`${which.of}FollowUpsBy`);
    // A decision's, only while the request stands as that decision left it: decided again, or moved on, they are not its own.
    const state =
      which.of === 'revoke'
        ? { condition: '#status = :revoked', values: { ':revoked': 'REVOKED' } }
        : { condition: '#status IN (:approved, :denied) AND decidedAt = :decidedAt', values: { ':approved': 'APPROVED', ':denied': 'DENIED', ':decidedAt': which.decidedAt } };
    return this.guard(async () => {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall(requestKey(id)),
            UpdateExpression: `SET ${token.set} REMOVE #due`,
            ConditionExpression: token.orOurs(`attribute_exists(pk) AND ${state.condition} AND #due = :due`),
            ExpressionAttributeNames: { '#status': 'status', '#due': due, ...token.names },
            ExpressionAttributeValues: marshall({ ...state.values, ':due': true, ...token.values }),
          }),
        );
        return true;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return false;
        // Every answer lost: the item says whether it was made. Our token there, it is ours; the
        // mark still there, it was not made (the error stands); gone under another token, another's.
        const read = await this.client
          .send(new GetItemCommand({ TableName: this.tableName, Key: marshall(requestKey(id)), ConsistentRead: true }))
          .catch((readErr: unknown) => {
            throw new LatchkeyFailure('STORE_OUTCOME_UNKNOWN', `${which.of} follow-ups claim unanswered (${describeError(err)}) and read-back failed: ${describeError(readErr)}`, { cause: err });
          });
        const item = read.Item ? unmarshall(read.Item) : undefined;
        if (item?.[token.attribute] === token.value) return true;
        if (item?.[due]) throw err;
        return false;
      }
    });
  }

  async markAppliedTold(id: string, decidedAt: string): Promise<void> {
    await this.guard(async () => {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall(requestKey(id)),
            UpdateExpression: 'SET appliedToldFor = :decidedAt',
            // Sent again by the SDK after its answer was lost, it writes the same: no token needed.
            ConditionExpression: 'attribute_exists(pk) AND #status = :approved AND decidedAt = :decidedAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: marshall({ ':approved': 'APPROVED', ':decidedAt': decidedAt }),
          }),
        );
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
    });
  }

  async attachSentMessage(id: string, message: { channel: string; ts: string }): Promise<PendingRequest | undefined> {
    return this.attachDm(id, 'sentMessage', message);
  }

  /**
   * Where a DM about the request was posted (`<name>Channel`, `<name>Ts`), to rewrite it later;
   * returns the request as it stands after that write (ALL_NEW: no read more).
   */
  private async attachDm(id: string, name: 'finishMessage' | 'sentMessage', message: { channel: string; ts: string }): Promise<PendingRequest | undefined> {
    return this.guard(async () => {
      const { Attributes } = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(requestKey(id)),
          UpdateExpression: `SET ${name}Channel = :c, ${name}Ts = :t`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':c': message.channel, ':t': message.ts }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? fromItem(unmarshall(Attributes)) : undefined;
    });
  }

  async attachMessage(id: string, message: { channel: string; ts: string }): Promise<void> {
    await this.guard(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(requestKey(id)),
          UpdateExpression: 'SET messageChannel = :c, messageTs = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':c': message.channel, ':t': message.ts }),
        }),
      ),
    );
  }

  /**
   * The claim is in flight until the rewrite is shown: messageRewriteFor (the state), messageRewriteAt
   * (when, epoch ms) and its token. messageShownFor is written only once Slack took the rewrite, so a
   * claim whose process died is never taken for a message that shows its state: past
   * MESSAGE_REWRITE_CLAIM_MS, another process's claim takes it over. The claim is also on the request
   * being as read (its status, takenAt and decidedAt: every move from a change under way changes one
   * of them), so one made from a read older than a later move fails.
   */
  async claimMessageRewrite(read: PendingRequest, state: string): Promise<MessageRewriteClaim> {
    const { id } = read;
    // Its own attribute, beside the moves' token: a claim never passes for a move's write, nor a move for a claim.
    const token = new WriteToken('messageRewriteBy');
    const now = this.clock.now().getTime();
    const asRead = unmovedSince(read);
    // Its record not read: shown so once for this state (shownUnreadFor), until a read of the record.
    const unread = read.shownUnreadFor === state;
    const claimed = await this.guard(async () => {
      try {
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: marshall(requestKey(id)),
            UpdateExpression: `SET messageRewriteFor = :state, messageRewriteAt = :now, ${token.set}`,
            ConditionExpression:
              `attribute_exists(pk) AND ${asRead.condition} AND (attribute_not_exists(messageShownFor) OR messageShownFor <> :state) AND ` +
              (unread ? '(attribute_not_exists(shownUnreadFor) OR shownUnreadFor <> :state) AND ' : '') +
              `(${token.orOurs('attribute_not_exists(messageRewriteFor) OR messageRewriteFor <> :state OR messageRewriteAt < :lapsedBefore')})`,
            ExpressionAttributeNames: { ...token.names, ...asRead.names },
            ExpressionAttributeValues: marshall({ ':state': state, ':now': now, ':lapsedBefore': now - MESSAGE_REWRITE_CLAIM_MS, ...asRead.values, ...token.values }),
          }),
        );
        return true;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    });
    // Both only while the claim is still this one: one taken over after it lapsed is the other process's.
    const settle = (set: string | undefined, values: Record<string, unknown> = {}, remove = '') =>
      this.guard(async () => {
        try {
          await this.client.send(
            new UpdateItemCommand({
              TableName: this.tableName,
              Key: marshall(requestKey(id)),
              UpdateExpression: `${set ? `SET ${set} ` : ''}REMOVE ${remove}messageRewriteFor, messageRewriteAt, ${token.remove}`,
              ConditionExpression: token.ours,
              ExpressionAttributeNames: token.names,
              ExpressionAttributeValues: marshall({ ...values, ...token.values }),
            }),
          );
        } catch (err) {
          // Taken over, or gone: nothing of ours to settle.
          if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        }
      });
    return {
      claimed,
      shown: async () => {
        const neverApplied = read.neverAppliedFor === state;
        if (!claimed) return;
        if (unread) await settle('shownUnreadFor = :state', { ':state': state });
        else await settle(`messageShownFor = :state${neverApplied ? ', neverAppliedFor = :state' : ''}`, { ':state': state }, 'shownUnreadFor, ');
      },
      release: async () => {
        if (claimed) await settle(undefined).catch(() => undefined);
      },
    };
  }

  pending(pageSize: number, after?: string): Promise<PendingPage> {
    return this.oldestFirst(PENDING_LIST, pageSize, after);
  }

  underway(pageSize: number, after?: string): Promise<PendingPage> {
    return this.oldestFirst(UNDERWAY_LIST, pageSize, after);
  }

  underwayOf(userId: string): Promise<PendingRequest[]> {
    // The changes under way are few (each takes seconds, or died midway): the newest up to listedFor's bound, keep the person's.
    return this.listedFor(UNDERWAY_LIST, userId);
  }

  awaitingRetry(pageSize: number, after?: string): Promise<PendingPage> {
    return this.oldestFirst(FAILED_LIST, pageSize, after);
  }

  awaitingRetryOf(userId: string): Promise<PendingRequest[]> {
    // Few too: an admin's retry or denial takes each off the list.
    return this.listedFor(FAILED_LIST, userId);
  }

  /**
   * The person's own requests in a list of few (a Query of that list, filtered on the requester),
   * among its newest OWN_LIST_READ_MAX: every Home tab open reads it, so a list grown long (many
   * changes failed at once) never makes each open read all of it. Older ones of theirs still hold
   * their open place (heldBy) until their time ends.
   */
  private async listedFor(list: string, userId: string): Promise<PendingRequest[]> {
    return this.guard(async () => {
      const found: PendingRequest[] = [];
      let after: Record<string, AttributeValue> | undefined;
      let read = 0;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: BY_LIST_INDEX,
            KeyConditionExpression: '#list = :list',
            FilterExpression: 'requesterUserId = :user',
            ExpressionAttributeNames: { '#list': 'list' },
            ExpressionAttributeValues: marshall({ ':list': list, ':user': userId }),
            ScanIndexForward: false,
            // Limit counts the items read, before the filter.
            Limit: OWN_LIST_READ_MAX - read,
            ExclusiveStartKey: after,
          }),
        );
        found.push(...(page.Items ?? []).map((i) => fromItem(unmarshall(i))));
        read += Math.max(1, page.ScannedCount ?? 0);
        after = page.LastEvaluatedKey;
      } while (after && read < OWN_LIST_READ_MAX);
      return found;
    });
  }

  private async oldestFirst(list: string, pageSize: number, after?: string): Promise<PendingPage> {
    return this.guard(async () => {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_LIST_INDEX,
          KeyConditionExpression: '#list = :list',
          ExpressionAttributeNames: { '#list': 'list' },
          ExpressionAttributeValues: marshall({ ':list': list }),
          ScanIndexForward: true,
          Limit: pageSize,
          ExclusiveStartKey: after ? JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) : undefined,
        }),
      );
      const next = page.LastEvaluatedKey ? Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') : undefined;
      return { requests: (page.Items ?? []).map((i) => fromItem(unmarshall(i))), ...(next && { next }) };
    });
  }

  async decidedOf(userId: string, limit: number): Promise<PendingRequest[]> {
    return this.guard(async () => {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BY_LIST_INDEX,
          KeyConditionExpression: '#list = :list',
          ExpressionAttributeNames: { '#list': 'list' },
          ExpressionAttributeValues: marshall({ ':list': userId }),
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map((i) => fromItem(unmarshall(i)));
    });
  }

  private isOpen(request: PendingRequest): boolean {
    return holdsOpenPlace(request, this.clock.now());
  }

  /** Takes the requester's open-request marker for the slot, or fails with REQUEST_OPEN. */
  private async claimOpenMarker(request: PendingRequest, slot: string): Promise<void> {
    const key = openKey(request.requester, slot);
    const marker = { ...key, requestId: request.id, expiresAtEpoch: epoch(request.expiresAt), purgeAt: epoch(request.expiresAt) + KEEP_AFTER_EXPIRY_S };
    const put = (condition: string, values: Record<string, unknown>) =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(marker),
          ConditionExpression: condition,
          ExpressionAttributeValues: Object.keys(values).length ? marshall(values) : undefined,
        }),
      );
    try {
      // Or already ours: this very put, sent again by the SDK after its answer was lost (a request ID is this request's alone).
      await put('attribute_not_exists(pk) OR expiresAtEpoch < :now OR requestId = :ours', { ':now': Math.floor(this.clock.now().getTime() / 1000), ':ours': request.id });
      return;
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
    // The marker names an unexpired request: take it over only if that request has closed.
    const current = await this.findOpen(request.requester, slot);
    if (current) throw new LatchkeyFailure('REQUEST_OPEN', `open request ${current.id}`);
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }));
    const previous = Item ? openMarker.safeParse(unmarshall(Item)) : undefined;
    try {
      await put('requestId = :previous OR requestId = :ours', { ':previous': previous?.success ? previous.data.requestId : '', ':ours': request.id });
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') throw new LatchkeyFailure('REQUEST_OPEN', 'raced');
      throw err;
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof LatchkeyFailure) throw err;
      throw new LatchkeyFailure('STORE_UNAVAILABLE', `dynamodb ${describeError(err)}`, { cause: err });
    }
  }
}

/**
 * A condition that the request still is as `read`: the same stored status (the word as read, for
 * one this version does not know), takenAt and decidedAt, each absent if it was.
 */
function unmovedSince(read: PendingRequest): { condition: string; names: Record<string, string>; values: Record<string, string> } {
  const names: Record<string, string> = { '#readStatus': 'status' };
  const values: Record<string, string> = { ':readStatus': read.recordedStatus ?? read.status };
  const parts = ['#readStatus = :readStatus'];
  for (const [field, at] of [
    ['takenAt', read.takenAt],
    ['decidedAt', read.decidedAt],
  ] as const) {
    names[`#read_${field}`] = field;
    if (at === undefined) {
      parts.push(`attribute_not_exists(#read_${field})`);
    } else {
      values[`:read_${field}`] = at;
      parts.push(`#read_${field} = :read_${field}`);
    }
  }
  return { condition: `(${parts.join(' AND ')})`, names, values };
}

function listOf(status: ReadStatus, requesterUserId: string): string {
  return status === 'PENDING' ? PENDING_LIST : requesterUserId;
}

function toItem(r: PendingRequest): z.input<typeof requestItem> {
  return {
    id: r.id,
    kind: r.kind,
    requesterUserId: r.requester.userId,
    requesterTeamId: r.requester.teamId,
    requesterEmail: r.requesterEmail,
    directoryUserId: r.directoryUserId,
    detail: { ...r.detail },
    reason: r.reason,
    status: r.status,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    ...flatten(r),
  };
}

function flatten(c: PendingChanges): Record<string, string | boolean | undefined> {
  return {
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt,
    revokedBy: c.revokedBy,
    revokedAt: c.revokedAt,
    revokeFollowUpsDue: c.revokeFollowUpsDue,
    approvalUntold: c.approvalUntold,
    decisionFollowUpsDue: c.decisionFollowUpsDue,
    decisionRequestId: c.decisionRequestId,
    decidedByTeamId: c.decidedByTeamId,
    decidedByEnterpriseId: c.decidedByEnterpriseId,
    comment: c.comment,
    errorCode: c.errorCode,
    errorReason: c.errorReason,
    messageChannel: c.message?.channel,
    messageTs: c.message?.ts,
    takenAt: c.takenAt,
    finishRequestId: c.finishRequestId,
    earlierFinishRequestId: c.earlierFinishRequestId,
    expiredAtWithdraw: c.expiredAtWithdraw,
  };
}

function fromItem(raw: Record<string, unknown>): PendingRequest {
  const i = requestItem.parse(raw);
  const legacy: Record<string, string> = i.from !== undefined && i.to !== undefined ? { from: i.from, to: i.to } : {};
  return {
    id: i.id,
    kind: i.kind,
    requester: { userId: i.requesterUserId, teamId: i.requesterTeamId },
    requesterEmail: i.requesterEmail,
    directoryUserId: i.directoryUserId,
    detail: i.detail ?? legacy,
    reason: i.reason,
    ...readStatus(i.status),
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    decidedBy: i.decidedBy,
    decidedAt: i.decidedAt,
    revokedBy: i.revokedBy,
    revokedAt: i.revokedAt,
    ...(i.revokeFollowUpsDue && { revokeFollowUpsDue: true }),
    ...(i.approvalUntold && { approvalUntold: true }),
    ...(i.decisionFollowUpsDue && { decisionFollowUpsDue: true }),
    ...(i.decisionRequestId && { decisionRequestId: i.decisionRequestId }),
    ...(i.decidedByTeamId && { decidedByTeamId: i.decidedByTeamId }),
    ...(i.decidedByEnterpriseId && { decidedByEnterpriseId: i.decidedByEnterpriseId }),
    comment: i.comment,
    errorCode: i.errorCode,
    errorReason: i.errorReason,
    message: i.messageChannel && i.messageTs ? { channel: i.messageChannel, ts: i.messageTs } : undefined,
    ...(i.finishMessageChannel && i.finishMessageTs && { finishMessage: { channel: i.finishMessageChannel, ts: i.finishMessageTs } }),
    ...(i.sentMessageChannel && i.sentMessageTs && { sentMessage: { channel: i.sentMessageChannel, ts: i.sentMessageTs } }),
    takenAt: i.takenAt,
    finishRequestId: i.finishRequestId,
    earlierFinishRequestId: i.earlierFinishRequestId,
    ...(i.expiredAtWithdraw && { expiredAtWithdraw: true }),
    messageShownFor: i.messageShownFor,
    ...(i.neverAppliedFor && { neverAppliedFor: i.neverAppliedFor }),
    ...(i.shownUnreadFor && { shownUnreadFor: i.shownUnreadFor }),
    ...(i.appliedToldFor && { appliedToldFor: i.appliedToldFor }),
  };
}

function readStatus(stored: string): Pick<PendingRequest, 'status' | 'recordedStatus'> {
  const known = writtenStatus.safeParse(stored);
  return known.success ? { status: known.data } : { status: UNKNOWN_STATUS, recordedStatus: stored };
}
