import { z } from 'zod';
import { PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describeError, LatchkeyFailure } from '../flows/failure';
import type { AuditEntry, AuditEvent, AuditLog, AuditPage, AuditReader, Clock, LinesPage, Logger, ReferenceEnding, Requester } from '../flows/ports';
import { WriteToken } from '../storage/write-token';
import { actorKey } from './audit-key';
import { readAuditItem, storedAuditRecordSchema, toAuditEvent, toAuditRecord, type AuditRecord } from './audit-record';

/**
 * What a day's records are read without (the Home tab's counts and Needs attention: a day can hold
 * thousands of records): its bulk (directory accounts, subjects, admins' notes), fields the counts
 * never use and that this version reads as any text. Every other field is read (DAY_FIELDS), those
 * the counts use and each whose value this version bounds (`v`, a factorType, a decision, a push's
 * IDs, a policy, a retention), so that a record this version cannot read in one of them (a newer
 * version's, a hand edit) is listed in Needs attention as the search, reading whole records, shows
 * it. Left unseen here: one of these fields holding no text at all, which only a hand edit writes;
 * only whole items would show it, about 5 ms more per 1,000 records a day (docs/performance.md).
 */
export const UNREAD_IN_A_DAY = [
  'slackEnterpriseId',
  'directory',
  'directoryUserId',
  'incomplete',
  'subjectSlackUserId',
  'subjectSlackTeamId',
  'finishRequestId',
  'credential',
  'licenseFrom',
  'licenseTo',
  'verification',
  'note',
] as const satisfies readonly (keyof typeof storedAuditRecordSchema.shape)[];
type DayField = Exclude<keyof typeof storedAuditRecordSchema.shape, (typeof UNREAD_IN_A_DAY)[number]>;
const DAY_FIELDS = Object.keys(storedAuditRecordSchema.shape).filter((f) => !(UNREAD_IN_A_DAY as readonly string[]).includes(f)) as DayField[];
const daySchema = storedAuditRecordSchema.pick(Object.fromEntries(DAY_FIELDS.map((f) => [f, true])) as { [K in DayField]: true });

/**
 * The audit log in DynamoDB. Every write is conditional on the key being new, so the log is
 * append-only from the app's side and an attempt can be recorded only once per request: that
 * is what makes a replayed confirmation harmless. The one exception is the put's own retry by
 * the SDK (a WriteToken, one per `record`): it finds the key taken by the very item it puts, and
 * is not taken for someone else's record (a person told their confirmation was used, an attempt
 * left with no outcome). A second click of the same confirmation has another token: refused.
 *
 * Read back for the Home tab and for operators: a person's partition, newest first, and the by-day
 * index. Any failure to read is STORE_UNAVAILABLE.
 */
/**
 * The days a reference's records are looked for in, from its own: a week and a day, past any
 * request's default time (72 hours) and its finish. A request given longer (up to 30 days) and
 * decided later is still found by its line's outcome, and by the person's search.
 */
const REFERENCE_DAYS = 8;

/**
 * The fields a request's reference is kept in: its own records' requestId; its steps' approvalRequestId
 * (or licenseRequestId, finishRequestId); handledRequestId, an admin's marking of its Needs attention item handled.
 */
const REFERENCE_FIELDS = ['requestId', 'approvalRequestId', 'licenseRequestId', 'finishRequestId', 'handledRequestId'] as const;

/** How many unreadable records a process remembers having warned of (DynamoDbAuditLog.parsed). */
const WARNED_UNREADABLE_MAX = 1000;

/** How many days ofDay keeps as last read: the Home tab's week (today and the six before), and the day it just left. */
const DAYS_KEPT = 8;
/**
 * How many records those days may hold in all: about 440 bytes each as kept, so at most about 4.4 MB
 * held between opens. A busier week's least recently read days are read whole on each open, as
 * every day was before.
 */
const RECORDS_KEPT = 10_000;
/**
 * How long a day kept so is read only for what was written after it: a record edited in place by
 * hand, or one added as another expires (AUDIT_RETENTION_DAYS=1, its deletions just after a
 * midnight), keeps the count, and is on an admin's tab within this time.
 */
