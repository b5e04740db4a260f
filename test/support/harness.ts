import { Writable } from 'node:stream';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createLatchkey, type Latchkey } from '../../src/app';
import { startDynamoGate, type DynamoCall, type DynamoGate } from './dynamo-gate';
import { DynamoDbAuditLog } from '../../src/audit/dynamodb-audit-log';
import { DynamoDbPendingRequests } from '../../src/approvals/dynamodb-pending-requests';
import { messageState } from '../../src/flows/approvals/approvals';
import type { PendingRequest } from '../../src/flows/approvals/pending-request';
import type { AuditRecord } from '../../src/audit/audit-record';
import type { AuditEntry } from '../../src/flows/ports';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { VERIFIERS } from '../../src/verifiers';
import { CLOSE_KEY_PREFIX } from '../../src/limits/rate-table';
import { CREDENTIALS, SETTINGS_OWNERS, settingsOwnerOf } from '../../src/credentials';
import { DEMO_ACCOUNT_ID, type ChimeSimulator, type ChimeSimUser } from '../../src/credentials/chime/stand-in';
import { nextPlace, type StandIn } from '../../src/credentials/stand-in';
import type { OktaSimPush, OktaSimulator } from '../../src/credentials/okta-stand-in';
import { DEMO_ORGANIZATION_ID, type WorkMailSimulator, type WorkMailSimUser } from '../../src/credentials/workmail/stand-in';
import { startDynalite, type LocalDynamo } from './dynamodb-local';
import { startSlackFake, type FakeSlackUser, type SlackCall, type SlackFake } from './slack-fake';
import {
  blockActionsPayload,
  homeOpenedEvent,
  postEvent,
  postInteraction,
  postSlashCommand,
  viewClosedPayload,
  viewSubmissionPayload,
  type AppResponse,
  type SignOptions,
} from './slack-requests';
import { lambdaEntry } from './lambda-entry';
import type { LambdaSimulator } from './lambda-simulator';
import { until } from './until';

export const TEAM = 'T0LATCHKEY';
export const SIGNING_SECRET = '5f0c2e8a9b1d4c7e8f3a6b2d9e0c1f4a';
/** The account and organization the stand-ins serve (their credentials' settings point there). */
export const CHIME_ACCOUNT = DEMO_ACCOUNT_ID;
export const WORKMAIL_ORG = DEMO_ORGANIZATION_ID;
export const APPROVALS_CHANNEL = 'C0APPROVALS';
/** UADA is an admin by ADMIN_USER_IDS, UMAX through the ADMIN_USERGROUP_ID user group. */
export const ADMIN_GROUP = 'S0ADMINS';

export function slackUser(id: string, email: string | undefined, extra: Partial<FakeSlackUser> = {}): FakeSlackUser {
  return { id, team_id: TEAM, name: id.toLowerCase(), profile: { email, real_name: id }, ...extra };
}

/** The people most tests need: employees, a guest, a bot, a leaver, a Slack Connect outsider. */
export const PEOPLE = {
  slack: [
    slackUser('UANN', 'ann@example.com'),
    slackUser('UBOB', 'bob@example.com'),
    slackUser('UGUEST', 'guest@partner.example', { is_restricted: true }),
    slackUser('USINGLE', 'single@partner.example', { is_ultra_restricted: true }),
    slackUser('UBOT', 'bot@example.com', { is_bot: true }),
    slackUser('ULEFT', 'left@example.com', { deleted: true }),
    slackUser('UOUTSIDE', 'outsider@other.example', { team_id: 'T0OTHER' }),
    slackUser('UNOMAIL', undefined),
    slackUser('UNOCHIME', 'nochime@example.com'),
    slackUser('USUSP', 'suspended@example.com'),
    slackUser('UADA', 'ada@example.com'),
    slackUser('UMAX', 'max@example.com'),
    slackUser('UCARL', 'carl@example.com'),
    slackUser('UROOM', 'room@example.com'),
  ],
  chime: [
    { UserId: 'chime-ann', PrimaryEmail: 'Ann@Example.com', LicenseType: 'Basic', UserRegistrationStatus: 'Registered' },
    { UserId: 'chime-bob', PrimaryEmail: 'bob@example.com', LicenseType: 'Basic', UserRegistrationStatus: 'Registered' },
    { UserId: 'chime-susp', PrimaryEmail: 'suspended@example.com', LicenseType: 'Pro', UserRegistrationStatus: 'Suspended' },
    { UserId: 'chime-ada', PrimaryEmail: 'ada@example.com', LicenseType: 'Pro', UserRegistrationStatus: 'Registered' },
    { UserId: 'chime-max', PrimaryEmail: 'max@example.com', LicenseType: 'Basic', UserRegistrationStatus: 'Registered' },
    { UserId: 'chime-carl', PrimaryEmail: 'carl@example.com', LicenseType: 'Basic', UserRegistrationStatus: 'Registered' },
  ] as ChimeSimUser[],
  workmail: [
    { Id: 'wm-ann', Email: 'ann@example.com', Name: 'ann', State: 'ENABLED', UserRole: 'USER' },
    { Id: 'wm-anna', Email: 'anna@example.com', Name: 'anna', State: 'ENABLED', UserRole: 'USER' },
    { Id: 'wm-bob', Email: 'bob@example.com', Name: 'bob', State: 'DISABLED', UserRole: 'USER' },
    { Id: 'wm-carl', Email: 'carl@example.com', Name: 'carl', State: 'ENABLED', UserRole: 'USER' },
    { Id: 'wm-room', Email: 'room@example.com', Name: 'room', State: 'ENABLED', UserRole: 'RESOURCE' },
  ] as WorkMailSimUser[],
};

