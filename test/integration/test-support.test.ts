/**
 * Smoke tests of the integration-test support: if these fail, every integration test built on
 * them is suspect, so they check the fakes against the real clients (WebClient, Bolt, AWS SDK).
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { verifySlackRequest } from '@slack/bolt';
import { ErrorCode, LogLevel, WebClient, type Logger, type WebAPIPlatformError } from '@slack/web-api';
import { auditTable } from '../../src/audit/audit-table';
import { DynamoDbAuditLog } from '../../src/audit/dynamodb-audit-log';
import type { LatchkeyFailure } from '../../src/flows/failure';
import type { AuditEntry, AuditLog } from '../../src/flows/ports';
import { ensureTable } from '../../src/storage/ensure-table';
import { startDynalite } from '../support/dynamodb-local';
import { MemoryAudit } from '../support/in-memory-ports';
import { answeredAt, useHarness } from '../support/harness';
import { startSlackFake, type FakeSlackUser, type SlackFake } from '../support/slack-fake';
import { blockActionsPayload, postInteraction, postSigned, postSlashCommand, slackSignature, viewSubmissionPayload, type AppResponse } from '../support/slack-requests';
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

const TEAM = 'T0LATCHKEY';
const alice: FakeSlackUser = { id: 'UALICE', team_id: TEAM, name: 'alice', profile: { email: 'alice@example.com', real_name: 'Alice' } };

const modal = (overrides: Record<string, unknown> = {}) => ({
  type: 'modal',
  callback_id: 'reset',
  title: { type: 'plain_text', text: 'Reset PIN' },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
  ...overrides,
});

/** The errors here are provoked on purpose; the WebClient would log each of them. */
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
const clientFor = (fake: SlackFake, token = fake.botToken, retries = 0) =>
  new WebClient(token, { slackApiUrl: fake.url, logger: quiet, retryConfig: { retries, minTimeout: 0 } });

/** The platform error code of a rejected Web API call. */
async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (err) {
    if ((err as WebAPIPlatformError).code === ErrorCode.PlatformError) return (err as WebAPIPlatformError).data.error;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('Slack Web API fake', () => {
  let fake: SlackFake;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startSlackFake({ teamId: TEAM, users: [alice] });
    client = clientFor(fake);
  });
  afterEach(() => fake.clear());
  afterAll(() => fake.close());

  it('answers users.info and records the call with its token', async () => {
    const res = await client.users.info({ user: 'UALICE' });
    expect(res.user?.profile?.email).toBe('alice@example.com');
    expect(await slackError(client.users.info({ user: 'UNOBODY' }))).toBe('user_not_found');
    expect(fake.callsTo('users.info').map((c) => [c.args.user, c.token])).toEqual([
      ['UALICE', fake.botToken],
      ['UNOBODY', fake.botToken],
    ]);
  });

  it('rejects any other token', async () => {
    const impostor = clientFor(fake, 'xoxb-wrong');
    expect(await slackError(impostor.auth.test())).toBe('invalid_auth');
    expect((await client.auth.test()).user_id).toBe(fake.botUserId);
  });

  it('accepts a trigger id once, parses the view and keeps it by id', async () => {
    const trigger_id = fake.newTriggerId();
    const opened = await client.views.open({ trigger_id, view: modal() as never });
    const id = opened.view?.id ?? '';
    expect(fake.viewById(id)).toMatchObject({ callback_id: 'reset', title: { text: 'Reset PIN' }, state: { values: {} } });
    expect(fake.callsTo('views.open')[0]?.args.view.blocks).toHaveLength(1); // a parsed object, not a JSON string

    expect(await slackError(client.views.open({ trigger_id, view: modal() as never }))).toBe('exchanged_trigger_id');
    expect(await slackError(client.views.open({ trigger_id: '1.2.nope', view: modal() as never }))).toBe('invalid_trigger_id');

    // The fake runs in this process, so moving Date.now past Slack's 3 s exchange window ages the trigger.
    const late = fake.newTriggerId();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 3_001);
    try {
      expect(await slackError(client.views.open({ trigger_id: late, view: modal() as never }))).toBe('expired_trigger_id');
    } finally {
      clock.mockRestore();
    }

    const hash = opened.view?.hash ?? '';
    await client.views.update({ view_id: id, hash, view: modal({ title: { type: 'plain_text', text: 'Done' } }) as never });
    expect(fake.viewById(id)?.title.text).toBe('Done');
    expect(await slackError(client.views.update({ view_id: id, hash, view: modal() as never }))).toBe('hash_conflict');
    expect(await slackError(client.views.update({ view_id: 'VNOPE', view: modal() as never }))).toBe('not_found');
    // Closed by the person, the modal is gone: updating it is not_found, as Slack answers.
    fake.closeView(id);
    expect(await slackError(client.views.update({ view_id: id, view: modal() as never }))).toBe('not_found');
  });

  it('rejects views over Slack limits', async () => {
    const tooBig = [
      modal({ title: { type: 'plain_text', text: 'A title that is much too long' } }),
      modal({ private_metadata: 'x'.repeat(3001) }),
      modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }),
    ];
    for (const view of tooBig) {
      expect(await slackError(client.views.open({ trigger_id: fake.newTriggerId(), view: view as never }))).toBe('invalid_arguments');
    }
  });

  it('rate-limits with Retry-After, which the WebClient honours before retrying', async () => {
    // retries: 1 with minTimeout 0 (no back-off of p-retry's own), so the wait measured is the Retry-After one.
    const patient = clientFor(fake, fake.botToken, 1);
    fake.failNext('users.info', { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const res = await patient.users.info({ user: 'UALICE' });
    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fake.callsTo('users.info').map((c) => c.result?.error ?? 'ok')).toEqual(['ratelimited', 'ok']);
  });

  it('fails the next call with a chosen error, then recovers', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    expect(await slackError(client.chat.postMessage({ channel: 'UALICE', text: 'hi' }))).toBe('channel_not_found');
    const res = await client.chat.postMessage({ channel: 'UALICE', text: 'hi' });
    expect(res.channel).toBe('DUALICE');
    expect(await slackError(client.apiCall('admin.users.remove'))).toBe('unknown_method');
  });

  it('waitForCall resolves for a call made later, and names what it saw on timeout', async () => {
    const waiting = fake.waitForCall('chat.postMessage', (c) => c.args.channel === 'DUALICE');
    await client.conversations.open({ users: 'UALICE' });
    await client.chat.postMessage({ channel: 'DUALICE', text: 'your PIN was reset' });
    expect((await waiting).args.text).toBe('your PIN was reset');
    await expect(fake.waitForCall('views.push', undefined, 50)).rejects.toThrow(/conversations\.open, chat\.postMessage/);
  });
});