const DAY_KEPT_MS = 3_600_000;

/** How many UTC days, from its first, stepsSince reads a request's steps over: its 30 days at most, and the next. */
const STEP_DAYS = 31;

/**
 * The most records one page of a search reads, shown or not (a request of other days read past),
 * whatever its lines take: one click does a bounded number of Queries.
 */
const SEARCH_READ_MAX = 200;
/** What a search reads, in order: a record to show, or a request's records read and not shown (of other days). */
type SearchRead = AuditRecord | { readonly passed: readonly AuditRecord[] };
/** Where a search of everyone's days goes on from: the by-day index's key and the table's, of the last record shown. */
const daysCursorSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), pk: z.string().min(1).max(200), sk: z.string().min(1).max(200) }).strict();

/**
 * The UTC days (YYYY-MM-DD) a reference's records may be written on, from its own (it starts with the
 * ISO time it was taken): `count` of them at most, none after today's (`today`, epoch ms) but its own.
 */
function daysFrom(reference: string, count: number, today: number): string[] {
  const first = Date.parse(`${reference.slice(0, 10)}T00:00:00.000Z`);
  return Array.from({ length: count }, (_, i) => first + i * 86_400_000)
    .filter((at, i) => i === 0 || at <= today)
    .map((at) => new Date(at).toISOString().slice(0, 10));
}

/** A page's place (`LinesPage.after`) that no search of these terms gave: the page button was tampered with, or is another search's. */
function notAPlace(why: string): LatchkeyFailure {
  return new LatchkeyFailure('REQUEST_INVALID', `audit search: a page cursor ${why}`);
}

function daysCursorOf(after: string): z.infer<typeof daysCursorSchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(after);
  } catch {
    throw notAPlace('that is not JSON');
  }
  const cursor = daysCursorSchema.safeParse(parsed);
  if (!cursor.success) throw notAPlace('of another shape');
  return cursor.data;
}

/**
 * Whether a request's records are shown on an earlier request's line (LinesPage.placeOf) that the
 * search shows itself (`shown`: that request begun in the days searched, its records written then
 * or just after, so read further on): then they are read past here, never a line twice.
 */
function placedIn(request: readonly AuditRecord[], page: LinesPage, shown: (place: string) => boolean): boolean {
  const place = page.placeOf?.(toAuditEvent(request[0]!));
  return place !== undefined && place < request[0]!.requestId && shown(place);
}

/** A record's slot in its request's keys (`<requestId>#<slot>`, audit-record.ts); one this version cannot read, after them. */
function slotOf(e: AuditEvent): number {
  if (e.phase === 'refused') return 0;
  if (e.phase === 'attempt' || e.phase === 'cancelled') return 1;
  if (e.phase === 'outcome') return e.restated ? 3 : 2;
  return 4;
}

/**
 * A day's records as kept, and those written since, in the by-day index's order (its sort key a
 * record's reference, then its slot), as a whole read of the day gives them: a tab shows the same
 * either way, whichever read its day came by.
 */
function inKeyOrder(kept: readonly AuditEvent[], since: readonly AuditEvent[]): AuditEvent[] {
  return [...kept, ...since].sort((a, b) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : slotOf(a) - slotOf(b)));
}