/** Each credential's test accounts, by credential ID; a credential not named here gets its stand-in's demo accounts. */
export const ACCOUNTS: Readonly<Record<string, readonly unknown[]>> = { pin: PEOPLE.chime, password: PEOPLE.workmail };

export interface HarnessOptions {
  slackUsers?: FakeSlackUser[];
  /** Accounts for some credentials' stand-ins, by credential ID, instead of ACCOUNTS. */
  accounts?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Credentials (by ID) left out of the configuration, as a deployment without them would be.
   * Leaving out one whose settings others reuse leaves them out too: they are one directory's.
   */
  without?: readonly string[];
  /** Run the Lambda entry point (src/lambda.ts) behind a simulated function URL instead of the server. */
  entry?: 'server' | 'lambda';
  /** With entry 'lambda': the built bundle (scripts/build-lambda.js) to run instead of src/lambda.ts. */
  lambdaBundle?: string;
  env?: Record<string, string>;
  /** How long the app's AWS calls may go unanswered (either entry): the app's own 5 s unless given. */
  awsRequestTimeoutMs?: number;
  /** How long a verifier's long poll (Duo's auth_status) is held before it is asked again (server entry): the verifier's own unless given. */
  longPollMs?: number;
  /** The app reaches dynalite through a gate (`dynamoGate`) that can leave chosen requests unanswered. */
  dynamoGate?: boolean;
}

/**
 * The real Latchkey app on an ephemeral port, wired to local stand-ins that speak the real
 * protocols: the Slack Web API fake, every credential's stand-in (from the registry), and dynalite.
 */
/** The app's clock in tests: real time, plus whatever a test moves it forward by. */
export class ShiftedClock {
  offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /**
   * Sets the clock to a second past the next top of a minute, an hour or a UTC day, so that what a
   * test does next falls in one of the fixed windows the rate limits count in (and one day of the
   * audit), whatever the real time: a run that crossed a minute's end once split a count.
   */
  toJustPastNext(unit: 'minute' | 'hour' | 'day'): void {
    const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit];
    const now = Date.now();
    this.offsetMs = Math.ceil(now / unitMs) * unitMs + 1_000 - now;
  }
}

export class Harness {
  readonly logs: string[] = [];
  readonly clock: ShiftedClock;