describe('Harness.lastShown', () => {
  const h = useHarness();

  it("counts only the modal's updates Slack accepted: one it refused changed nothing on screen, so a test reading it cannot pass on a view the person never saw", async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const client = clientFor(h.slack);
    h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === opened.viewId);
    expect(await slackError(client.views.update({ view_id: opened.viewId, view: modal({ title: { type: 'plain_text', text: 'Refused' } }) as never }))).toBe('internal_error');
    expect(h.lastShown(opened.viewId, [])!.title.text).toBe(opened.view.title.text);
    await client.views.update({ view_id: opened.viewId, view: modal({ title: { type: 'plain_text', text: 'Accepted' } }) as never });
    expect(h.lastShown(opened.viewId, [])!.title.text).toBe('Accepted');
  });

  it('an answer that came after an update in the same millisecond is what Slack shows: they are ordered by when each came, not by their times', async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const client = clientFor(h.slack);
    const now = Date.now();
    const frozen = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      await client.views.update({ view_id: opened.viewId, view: modal({ title: { type: 'plain_text', text: 'Updated' } }) as never });
      const view = modal({ title: { type: 'plain_text', text: 'Answered' } });
      const answer = await answeredAt(Promise.resolve({ status: 200, body: '', json: { response_action: 'update', view }, ms: 1 }));
      expect(answer.at).toBe(h.slack.callsTo('views.update').at(-1)!.at);
      // Before: 'Updated', the update sorted after the answer of the same millisecond.
      expect(h.lastShown(opened.viewId, [answer])!.title.text).toBe('Answered');
    } finally {
      frozen.mockRestore();
    }
  });
});