export class DynamoDbAuditLog implements AuditLog, AuditReader {
  /** The unreadable records an operator was told of (parsed): each once, not on every read of its day. */
  private readonly warnedUnreadable = new Set<string>();
  /**
   * The days last read (ofDay), each with its records as then, when it was last read whole, and the
   * latest time a record of it was written (`at`).
   */
  private readonly keptDays = new Map<string, { readonly events: readonly AuditEvent[]; readonly readAt: number; readonly newest: string }>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const token = new WriteToken();
    const item = { ...toAuditRecord(entry, this.clock.now(), this.retentionDays), ...token.item };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: token.orOurs('attribute_not_exists(pk)'),
          ExpressionAttributeNames: token.names,
          ExpressionAttributeValues: marshall(token.values),
        }),
      );
    } catch (err) {
      const name = (err as Error | undefined)?.name;
      if (name === 'ConditionalCheckFailedException') {
        throw new LatchkeyFailure('REQUEST_ALREADY_USED', `audit ${entry.phase} for ${entry.requestId}: its slot is taken`);
      }
      throw new LatchkeyFailure('AUDIT_UNAVAILABLE', `dynamodb ${describeError(err)}`, { cause: err });
    }
  }

  async latestOf(actor: Requester, requests: number): Promise<AuditEvent[]> {
    // A request leaves at most three records (a claim, an outcome and that outcome written again, or one refusal).
    const { records } = await this.reading(() =>
      this.page({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': actorKey(actor.teamId, actor.userId) }), ScanIndexForward: false }, requests * 3),
    );
    return records.map(toAuditEvent);
  }

  async ofDay(day: string): Promise<readonly AuditEvent[]> {
    // A day is read whole once, then only for the records written after the latest it held: one
    // Query whose filter DynamoDB applies to each item it reads of the day, so that it answers with
    // those records and, summed over its pages, with how many items the day holds (ScannedCount).
    // When the two add up the day is as read, plus those; when they do not (a record the by-day index
    // showed late, one from a writer whose clock is behind, one put or deleted by hand) it is read
    // whole again, as it is an hour after its last whole read. A writer's clock ahead only has its
    // day read whole until that time comes. DynamoDB reads as much either way; what is saved is the
    // records that come back to be unmarshalled and parsed: what each admin's Home tab open spent its
    // CPU and memory on, today's thousand records of a busy day among them (docs/performance.md, an
    // eighteenth and a nineteenth pass).
    const now = this.clock.now().getTime();
    const kept = this.keptDays.get(day);
    if (kept && Math.abs(now - kept.readAt) < DAY_KEPT_MS) {
      const since = await this.reading(() => this.dayPages(day, kept.newest));
      // Each one newer than the day's latest as kept, or it was kept already: a stored time that is no
      // time (a hand edit) is read as another (readAuditItem), and DynamoDB compares the stored one.
      const added = since.events.every((e) => e.at > kept.newest) && since.scanned === kept.events.length + since.events.length;
      if (added) return this.keep(day, since.events.length === 0 ? kept : { events: inKeyOrder(kept.events, since.events), readAt: kept.readAt });
    }
    return this.keep(day, { events: (await this.reading(() => this.dayPages(day))).events, readAt: now });
  }

  /** A day's records as read, kept while the bounds allow. */
  private keep(day: string, read: { events: readonly AuditEvent[]; readAt: number; newest?: string }): readonly AuditEvent[] {
    const events = Object.isFrozen(read.events) ? read.events : Object.freeze(read.events);
    let newest = read.newest;
    if (newest === undefined) {
      newest = '';
      for (const event of events) if (event.at > newest) newest = event.at;
    }
    this.keptDays.delete(day);
    if (events.length <= RECORDS_KEPT) this.keptDays.set(day, { events, readAt: read.readAt, newest });
    let records = 0;
    for (const kept of this.keptDays.values()) records += kept.events.length;
    // The earliest days go first: today's is the one read on every open.
    for (const old of [...this.keptDays.keys()].sort()) {
      if (this.keptDays.size <= DAYS_KEPT && records <= RECORDS_KEPT) break;
      records -= this.keptDays.get(old)!.events.length;
      this.keptDays.delete(old);
    }
    return events;
  }

  /**
   * A day's records on the by-day index, those written after `after` when given, each read as an
   * event as its page comes, the page then dropped: the Home tab reads 7 days at once, and what they
   * hold alive at once is its peak (docs/performance.md, a seventeenth pass).
   */
  private async dayPages(day: string, after?: string): Promise<{ events: AuditEvent[]; scanned: number }> {
    const events: AuditEvent[] = [];
    let scanned = 0;
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'by-day',
          KeyConditionExpression: '#day = :day',
          ...(after !== undefined && { FilterExpression: `#f${DAY_FIELDS.indexOf('at')} > :after` }),
          ProjectionExpression: DAY_FIELDS.map((_, i) => `#f${i}`).join(', '),
          ExpressionAttributeNames: { '#day': 'day', ...Object.fromEntries(DAY_FIELDS.map((f, i) => [`#f${i}`, f])) },
          ExpressionAttributeValues: marshall({ ':day': day, ...(after !== undefined && { ':after': after }) }),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) events.push(Object.freeze(toAuditEvent(this.parsed(item, daySchema))));
      scanned += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { events, scanned };
  }

  async search(actor: Requester, from: Date, to: Date, page: LinesPage): Promise<AuditPage> {
    const pk = actorKey(actor.teamId, actor.userId);
    const since = from.toISOString();
    const until = to.toISOString();
    // A record's sort key starts with its request's ID, the ISO time the request began, which can be
    // days before the record is written: a reset asked for one day and approved the next is finished
    // then, under the reference of the day before. So the keys are read from REFERENCE_DAYS before the
    // days searched (within which a reference's records are written, as ofReferences reads them).
    const earliest = new Date(from.getTime() - REFERENCE_DAYS * 86_400_000).toISOString();
    // A place outside the keys searched is none this search gave (DynamoDB would refuse it as a fault).
    if (page.after !== undefined && !(page.after >= earliest && page.after <= `${until}~`)) throw notAPlace('outside the days searched');
    /**
     * A request of the days: begun in them, or with a record written in them (all its records, so its
     * line is whole); unless its line is an earlier request's begun in them, read there (placedIn).
     */
    const ofTheDays = (request: readonly AuditRecord[]) =>
      (request[0]!.requestId >= since || request.some((r) => r.at >= since && r.at <= until)) && !placedIn(request, page, (place) => place >= since);
    const read = this.reading.bind(this);
    const self = this;
    async function* records(): AsyncGenerator<SearchRead> {
      let after = page.after;
      // One request's records, read so far: they are next to each other, its ID starting their keys.
      let request: AuditRecord[] = [];
      for (;;) {
        const { records, next } = await read(() =>
          self.page(
            {
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: marshall({ ':pk': pk, ':from': earliest, ':to': `${until}~` }),
              ScanIndexForward: false,
              ExclusiveStartKey: after ? marshall({ pk, sk: after }) : undefined,
            },
            page.lines * 2,
          ),
        );
        for (const record of records) {
          if (request.length > 0 && record.requestId !== request[0]!.requestId) {
            yield* ofTheDays(request) ? request : [{ passed: request }];
            request = [];
          }
          request.push(record);
        }
        if (!next) break;
        after = next;
      }
      if (request.length > 0) yield* ofTheDays(request) ? request : [{ passed: request }];
    }
    return this.linesPage(records(), page, (r) => r.sk);
  }

  async writtenSince(actor: Requester, since: Date): Promise<AuditEvent[]> {
    // A record's sort key starts with its request's ID, the time the request began, up to
    // REFERENCE_DAYS before the record is written (an approved reset finished days on): so the keys
    // are read from then, and the records kept by when they were written. No upper bound: a record
    // from an instance whose clock is ahead is still one written since.
    const from = since.toISOString();
    const earliest = new Date(since.getTime() - REFERENCE_DAYS * 86_400_000).toISOString();
    const read = await this.reading(() =>
      this.everyPage({
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: marshall({ ':pk': actorKey(actor.teamId, actor.userId), ':from': earliest }),
      }, (item) => this.parsed(item)),
    );
    // By the time as read (a record this version cannot read has its request's time, or its day's).
    return read.filter((r) => r.at >= from).map(toAuditEvent);
  }

  async searchDays(teamId: string, days: readonly string[], page: LinesPage): Promise<AuditPage> {
    // A request's records are written on two days when it ends after the midnight it began before (an
    // attempt at 23:59:58, its outcome at 00:00:03): the day after the newest searched is read too, its
    // records of requests begun by then only (keyed before its start), and kept only for a request with
    // a record in the days searched, so its line says how it ended. One more day's Query, of few records.
    const newest = days[0];
    const dayAfter = newest === undefined ? undefined : new Date(Date.parse(`${newest}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
    const following = dayAfter !== undefined && dayAfter <= this.clock.now().toISOString().slice(0, 10) ? dayAfter : undefined;
    const cursor = page.after === undefined ? undefined : daysCursorOf(page.after);
    if (cursor && !days.includes(cursor.day) && cursor.day !== following) throw notAPlace('outside the days searched');
    if (cursor && !cursor.pk.startsWith(actorKey(teamId, ''))) throw notAPlace('in another workspace');
    const { client, tableName } = this;
    const read = this.reading.bind(this);
    const parsed = this.parsed.bind(this);
    /** One day's records (by the day each was written), its greatest key first, below `before`. */
    const dayReader = (day: string, before: string | undefined) => {
      const buffered: AuditRecord[] = [];
      let startKey: QueryCommandInput['ExclusiveStartKey'];
      let done = false;
      const head = async (): Promise<AuditRecord | undefined> => {
        while (buffered.length === 0 && !done) {
          const found = await read(() =>
            client.send(
              new QueryCommand({
                TableName: tableName,
                IndexName: 'by-day',
                KeyConditionExpression: before !== undefined ? '#day = :day AND sk < :before' : '#day = :day',
                FilterExpression: 'slackTeamId = :team',
                ExpressionAttributeNames: { '#day': 'day' },
                ExpressionAttributeValues: marshall({ ':day': day, ':team': teamId, ...(before !== undefined && { ':before': before }) }),
                ScanIndexForward: false,
                Limit: page.lines * 2,
                ExclusiveStartKey: startKey,
              }),
            ),
          );
          for (const item of found.Items ?? []) buffered.push(parsed(item));
          startKey = found.LastEvaluatedKey;
          done = !startKey;
        }
        return buffered[0];
      };
      return { head, take: () => void buffered.shift() };
    };
    async function* merged(): AsyncGenerator<AuditRecord> {
      // Newest request first, as a person's search: by key (a record's starts with its request's ID,
      // its ISO time) across the days' Queries, so a request's records are next to each other though
      // written on two days (an attempt before midnight, its outcome after). A day's records are all
      // keyed before its end (a request's ID is taken before its records are written), so the day
      // before's is read only once the next record may be in it; a later page opens at once every
      // day that may hold records before its place.
      const open: ReturnType<typeof dayReader>[] = [];
      const atMostOf = (day: string) => (cursor && cursor.sk < `${day}~` ? cursor.sk : `${day}~`);
      const unopened = [...(following && newest ? [{ day: following, atMost: atMostOf(newest) }] : []), ...days.map((day) => ({ day, atMost: atMostOf(day) }))];
      for (;;) {
        let best: { record: AuditRecord; take: () => void } | undefined;
        for (const stream of open) {
          const record = await stream.head();
          if (record && (!best || record.sk > best.record.sk)) best = { record, take: stream.take };
        }
        const next = unopened[0];
        if (next && (!best || next.atMost > best.record.sk)) {
          unopened.shift();
          // The day after's only below the newest day's end: requests begun in or before the days.
          open.push(dayReader(next.day, next.day === following ? next.atMost : cursor?.sk));
          continue;
        }
        if (!best) return;
        best.take();
        yield best.record;
      }
    }
    async function* records(): AsyncGenerator<SearchRead> {
      // One request's records, read so far: kept when one of them was written in the days searched.
      let request: AuditRecord[] = [];
      const ofTheDays = () => request.some((r) => r.day !== following) && !placedIn(request, page, (place) => days.includes(place.slice(0, 10)));
      for await (const record of merged()) {
        if (request.length > 0 && record.requestId !== request[0]!.requestId) {
          yield* ofTheDays() ? request : [{ passed: request }];
          request = [];
        }
        request.push(record);
      }
      if (request.length > 0) yield* ofTheDays() ? request : [{ passed: request }];
    }
    return this.linesPage(records(), page, (r) => JSON.stringify({ day: r.day, pk: r.pk, sk: r.sk }));
  }

  /**
   * The records of at most `page.lines` lines, newest first. The page ends before the first record of
   * one line too many: the next starts with it, so a page ends between two requests (a request's
   * records are next to each other: their keys start with its ID, and they are one line), never
   * inside one. A page ends too, between two requests, once SEARCH_READ_MAX records are read, shown
   * or passed (requests of other days, read to find those of the days): a page whose lines take many
   * records each, or few or none shown among many read. The next goes on after the last one read.
   */
  private async linesPage(records: AsyncGenerator<SearchRead>, page: LinesPage, cursorOf: (r: AuditRecord) => string): Promise<AuditPage> {
    const events: AuditEvent[] = [];
    const lines = new Set<string>();
    let last: AuditRecord | undefined;
    let read = 0;
    const end = async (): Promise<AuditPage> => {
      await records.return(undefined);
      return { events, next: cursorOf(last!) };
    };
    for await (const item of records) {
      if ('passed' in item) {
        if (read >= SEARCH_READ_MAX) return end();
        read += item.passed.length;
        last = item.passed.at(-1);
        continue;
      }
      const event = toAuditEvent(item);
      const line = page.lineOf(event);
      const between = event.requestId !== last?.requestId;
      if ((!lines.has(line) && lines.size === page.lines) || (between && read >= SEARCH_READ_MAX)) return end();
      lines.add(line);
      events.push(event);
      read += 1;
      last = item;
    }
    return { events };
  }

  async ofReferences(references: readonly string[]): Promise<AuditEvent[]> {
    if (references.length === 0) return [];
    // A reference starts with the ISO time it was taken, and its records are written then or later:
    // a pending request's decision and finish within its time (72 hours unless configured), so the
    // days from each reference's to today's, at most REFERENCE_DAYS of them, through the by-day index:
    // one Query a day, however many references it is read for. The table is keyed by person, so a
    // reference's end with no day could only be found by a Scan: endingWith reads the days picked.
    const today = this.clock.now().getTime();
    const days = [...new Set(references.flatMap((reference) => daysFrom(reference, REFERENCE_DAYS, today)))].sort();
    const refs = [...new Set(references)];
    const values = Object.fromEntries(refs.map((r, i) => [`:ref${i}`, r]));
    const anyOf = Object.keys(values).join(', ');
    const records = await this.byDays(days, {
      filter: REFERENCE_FIELDS.map((field) => `${field} IN (${anyOf})`).join(' OR '),
      values,
    });
    return records.map(toAuditEvent);
  }

  async endingWith(days: readonly string[], end: string): Promise<ReferenceEnding[]> {
    // DynamoDB filters have no "ends with": contains() narrows what each day's Query returns, and
    // only a reference whose end it is is kept (its hex is no part of its time). The fields are
    // ofReferences': an approval request's reference is in its steps' approvalRequestId (or
    // licenseRequestId, finishRequestId), each step under a requestId of its own.
    const records = await this.byDays(days, {
      filter: REFERENCE_FIELDS.map((field) => `contains(${field}, :end)`).join(' OR '),
      values: { ':end': end },
    });
    return records.flatMap((r) => {
      const event = toAuditEvent(r);
      const ending = new Set(REFERENCE_FIELDS.map((field) => r[field]).filter((v): v is string => typeof v === 'string' && v.endsWith(end)));
      return [...ending].map((reference) => ({ reference, event }));
    });
  }

  async stepsSince(approvalRequestId: string, since: string): Promise<AuditEvent[]> {
    // A reference starts with the ISO time it was taken: the by-day index's keys from `since` on, on
    // its day and each day after it up to today, one Query a day. At most STEP_DAYS of them: a
    // request lives at most 30 days (LICENSE_REQUEST_TTL_HOURS up to 720), and a step begun just
    // before midnight is written just after. A rare read (a decision on a change whose outcome is
    // unknown), so a month of Queries is fine.
    const records = await this.byDays(daysFrom(since, STEP_DAYS, this.clock.now().getTime()), {
      key: 'sk >= :since',
      filter: 'approvalRequestId = :id',
      values: { ':since': since, ':id': approvalRequestId },
    });
    // What it is read for (whether an apply may have sent its change) is no guess: a record of it
    // this version cannot read fails the read, which its caller takes as "may have been made".
    const unreadable = records.find((r) => r.unreadable);
    if (unreadable) throw new LatchkeyFailure('STORE_UNAVAILABLE', `audit record ${unreadable.pk} ${unreadable.sk}: this version cannot read its ${unreadable.unreadable!.join(', ')}`);
    return records.map(toAuditEvent);
  }

  /** A person's records, oldest first. */
  listByActor(teamId: string, userId: string): Promise<AuditRecord[]> {
    return this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': actorKey(teamId, userId) }) });
  }

  /** Everyone's records of one UTC day (YYYY-MM-DD), in order. */
  listByDay(day: string): Promise<AuditRecord[]> {
    return this.query({
      IndexName: 'by-day',
      KeyConditionExpression: '#day = :day',
      ExpressionAttributeNames: { '#day': 'day' },
      ExpressionAttributeValues: marshall({ ':day': day }),
    });
  }

  /**
   * The records of `days` on the by-day index that match `where` (`key` narrowing each day's keys,
   * `filter` the records read): one Query a day, all at once, however many requests they are read for.
   */
  private byDays(days: readonly string[], where: { key?: string; filter: string; values: Record<string, string> }): Promise<AuditRecord[]> {
    return this.reading(async () =>
      (
        await Promise.all(
          days.map((d) =>
            this.query({
              IndexName: 'by-day',
              KeyConditionExpression: where.key === undefined ? '#day = :day' : `#day = :day AND ${where.key}`,
              FilterExpression: where.filter,
              ExpressionAttributeNames: { '#day': 'day' },
              ExpressionAttributeValues: marshall({ ':day': d, ...where.values }),
            }),
          ),
        )
      ).flat(),
    );
  }

  /** Every page of a query, for reads that need all of what matches (a day's, a person's since a time): each item kept as `read` makes it. */
  private async everyPage<T>(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>, read: (item: Record<string, AttributeValue>) => T): Promise<T[]> {
    const found: T[] = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) found.push(read(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** One page of at most `limit` records, and the sort key to go on from. */
  private async page(input: Omit<QueryCommandInput, 'TableName' | 'Limit'>, limit: number): Promise<{ records: AuditRecord[]; next?: string }> {
    const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, Limit: limit }));
    const records = (page.Items ?? []).map((item) => this.parsed(item));
    const last = page.LastEvaluatedKey ? (unmarshall(page.LastEvaluatedKey).sk as string) : undefined;
    return { records, ...(last && { next: last }) };
  }

  /**
   * One item as read (readAuditItem): a record this version cannot read is kept, as unreadable, and
   * an operator told which (its key, and the names of its fields, never their values). A warning,
   * never an alert: only someone who may write the table can put such a record (a newer version, an
   * operator's edit), no outsider; and each read of its day would page again.
   *
   * Once a record (and the fields it is unreadable for: a day's read may name fewer) a process: every
   * admin's Home tab reads 7 days, and after a rollback each of its days may hold thousands of a newer
   * version's records. Forgetting (WARNED_UNREADABLE_MAX) only means one more warning of a record.
   */
  private parsed(item: Record<string, AttributeValue>, schema?: Parameters<typeof readAuditItem>[1]): AuditRecord {
    const record = readAuditItem(unmarshall(item), schema);
    const key = record.unreadable && `${record.pk}\u0000${record.sk}\u0000${record.unreadable.join(',')}`;
    if (key && !this.warnedUnreadable.has(key)) {
      if (this.warnedUnreadable.size >= WARNED_UNREADABLE_MAX) this.warnedUnreadable.clear();
      this.warnedUnreadable.add(key);
      this.logger.warn({ pk: record.pk, sk: record.sk, day: record.day, unreadable: record.unreadable }, 'audit record this version cannot read: shown as unreadable');
    }
    return record;
  }

  private async reading<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      throw new LatchkeyFailure('STORE_UNAVAILABLE', `dynamodb audit read: ${describeError(err)}`, { cause: err });
    }
  }

  private async query(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) records.push(this.parsed(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