  private constructor(
    readonly slack: SlackFake,
    /** Every credential's stand-in, by credential ID, started from the registry. */
    readonly standIns: ReadonlyMap<string, StandIn>,
    readonly dynamo: LocalDynamo,
    readonly latchkey: Pick<Latchkey, 'start' | 'stop'>,
    readonly url: string,
    private readonly auditReader: DynamoDbAuditLog,
    private readonly readerClient: DynamoDBClient,
    logs: string[],
    clock: ShiftedClock,
  ) {
    this.logs = logs;
    this.clock = clock;
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const [slack, dynamo, ...started] = await Promise.all([
      startSlackFake({ teamId: TEAM, users: options.slackUsers ?? PEOPLE.slack }).then((fake) => {
        fake.usergroups.set(ADMIN_GROUP, ['UMAX']);
        fake.channels.set(APPROVALS_CHANNEL, { name: 'latchkey-approvals', isMember: true });
        return fake;
      }),
      startDynalite(),
      // One stand-in per directory: credentials that share settings share it (and its accounts).
      ...SETTINGS_OWNERS.map(async (c) => (await c.standIn()).start({ users: options.accounts?.[c.id] ?? ACCOUNTS[c.id] })),
    ]);
    const owned = new Map(SETTINGS_OWNERS.map((c, i) => [c, started[i] as StandIn]));
    const standIns = new Map(CREDENTIALS.map((c) => [c.id, owned.get(settingsOwnerOf(c))!]));
    const served = CREDENTIALS.filter((c) => !options.without?.includes(c.id) && !options.without?.includes(settingsOwnerOf(c).id));
    const credentialEnv = Object.assign({}, ...served.map((c) => standIns.get(c.id)!.env)) as Record<string, string>;
    // The verifier VERIFY_WITH names, unless a credential served here declares its Setting objects:
    // then that credential's stand-in serves it too (Okta Verify and Okta's credentials share OKTA_*).
    const verifierPlugin = VERIFIERS.find((v) => v.id === options.env?.VERIFY_WITH);
    const verifierVariables = Object.values(verifierPlugin?.settings.variables ?? {});
    const servedAlready = served.some((c) => Object.values(c.settings.variables).some((s) => verifierVariables.includes(s)));
    const verifierStandIn =
      verifierPlugin && !servedAlready ? await (await verifierPlugin.standIn()).start({ users: options.accounts?.[`verifier:${verifierPlugin.id}`] }) : undefined;
    if (verifierStandIn) Object.assign(credentialEnv, verifierStandIn.env);
    const gate = options.dynamoGate ? await startDynamoGate(dynamo.endpoint) : undefined;
    // The SDK's own configuration sources, as in production: endpoints by environment only.
    // AWS_REGION is not us-east-1 on purpose: the Chime simulator refuses requests not signed for it.
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_DYNAMODB: gate?.endpoint ?? dynamo.endpoint,
      ...Object.fromEntries(Object.entries(credentialEnv).filter(([k]) => k.startsWith('AWS_'))),
    });
    const licensed = served.some((c) => c.licenses);
    const env: Record<string, string> = {
      PORT: '0',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.url,
      SLACK_API_RETRIES: '0',
      SLACK_TEAM_ID: TEAM,
      AUDIT_TABLE_NAME: 'latchkey-audit-test',
      DYNAMODB_CREATE_TABLES: 'true',
      LOG_LEVEL: 'debug',
      // Tests reuse a few people many times; the limits have tests of their own.
      RESET_MAX_PER_HOUR: '100',
      LICENSE_REQUEST_MAX_PER_DAY: '100',
      ...credentialEnv,
      ...(licensed && { APPROVALS_CHANNEL_ID: APPROVALS_CHANNEL, ADMIN_USER_IDS: 'UADA', ADMIN_USERGROUP_ID: ADMIN_GROUP }),
      ...options.env,
    };
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const config = loaded.config;
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const clock = new ShiftedClock();
    const latchkey = options.entry === 'lambda' ? lambdaEntry(config, env, sink, options.lambdaBundle, options.awsRequestTimeoutMs) : createLatchkey(config, { logger: createLogger('debug', sink), clock, awsRequestTimeoutMs: options.awsRequestTimeoutMs, longPollMs: options.longPollMs });
    const { port } = await latchkey.start();
    const readerClient = new DynamoDBClient({ endpoint: dynamo.endpoint });
    const auditReader = new DynamoDbAuditLog(readerClient, config.audit.tableName, 1, { now: () => new Date() }, { warn() {} });
    const harness = new Harness(slack, standIns, dynamo, latchkey, `http://127.0.0.1:${port}`, auditReader, readerClient, logs, clock);
    harness.config = config;
    harness.awsRequestTimeoutMs = options.awsRequestTimeoutMs;
    harness.longPollMs = options.longPollMs;
    harness.gate = gate;
    harness.verifierStandIn = verifierStandIn;
    harness.env = env;
    harness.sink = sink;
    return harness;
  }

  private config!: Config;
  private awsRequestTimeoutMs?: number;
  private longPollMs?: number;
  private gate?: DynamoGate;

  /** The gate between the app and dynalite, when started with `dynamoGate`. */
  get dynamoGate(): DynamoGate {
    if (!this.gate) throw new Error('started without dynamoGate');
    return this.gate;
  }
  /** The stand-in of the verifier VERIFY_WITH names, when it has one of its own (Duo's). */
  verifierStandIn?: StandIn;
  /** The environment the app was configured from, for starting it as a separate process. */
  env!: Record<string, string>;
  private sink!: Writable;
  private readonly others: Latchkey[] = [];

  /** A second app instance on the same Slack, AWS and DynamoDB: what a scaled-out deployment is. */
  async startAnotherInstance(): Promise<string> {
    const other = createLatchkey(this.config, { logger: createLogger('debug', this.sink), clock: this.clock, awsRequestTimeoutMs: this.awsRequestTimeoutMs, longPollMs: this.longPollMs });
    this.others.push(other);
    const { port } = await other.start();
    return `http://127.0.0.1:${port}/slack/events`;
  }

  /** The simulated Lambda around the app, when started with `entry: 'lambda'`. */
  /** The next `count` Lambda invocations each start a fresh, cold instance. */
  coldNext(count: number): void {
    (this.latchkey as ReturnType<typeof lambdaEntry>).coldNext(count);
  }

  get lambda(): LambdaSimulator {
    return (this.latchkey as ReturnType<typeof lambdaEntry>).lambda;
  }

  /** The stand-ins tests speak to by name. */
  get chime(): ChimeSimulator {
    return this.standIns.get('pin') as ChimeSimulator;
  }

  get workmail(): WorkMailSimulator {
    return this.standIns.get('password') as WorkMailSimulator;
  }

  get okta(): OktaSimulator {
    return this.standIns.get('okta_password') as OktaSimulator;
  }

  /** Waits for the `nth` (1-based) Okta Verify push to this person's phone, as the phone sees it. */
  async waitForPush(email: string, nth = 1, timeoutMs = 5000): Promise<OktaSimPush> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const push = this.okta.pushes().filter((p) => p.email.toLowerCase() === email.toLowerCase())[nth - 1];
      if (push) return push;
      if (Date.now() > deadline) throw new Error(`no push number ${nth} to ${email}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Every secret any stand-in issued or accepted: what no log line, Slack call or DynamoDB item may hold. */
  allSecrets(): string[] {
    return [...new Set([...this.standIns.values(), ...(this.verifierStandIn ? [this.verifierStandIn] : [])])].flatMap((s) => s.secrets());
  }

  get eventsUrl(): string {
    return `${this.url}/slack/events`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.latchkey, ...this.others].map((l) => l.stop()));
    this.readerClient.destroy();
    // allSettled: a test may already have closed one (to play an outage).
    const standIns = new Set([...this.standIns.values(), ...(this.verifierStandIn ? [this.verifierStandIn] : [])]);
    await Promise.allSettled([this.slack.close(), ...[...standIns].map((s) => s.close()), this.dynamo.close(), ...(this.gate ? [this.gate.close()] : [])]);
  }

  command(
    command: string,
    userId: string,
    extra: { text?: string; teamId?: string; enterpriseId?: string; url?: string; triggerId?: string; responseUrl?: string } = {},
    opts?: SignOptions,
  ): Promise<AppResponse> {
    return postSlashCommand(
      extra.url ?? this.eventsUrl,
      SIGNING_SECRET,
      {
        command,
        user_id: userId,
        team_id: extra.teamId ?? TEAM,
        enterprise_id: extra.enterpriseId,
        response_url: extra.responseUrl,
        trigger_id: extra.triggerId ?? this.slack.newTriggerId(),
        text: extra.text ?? '',
      },
      opts,
    );
  }

  submit(
    userId: string,
    view: Record<string, any>,
    extra: { teamId?: string; enterpriseId?: string; values?: Record<string, Record<string, any>>; url?: string } = {},
  ): Promise<AppResponse> {
    return postInteraction(
      extra.url ?? this.eventsUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({ userId, teamId: extra.teamId ?? TEAM, enterpriseId: extra.enterpriseId, view, values: extra.values }),
    );
  }

  /**
   * A submission whose audit attempt DynamoDB writes (or turns away) at once, but whose answer
   * waits at the `dynamoGate` until `release`: a click whose attempt is on its way while others act
   * (its "working…" answer goes out meanwhile). Returns once the attempt has reached DynamoDB, with
   * the submission's answer to come (noted when it arrives, answeredAt).
   */
  async submitAttemptDelayed(userId: string, view: Record<string, any>): Promise<{ answer: Promise<Answered>; release: () => void }> {
    const attempts = () => this.dynamoGate.delayed.filter(attemptWriteOf(userId)).length;
    const before = attempts();
    const release = this.dynamoGate.delay(attemptWriteOf(userId));
    const answer = answeredAt(this.submit(userId, view));
    const deadline = Date.now() + 5000;
    while (attempts() <= before) {
      if (Date.now() > deadline) {
        release();
        throw new Error(`no audit attempt of ${userId} reached DynamoDB`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return { answer, release };
  }

  /**
   * A double click whose second click joins the first's change while it is kept under way here:
   * `userId` submits `view`, whose change, once it has answered, waits on its receipt (the DM after
   * the result, held until `releaseReceipt`); then submits it again, that click's attempt's answer
   * delayed until `releaseSecond` (submitAttemptDelayed). The first click's answer (its result, or
   * "working…" when the change took longer than the answer may be held: then the result followed
   * by views.update before the receipt; lastShown reads either), and the second's to come.
   * `firstEndsThenSecond` ends the first click (its receipt released, its reset logged) and then
   * lets the second's attempt be answered (with `refused`, Slack refuses the update of `viewId`
   * that comes after), until the second is turned away, its window updated after `answered`, and
   * both clicks have ended (their "reset click handled" lines): it returns the counts of updates and
   * ephemerals from before the second's answer.
   */
  async submitTwiceFirstUnderWay(userId: string, view: Record<string, any>) {
    const heldBefore = this.slack.held.length;
    const fromLog = this.logs.length;
    const logged = (text: string) => this.logs.filter((l) => l.includes(text)).length;
    const resetLogged = logged('"credential reset"');
    const turnedAway = logged('"code":"REQUEST_ALREADY_USED"');
    const releaseReceipt = this.slack.hold('chat.postMessage', (args) => args.channel === `D${userId}`);
    try {
      const first = await answeredAt(this.submit(userId, view));
      const deadline = Date.now() + 5000;
      while (this.slack.held.length <= heldBefore) {
        if (Date.now() > deadline) throw new Error(`no receipt to ${userId} after the first click`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await this.submitAttemptDelayed(userId, view);
      const firstEndsThenSecond = async ({ viewId, answered, refused }: { viewId: string; answered: Answered; refused: boolean }) => {
        releaseReceipt();
        await this.waitForLogs('"credential reset"', resetLogged + 1);
        const updatesBefore = this.slack.callsTo('views.update').length;
        const ephemeralsBefore = this.slack.callsTo('chat.postEphemeral').length;
        if (refused) this.slack.failNext('views.update', { error: 'internal_error' }, 1, (args) => args.view_id === viewId);
        second.release();
        await this.waitForLogs('"code":"REQUEST_ALREADY_USED"', turnedAway + 1);
        await this.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.place > answered.place);
        // Both clicks' ends (each one's "reset click handled" line): what must not come (a second
        // message, a second update) would have come before them. Refused, the update is followed by
        // a message only the person sees, and the window told where: both before the second's end.
        await this.resetClicksHandled(userId, 2, fromLog);
        return { updatesBefore, ephemeralsBefore };
      };
      return { first, second: second.answer, releaseReceipt, releaseSecond: second.release, firstEndsThenSecond };
    } catch (err) {
      releaseReceipt();
      throw err;
    }
  }

  /** Cancel (or ×) on a modal, as Slack reports it when the modal asked to be told. */
  close(userId: string, view: Record<string, any>, extra: { teamId?: string; url?: string } = {}): Promise<AppResponse> {
    return postInteraction(extra.url ?? this.eventsUrl, SIGNING_SECRET, viewClosedPayload({ userId, teamId: extra.teamId ?? TEAM, view }));
  }

  /** The person opens Latchkey's Home tab; returns the tab as published once it is. */
  async openHome(userId: string, from: { teamId?: string; enterpriseId?: string; tab?: 'home' | 'messages'; waitMs?: number } = {}): Promise<{ ack: AppResponse; home: Record<string, any> }> {
    const before = this.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
    const ack = await postEvent(this.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId, teamId: from.teamId ?? TEAM, enterpriseId: from.enterpriseId, tab: from.tab }));
    let seen = 0;
    const call = await this.slack.waitForCall('views.publish', (c) => c.args.user_id === userId && ++seen > before, from.waitMs);
    // As Slack holds it, with its ID: a click on it carries the view.
    return { ack, home: (call.result?.view ?? call.args.view) as Record<string, any> };
  }

  /**
   * The person opens Latchkey's Home tab; returns once all of that open's work is over: the tab
   * published and its follow-ups done (requests expired, requesters told), which come after it.
   */
  async openHomeToTheEnd(userId: string): Promise<{ ack: AppResponse; home: Record<string, any> }> {
    const from = this.logs.length;
    const opened = await this.openHome(userId);
    await this.homeFollowedUp(userId, from);
    return opened;
  }

  /**
   * Waits for the end of a publication of `userId`'s Home tab logged after `this.logs[from]` (its
   * follow-ups done), or for `orElse` to hold: what would keep the end from coming (a write of a
   * follow-up held at the DynamoDB gate), for the test to say it came.
   */
  homeFollowedUp(userId: string, from: number, orElse: () => boolean = () => false): Promise<void> {
    const ended = (l: string) => l.includes('"msg":"home tab published and followed up"') && l.includes(`"slackUserId":"${userId}"`);
    return until(`the end of ${userId}'s Home tab (its "home tab published and followed up" line)`, () => orElse() || this.logs.slice(from).some(ended));
  }

  /** Waits for `count` Reset clicks of `userId` (those `which` picks by their line) logged after `this.logs[from]` to have ended (each one's "reset click handled" line). */
  resetClicksHandled(userId: string, count: number, from: number, which: (line: string) => boolean = () => true): Promise<void> {
    const ended = (l: string) => l.includes('"msg":"reset click handled"') && l.includes(`"slackUserId":"${userId}"`) && which(l);
    return until(`the end of ${count} of ${userId}'s Reset clicks (each one's "reset click handled" line)`, () => this.logs.slice(from).filter(ended).length >= count);
  }

  /** A click on a button of the Home tab (or of a modal, with `view`), as Slack sends it. */
  clickIn(
    userId: string,
    actionId: string,
    value: string,
    where: { view: Record<string, any>; triggerId?: string; teamId?: string },
  ): Promise<AppResponse> {
    return postInteraction(
      this.eventsUrl,
      SIGNING_SECRET,
      blockActionsPayload({ userId, teamId: where.teamId ?? TEAM, actionId, value, view: where.view, triggerId: where.triggerId ?? this.slack.newTriggerId() }),
    );
  }

  /**
   * A click on a message button, as Slack sends it (from our workspace unless `from` says
   * otherwise), to this app or to another instance (`from.url`, from startAnotherInstance), with
   * Slack's response_url for it (`from.responseUrl`; else a closed port).
   */
  click(
    userId: string,
    actionId: string,
    value: string,
    message: { channel: string; ts: string },
    triggerId = this.slack.newTriggerId(),
    from: { teamId?: string; enterpriseId?: string; url?: string; responseUrl?: string } = {},
  ): Promise<AppResponse> {
    return postInteraction(
      from.url ?? this.eventsUrl,
      SIGNING_SECRET,
      blockActionsPayload({
        userId,
        teamId: from.teamId ?? TEAM,
        enterpriseId: from.enterpriseId,
        actionId,
        value,
        channelId: message.channel,
        messageTs: message.ts,
        triggerId,
        responseUrl: from.responseUrl,
      }),
    );
  }

  /**
   * The nth views.update of one modal (1-based) that Slack accepted, as the app sent it. One Slack
   * refused (the stand-in's answer not ok) changed nothing on screen, so it is not counted.
   */
  async viewUpdate(viewId: string, nth = 1, timeoutMs?: number): Promise<Record<string, any>> {
    let seen = 0;
    const call = await this.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c.result?.ok === true && ++seen === nth, timeoutMs);
    return call.args.view;
  }

  /**
   * The nth views.update of one modal (1-based) the app sent, whether Slack accepted it or not: only
   * for a window no one sees (a view ID the test made up for a forged or stale click, which Slack
   * holds none of and refuses to update), or to wait until the app tried an update Slack refuses.
   * What a person was shown is viewUpdate's.
   */
  async viewSent(viewId: string, nth = 1, timeoutMs?: number): Promise<Record<string, any>> {
    let seen = 0;
    const call = await this.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && ++seen === nth, timeoutMs);
    return call.args.view;
  }

  /**
   * What Slack holds for a modal now: of the answers to its submissions (each noted when it
   * arrived, answeredAt) and the app's views.update of it that Slack accepted, whichever replaced
   * it last. Two clicks' answers and updates interleave; a later one replaces an earlier, whatever
   * it says. An update Slack refused (the stand-in's answer not ok) changed nothing on screen.
   */
  lastShown(viewId: string, answers: ReadonlyArray<Answered>): Record<string, any> | undefined {
    // By their places (nextPlace), not their milliseconds: sorted by time, an answer and an update of the same millisecond came out answer first, whichever came last.
    const shown = [
      ...answers.filter((a) => a.json?.response_action === 'update').map((a) => ({ place: a.place, view: a.json.view as Record<string, any> })),
      ...this.slack
        .callsTo('views.update')
        .filter((c) => c.args.view_id === viewId && c.result?.ok === true)
        .map((c) => ({ place: c.place, view: c.args.view as Record<string, any> })),
    ];
    return shown.sort((a, b) => a.place - b.place).at(-1)?.view;
  }

  /**
   * What a modal shows after a submission: the view the answer itself carried (response_action:
   * update), unless that was the "working…" view, in which case the next views.update.
   */
  async shownAfter(submission: AppResponse, viewId: string, timeoutMs?: number): Promise<Record<string, any>> {
    return (await this.shownAfterAll([submission], viewId, timeoutMs))[0]!;
  }

  /**
   * The same for several submissions of one modal (a double click, a retry): the views their
   * answers carried, then one views.update for each answer that was only "working…". The modal's
   * first views.update is its confirmation, so results are updates 2, 3, … (counting only those
   * Slack accepted, as viewUpdate does).
   */
  async shownAfterAll(submissions: AppResponse[], viewId: string, timeoutMs?: number): Promise<Record<string, any>[]> {
    const answered = submissions.map((s) => (s.json?.response_action === 'update' ? (s.json.view as Record<string, any>) : undefined));
    const direct = answered.filter((v): v is Record<string, any> => !!v && !isProgress(v));
    const updates = [];
    for (let nth = 2; nth < 2 + submissions.length - direct.length; nth++) updates.push(await this.viewUpdate(viewId, nth, timeoutMs));
    return [...direct, ...updates];
  }

  /** Runs a slash command up to the point the person sees the confirmation (or a failure). */
  /** `timeoutMs`: how long its content may take to be shown (5 s unless given). */
  async open(command: string, userId: string, extra: { text?: string; url?: string; teamId?: string; enterpriseId?: string; timeoutMs?: number } = {}) {
    const { timeoutMs, ...rest } = extra;
    return this.opening((triggerId) => this.command(command, userId, { ...rest, triggerId }), timeoutMs);
  }

  /**
   * Does something that opens a modal with the trigger it is given, and returns the modal once
   * its content is shown. The trigger tells this modal from any other opened at the same time.
   */
  async opening(act: (triggerId: string) => Promise<AppResponse>, timeoutMs?: number) {
    const triggerId = this.slack.newTriggerId();
    const ack = await act(triggerId);
    const opened = await this.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
    const viewId = this.openedViewId(opened);
    const view = await this.viewUpdate(viewId, 1, timeoutMs);
    return { ack, viewId, view: { ...view, id: viewId } as Record<string, any> };
  }

  /**
   * The whole reset as the person does it: command, read, click; returns the final modal.
   * `beforeSubmit` runs while the person reads the confirmation: a fault for the click to meet.
   * `timeoutMs`: how long the confirmation, and then the final modal, may each take (5 s unless given).
   */
  async reset(command: string, userId: string, { beforeSubmit, timeoutMs }: { beforeSubmit?: () => unknown; timeoutMs?: number } = {}) {
    const opened = await this.open(command, userId, { timeoutMs });
    if (!opened.view.submit) return { ...opened, submission: undefined, final: opened.view };
    await beforeSubmit?.();
    const submission = await this.submit(userId, opened.view);
    const final = await this.shownAfter(submission, opened.viewId, timeoutMs);
    return { ...opened, submission, final };
  }

  /**
   * `userId` asks for `license` through /request-license, with a reason, and is shown it was sent:
   * the request's ID (its Review button's value) and its message in the approvals channel.
   */
  async asksForLicense(userId: string, { license = 'Pro', reason = 'I run the customer webinars' }: { license?: string; reason?: string } = {}) {
    const { view, viewId } = await this.open('/request-license', userId);
    const submission = await this.submit(userId, view, {
      values: {
        license: { license: { type: 'radio_buttons', selected_option: { value: license } } },
        reason: { reason: { type: 'plain_text_input', value: reason } },
      },
    });
    await this.shownAfter(submission, viewId);
    const post = await this.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`) && JSON.stringify(c.args).includes(license));
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    return { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
  }

  /**
   * `userId` runs `command` under the `approval` policy and confirms it, and is shown it needs an
   * admin's approval: the request's ID (its Review button's value) and its message in the approvals channel.
   */
  async asksForReset(command: string, userId: string) {
    const { view, viewId } = await this.open(command, userId);
    // The pending view is the answer itself (it opens with an hourglass, as "working…" does), or the modal's next update.
    const answered = (await this.submit(userId, view)).json?.view as Record<string, any> | undefined;
    const shown = answered && JSON.stringify(answered).includes("needs an admin's approval") ? answered : await this.viewUpdate(viewId, 2);
    if (!JSON.stringify(shown).includes("needs an admin's approval")) throw new Error(`${command} by ${userId} did not ask an admin: ${JSON.stringify(shown.blocks)}`);
    const post = await this.slack.waitForCall('chat.postMessage', (c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args).includes(`<@${userId}>`));
    const requestId = (post.args.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;
    return { requestId, message: { channel: post.result!.channel as string, ts: post.result!.ts as string } };
  }

  /** `adminId` clicks Review on a request's message in the approvals channel: the review modal, once its content is shown. */
  opensReview(adminId: string, request: { requestId: string; message: { channel: string; ts: string } }) {
    return this.opening((trigger) => this.click(adminId, 'license_review', request.requestId, request.message, trigger));
  }

  openedViewId(call: SlackCall): string {
    const id = call.result?.view?.id;
    if (typeof id !== 'string') throw new Error(`views.open did not return a view id: ${JSON.stringify(call.result)}`);
    return id;
  }

  /** Writes an audit record as the app would have at `at`: for states a test cannot easily cause (a crash mid-reset). */
  async writeAudit(entry: AuditEntry, at: Date): Promise<void> {
    await new DynamoDbAuditLog(this.readerClient, 'latchkey-audit-test', 400, { now: () => at }, { warn() {} }).record(entry);
  }

  /**
   * Stores an item as it is, past today's write schema: a record an earlier version wrote, in
   * words (a failure code, an action) this version may no longer list.
   */
  async writeRawAudit(item: Record<string, unknown>): Promise<void> {
    await this.readerClient.send(new PutItemCommand({ TableName: 'latchkey-audit-test', Item: marshall(item) }));
  }

  /**
   * Adds attributes to a pending request as it is stored, past today's write schema: fields a
   * newer version wrote before it was rolled back.
   */
  async addRawRequestFields(requestId: string, fields: Record<string, unknown>): Promise<void> {
    const names = Object.keys(fields);
    await this.readerClient.send(
      new UpdateItemCommand({
        TableName: this.config.approvalsTableName,
        Key: marshall({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
        UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
        ExpressionAttributeValues: marshall(Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]]))),
      }),
    );
  }

  /**
   * Another process's claim on the rewrite of a request's admins' message, for the state it is in
   * now, never followed by the rewrite: that process died (a Lambda frozen, a server restarted).
   */
  async claimMessageRewriteAndDie(requestId: string): Promise<void> {
    const store = new DynamoDbPendingRequests(this.readerClient, this.config.approvalsTableName, this.clock);
    const request = await store.get(requestId);
    if (!request || !(await store.claimMessageRewrite(request, messageState(request))).claimed) throw new Error(`no rewrite of ${requestId} to claim`);
  }

  /** Removes fields from a stored request, as a request written by an older version lacks them. */
  async removeRawRequestFields(requestId: string, names: readonly string[]): Promise<void> {
    await this.readerClient.send(
      new UpdateItemCommand({
        TableName: this.config.approvalsTableName,
        Key: marshall({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
        UpdateExpression: `REMOVE ${names.map((_, i) => `#f${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      }),
    );
  }

  /** A request as the approvals table holds it now, read as the app reads it. */
  storedRequest(requestId: string): Promise<PendingRequest | undefined> {
    return new DynamoDbPendingRequests(this.readerClient, this.config.approvalsTableName, this.clock).get(requestId);
  }

  /** Deletes a stored request, as DynamoDB's TTL does once its purgeAt has passed. */
  async purgeRequest(requestId: string): Promise<void> {
    await this.readerClient.send(new DeleteItemCommand({ TableName: this.config.approvalsTableName, Key: marshall({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }) }));
  }

  /** An admin's audit search by reference, from their Home tab: the lines of its result, each a request's. */
  async lookUpReference(admin: string, reference: string): Promise<string[]> {
    const { home } = await this.openHome(admin);
    const search = (home.blocks as any[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements as any[]).find((b) => b.action_id === 'home_search');
    const { view: form } = await this.opening((t) => this.clickIn(admin, search.action_id, search.value, { view: home, triggerId: t }));
    await this.submit(admin, form, { values: { reference: { reference: { type: 'plain_text_input', value: reference } }, person: { person: { type: 'users_select', selected_user: null } } } });
    const found = await this.viewUpdate(form.id, 2);
    return (found.blocks as any[]).filter((b) => b.type === 'section' && String(b.text.text).includes('Reference')).map((b) => b.text.text as string);
  }

  /** A person's records, as they acted from `teamId` (another workspace of an Enterprise Grid org). */
  async auditRecords(userId: string, teamId = TEAM): Promise<AuditRecord[]> {
    return this.auditReader.listByActor(teamId, userId);
  }

  /** Waits for the audit log to hold a record that matches; the outcome is written after the secret is shown. */
  async waitForAudit(userId: string, match: (r: AuditRecord) => boolean, timeoutMs = 5000, teamId = TEAM): Promise<AuditRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = await this.auditRecords(userId, teamId);
      if (records.some(match)) return records;
      if (Date.now() > deadline) throw new Error(`no matching audit record for ${userId}: ${JSON.stringify(records)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until `count` log lines contain `text`: for work that goes on after the acknowledgement. */
  async waitForLogs(text: string, count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => this.logs.filter((l) => l.includes(text)).length;
    while (seen() < count) {
      if (Date.now() > deadline) throw new Error(`${seen()} of ${count} log lines say "${text}"`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The closes of waiting modals on record (limits/dynamodb-closed-waits.ts), as stored. */
  async closesOnRecord(): Promise<Record<string, unknown>[]> {
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    const out = await this.readerClient.send(new ScanCommand({ TableName: this.config.limits.tableName }));
    return (out.Items ?? []).map((i) => unmarshall(i)).filter((i) => String(i.pk).startsWith(CLOSE_KEY_PREFIX));
  }

  /** Stores a close of a waiting modal as it is, past the app's checks: for what the app itself never writes. */
  async writeRawClose(requestId: string, closedBy: string): Promise<void> {
    await this.readerClient.send(new PutItemCommand({ TableName: this.config.limits.tableName, Item: marshall({ pk: `${CLOSE_KEY_PREFIX}${requestId}`, closedBy }) }));
  }

  /** Every item in the audit table, raw, for privacy checks. */
  async rawAuditTable(): Promise<string> {
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const out = await this.readerClient.send(new ScanCommand({ TableName: 'latchkey-audit-test' }));
    return JSON.stringify(out.Items ?? []);
  }
}

/** A submission's answer, with when it arrived and its place among the stand-ins' calls (nextPlace). */
export type Answered = AppResponse & { at: number; place: number };

/** A submission's answer with when it arrived (Harness.lastShown): noted as it comes, not when a test awaits it. */
export function answeredAt(submission: Promise<AppResponse>): Promise<Answered> {
  return submission.then((answer) => ({ ...answer, at: Date.now(), place: nextPlace() }));
}

/** The audit attempt of a change by `userId`, on record before anything is changed: what a test holds or delays at the dynamoGate. */
export function attemptWriteOf(userId: string): (call: DynamoCall) => boolean {
  return (c) => c.operation === 'PutItem' && c.body.includes(userId) && c.body.includes('"attempt"');
}

/** A "working…" view: the interim answer while a reset takes longer than the answer may wait. */
export function isProgress(view: Record<string, any>): boolean {
  return String(view.blocks?.[0]?.text?.text ?? '').startsWith(':hourglass_flowing_sand:');
}

export function secretIn(view: Record<string, any>): string | undefined {
  const block = (view.blocks as any[]).find((b) => b.block_id === 'secret');
  return block?.text?.text?.replace(/```/g, '');
}

/**
 * One harness for the tests of a describe block: started before them, stopped after, with
 * `reset` run before each test. Returns a stand-in that forwards to the running harness, so the
 * tests read `h.open(...)` like any object.
 */
export function useHarness(options: HarnessOptions = {}, reset?: (h: Harness) => void): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await Harness.start(options);
  });
  afterAll(async () => {
    await current?.stop();
  });
  if (reset) beforeEach(() => reset(current!));
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!current) throw new Error('the harness is used outside a test');
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/**
 * A reset whose change (`operation`) the directory makes but never answers, within the call's
 * timeout: the person is told it may have been made (`told`), never that nothing was changed, is
 * shown no secret, and the outcome is audited as unknown. The final modal comes once the call's
 * 5 s are up, so it is waited for up to 15 s (a test calling this gives itself 30 s).
 */
export async function expectUnansweredChange(h: Harness, change: { command: string; userId: string; standIn: StandIn; operation: string; told: string }): Promise<void> {
  let release = () => {};
  const { final } = await h.reset(change.command, change.userId, { beforeSubmit: () => (release = change.standIn.hold([change.operation])), timeoutMs: 15_000 });
  release();
  const shown = JSON.stringify(final);
  expect(shown).toContain(change.told);
  expect(shown).not.toContain('Nothing was changed');
  expect(secretIn(final)).toBeUndefined();
  expect(change.standIn.callsTo(change.operation)).toHaveLength(1);
  await h.waitForAudit(change.userId, (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
}

/**
 * A reset whose change (`operation`) the directory answers with a failure that does not say it was
 * left undone (`fail` queues it: a 500, 502 or 504): sent once and never again, the person told it
 * may have been made (`told`), never that nothing was changed, no secret; audited as an unknown
 * outcome, and read so by the requester's Home tab and, past the grace, the admins' Needs attention.
 */
export async function expectUnconfirmedChange(h: Harness, change: { command: string; userId: string; standIn: StandIn; operation: string; fail: () => void; told: string }): Promise<void> {
  const { final } = await h.reset(change.command, change.userId, { beforeSubmit: change.fail });
  const shown = JSON.stringify(final);
  expect(shown).toContain(change.told);
  expect(shown).not.toContain('Nothing was changed');
  expect(secretIn(final)).toBeUndefined();
  expect(change.standIn.callsTo(change.operation)).toHaveLength(1);
  const records = await h.waitForAudit(change.userId, (r) => r.phase === 'outcome' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN');
  const reference = records.find((r) => r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN')!.requestId;
  const lines = async (viewer: string) => ((await h.openHome(viewer)).home.blocks as any[]).map((b) => (b.text?.text ?? '') as string);
  expect((await lines(change.userId)).filter((t) => t.includes(reference))).toEqual([expect.stringContaining('Outcome unknown: IT can check it with the reference')]);
  h.clock.offsetMs = 3 * 60_000;
  const admin = await lines('UADA').finally(() => (h.clock.offsetMs = 0));
  expect(admin.filter((t) => t.includes(reference))).toEqual([expect.stringContaining(':grey_question: *Outcome unknown*')]);
}