describe('Harness.viewUpdate and shownAfterAll', () => {
  const h = useHarness();

  it("count only the modal's updates Slack accepted: one it refused is not what the person was shown, so a test reading them cannot pass on it", async () => {
    const opened = await h.open('/reset-pin', 'UBOB');
    const client = clientFor(h.slack);
    h.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === opened.viewId);
    expect(await slackError(client.views.update({ view_id: opened.viewId, view: modal({ title: { type: 'plain_text', text: 'Refused' } }) as never }))).toBe('internal_error');
    await client.views.update({ view_id: opened.viewId, view: modal({ title: { type: 'plain_text', text: 'Accepted' } }) as never });
    // The first accepted update is the confirmation; the result is the next accepted one, never the refused one.
    expect((await h.viewUpdate(opened.viewId, 1)).title.text).toBe(opened.view.title.text);
    expect((await h.viewUpdate(opened.viewId, 2)).title.text).toBe('Accepted');
    // A submission answered with nothing to show: its result is the modal's next accepted update.
    const unanswered = { status: 200, body: '', ms: 0 } as AppResponse;
    expect((await h.shownAfterAll([unanswered], opened.viewId)).map((v) => v.title.text)).toEqual(['Accepted']);
  });
});

describe('signed requests', () => {
  const secret = 'test-signing-secret';
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  beforeAll(async () => {
    // A bare server that captures what the helpers put on the wire, for Bolt's verifier to judge.
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(() => {
    received.length = 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Throws like Bolt's HTTPReceiver would when rejecting the request. */
  const boltVerifies = ({ headers, body }: { headers: IncomingMessage['headers']; body: string }) =>
    verifySlackRequest({
      signingSecret: secret,
      body,
      headers: {
        'x-slack-signature': String(headers['x-slack-signature']),
        'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
      },
    });

  it('computes the documented v0 signature', () => {
    // The worked example from Slack's "Verifying requests from Slack" documentation.
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('signs slash commands and interactions the way Bolt verifies them', async () => {
    const res = await postSlashCommand(url, secret, { command: '/reset-pin', user_id: 'UALICE', team_id: TEAM, trigger_id: '1.2.3', text: 'me too' });
    expect(res).toMatchObject({ status: 200, json: { ok: true } });
    await postInteraction(url, secret, viewSubmissionPayload({ userId: 'UALICE', teamId: TEAM, view: { id: 'V1', callback_id: 'reset' } }));
    await postInteraction(url, secret, blockActionsPayload({ userId: 'UALICE', teamId: TEAM, actionId: 'go', channelId: 'DUALICE', messageTs: '1.2' }));

    const [command, submission, action] = received;
    for (const request of received) {
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(() => boltVerifies(request)).not.toThrow();
    }
    const form = new URLSearchParams(command?.body);
    expect([form.get('command'), form.get('text'), form.get('user_id')]).toEqual(['/reset-pin', 'me too', 'UALICE']);
    expect(JSON.parse(new URLSearchParams(submission?.body).get('payload') ?? '')).toMatchObject({ type: 'view_submission', view: { id: 'V1', state: { values: {} } } });
    expect(JSON.parse(new URLSearchParams(action?.body).get('payload') ?? '')).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'go' }] });
  });

  it('can sign wrongly, with another secret, or too long ago', async () => {
    await postSigned(url, 'a=1', secret, { badSignature: true });
    await postSigned(url, 'a=1', secret, { signingSecret: 'not-the-secret' });
    await postSigned(url, 'a=1', secret, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(received).toHaveLength(3);
    expect(() => boltVerifies(received[0]!)).toThrow(/signature mismatch/);
    expect(() => boltVerifies(received[1]!)).toThrow(/signature mismatch/);
    expect(() => boltVerifies(received[2]!)).toThrow(/stale/);
  });
});

describe('dynalite', () => {
  it('serves the DynamoDB API to the AWS SDK', async () => {
    const local = await startDynalite();
    const dynamo = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await dynamo.send(
        new CreateTableCommand({
          TableName: 'audit',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await dynamo.send(new PutItemCommand({ TableName: 'audit', Item: { pk: { S: 'reset#1' }, who: { S: 'UALICE' } } }));
      const got = await dynamo.send(new GetItemCommand({ TableName: 'audit', Key: { pk: { S: 'reset#1' } } }));
      expect(got.Item?.who?.S).toBe('UALICE');
    } finally {
      dynamo.destroy();
      await local.close();
    }
  });

  it('answers the requests it is serving before it closes, so a test that closes it with a write still in flight does not end the test process', () => {
    // In a child process: without this, dynalite throws "Database is closed" outside any callback,
    // which would take this jest worker (and every suite in it) down with it. Each round closes
    // dynalite a few turns of the event loop after it has read an UpdateItem, inside the action.
    const script = `
      const http = require('node:http');
      const { CreateTableCommand, DynamoDBClient, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
      const { startDynalite } = require('./test/support/dynamodb-local');
      let closeAfterTurns = -1;
      let closing;
      const closeOf = new Map();
      const emit = http.Server.prototype.emit;
      http.Server.prototype.emit = function (event, req, ...rest) {
        const handled = emit.call(this, event, req, ...rest);
        if (event === 'request' && String(req.headers['x-amz-target']).endsWith('.UpdateItem') && closeAfterTurns >= 0) {
          let turns = closeAfterTurns;
          req.on('end', () => { const turn = () => (turns-- > 0 ? setImmediate(turn) : (closing = closeOf.get(this.address().port)())); turn(); });
        }
        return handled;
      };
      (async () => {
        const outcomes = [];
        for (let turns = 0; turns <= 6; turns++) {
          const local = await startDynalite();
          closeOf.set(Number(new URL(local.endpoint).port), local.close);
          const dynamo = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
          await dynamo.send(new CreateTableCommand({ TableName: 'audit', BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'day', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            GlobalSecondaryIndexes: [{ IndexName: 'byDay', KeySchema: [{ AttributeName: 'day', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }] }));
          closeAfterTurns = turns;
          outcomes.push(await dynamo.send(new UpdateItemCommand({ TableName: 'audit', Key: { pk: { S: 'reset#1' } }, UpdateExpression: 'SET #d = :d', ExpressionAttributeNames: { '#d': 'day' }, ExpressionAttributeValues: { ':d': { S: '2026-12-07' } } })).then(() => 'answered', (err) => err.name));
          closeAfterTurns = -1;
          await closing;
          dynamo.destroy();
        }
        // What dynalite would throw comes a few turns after its close.
        await new Promise((resolve) => setTimeout(resolve, 300));
        console.log(JSON.stringify(outcomes));
      })();
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Database is closed/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]')).toEqual(Array(7).fill('answered'));
  });
});

describe('the in-memory audit stand-in', () => {
  /**
   * The same writes against the audit in DynamoDB (over dynalite) and the stand-in unit tests use:
   * what the store refuses, the stand-in refuses too, or a flow's unit test passes on a write the
   * store would turn away (a decision found made twice, written as such twice).
   */
  it('refuses what the DynamoDB audit refuses: each slot of a request once, a restated outcome included, per person', async () => {
    const local = await startDynalite();
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      await ensureTable(client, auditTable('audit-stand-in'));
      const ada = { userId: 'UADA', teamId: 'T0TEAM' };
      const step = { requestId: '2026-12-01T09:00:00.000Z_r1', action: 'license_decide', actor: ada, approvalRequestId: 'lr1' };
      const sequence: AuditEntry[] = [
        { ...step, phase: 'attempt' },
        { ...step, phase: 'outcome', outcome: 'failure', errorCode: 'STORE_OUTCOME_UNKNOWN' },
        // Found made by a later touch: that outcome again, as the success it was.
        { ...step, phase: 'outcome', outcome: 'success', restated: true },
        // Found made again by another touch.
        { ...step, phase: 'outcome', outcome: 'success', restated: true },
        { ...step, phase: 'outcome', outcome: 'success' },
        { ...step, phase: 'cancelled' },
        // Another person's records of the same reference are theirs.
        { ...step, actor: { userId: 'UMAX', teamId: 'T0TEAM' }, phase: 'attempt' },
      ];
      const answers = async (audit: AuditLog) => {
        const said: string[] = [];
        for (const entry of sequence) said.push(await audit.record(entry).then(() => 'written', (err: LatchkeyFailure) => err.code));
        return said;
      };
      const stored = await answers(new DynamoDbAuditLog(client, 'audit-stand-in', 1, { now: () => new Date('2026-12-01T09:00:00Z') }, { warn() {} }));
      expect(stored).toEqual(['written', 'written', 'written', 'REQUEST_ALREADY_USED', 'REQUEST_ALREADY_USED', 'REQUEST_ALREADY_USED', 'written']);
      const memory = new MemoryAudit();
      expect(await answers(memory)).toEqual(stored);
      expect(memory.entries).toHaveLength(4);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
