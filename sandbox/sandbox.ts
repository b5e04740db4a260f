/**
 * `npm run sandbox`: the real Latchkey app (createLatchkey, as in production) wired to local
 * stand-ins, and a web page that plays Slack for the demo company's people.
 *
 *   browser ──▶ sandbox page server ──signed requests──▶ Latchkey /slack/events
 *                     ▲                                      │
 *                     └──── reads the call log ◀── Slack Web API fake, every credential's
 *                                                  stand-in, dynalite (persisted in dataDir)
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { createLatchkey, type Latchkey } from '../src/app';
import { LIMIT_DEFAULTS, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startDynalite, type LocalDynamo } from '../test/support/dynamodb-local';
import { startSlackFake, type SlackFake } from '../test/support/slack-fake';
import { CREDENTIALS, SETTINGS_OWNERS, settingsOwnerOf, SLASH_COMMANDS } from '../src/credentials';
import { entra } from '../src/credentials/entra';
import { google } from '../src/credentials/google';
import { okta } from '../src/credentials/okta';
import { workmail } from '../src/credentials/workmail';
import { oktaVerify } from '../src/verifiers/okta';
import { FAILURE_CODES, type FailureCode } from '../src/flows/failure';
import { failureLabel } from '../src/views/failure-labels';
import { LICENSE_COMMAND } from '../src/core-commands';
import { homeWords } from '../src/handlers/home-words';
import { resetWordsOf } from '../src/handlers/reset-words';
import { licenseKindWords } from '../src/views/license-kind';
import { resetKindWords } from '../src/views/reset-approval-kind';
import { capitalized, type LicenseVocabulary } from '../src/views/words';
import type { PhoneAnswer, StandIn } from '../src/credentials/stand-in';
import { DEFAULT_FIXTURE, isAdmin, loadFixture, pickerLabel, slackMembers, type Fixture } from './fixture';
import { mask } from './mask';
import { claimDataDir } from './data-lock';
import { crossSiteRefusal } from './same-origin';
import { Workspace, type SandboxMessage } from './workspace';

export { DEFAULT_FIXTURE };
const PUBLIC_DIR = join(__dirname, 'public');
const SIGNING_SECRET = '5a4db0c5a4db0c5a4db0c5a4db0c5a4d';
const AUDIT_TABLE = 'latchkey-audit';
const APPROVALS_TABLE = 'latchkey-approvals';
/** A push its person withdrew or did not answer: nothing was changed, and nothing failed (README, Policies). */
const PUSH_ENDED_BY_PERSON: readonly FailureCode[] = ['VERIFY_CANCELLED', 'VERIFY_TIMEOUT'];

/**
 * What the Home tab and the audit search call a record of each audit action ("Okta password reset",
 * a request's step in its kind's words), capitalised as a line starts: the side panel leads with it,
 * the action's ID after it in grey.
 */
function auditActionNames(): Record<string, string> {
  const licenses = CREDENTIALS.find((c) => c.licenses)?.licenses;
  const vocabulary: LicenseVocabulary | undefined = licenses && { words: { ...licenses.words, command: LICENSE_COMMAND }, kinds: licenses.kinds };
  const reset = resetKindWords(Object.fromEntries(CREDENTIALS.map((c) => [c.id, resetWordsOf(c)])));
  if (!vocabulary) return {};
  const words = homeWords(vocabulary, { license: licenseKindWords(vocabulary), reset });
  return Object.fromEntries(Object.entries(words.actions).map(([action, w]) => [action, capitalized(w.name)]));
}
/** The side panel shows this many of the latest entries of each kind. */
const PANEL_LIMIT = 150;
/** The chat is saved this long after it last changed (a run of messages, one write), and at stop. */
const CHAT_SAVE_DELAY_MS = 300;

export interface SandboxOptions {
  /** Port for the page; 0 picks a free one. Default 3100. */
  port?: number;
  host?: string;
  /** Where DynamoDB (dynalite's LevelDB) and the workspace are kept between runs. Default `.data`. */
  dataDir?: string;
  /** Forget what dataDir holds first (once it is ours: never under another sandbox). */
  fresh?: boolean;
  /** The demo company. Default sandbox/demo-users.yml. */
  fixturePath?: string;
  /** Echo the app's log lines to stdout as well as to the side panel. */
  verbose?: boolean;
  /** RESET_MAX_PER_HOUR: higher than production's default, so a demo can repeat a reset. Default 30. */
  resetLimit?: number;
}

export const SANDBOX_RESET_LIMIT = 30;

interface SandboxLimits {
  readonly resetsPerHour: number;
  readonly licenseRequestsPerDay: number;
}

export interface Sandbox {
  /** The page, e.g. http://127.0.0.1:3100/ */
  readonly url: string;
  /** Latchkey's own base URL (it serves /slack/events and /healthz). */
  readonly appUrl: string;
  /** The address the app listens on: the page's host (127.0.0.1 by default), never every interface unless asked. */
  readonly appAddress?: string;
  readonly fixture: Fixture;
  readonly slack: SlackFake;
  /** Every credential's stand-in, by credential ID. */
  readonly standIns: ReadonlyMap<string, StandIn>;
  readonly workspace: Workspace;
  /** Milliseconds from the call to startSandbox until the page was served. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

interface SavedState {
  messages: SandboxMessage[];
  /** Each stand-in's snapshot (StandIn.snapshot), by credential ID. */
  standIns: Record<string, unknown>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = performance.now();
  const dataDir = resolve(options.dataDir ?? '.data');
  const fixture = loadFixture(options.fixturePath ?? DEFAULT_FIXTURE);
  // What the folder held before this start: a start that fails takes away what it added and no more.
  const before = existsSync(dataDir) ? new Set(readdirSync(dataDir)) : undefined;
  // The first folder this start created (dataDir or one above it), if any: a failed start removes it.
  const created = mkdirSync(dataDir, { recursive: true });
  // Before anything starts or is deleted: a second sandbox on the folder stops here.
  const lock = claimDataDir(dataDir);
  const stack: Array<{ close(): Promise<void> }> = [{ close: async () => lock.release() }];
  // One at a time, last opened first: the app and the table watcher must finish their work before
  // dynalite closes under them ("Iterator is not open" from a scan still reading, after the tests).
  const cleanup = async () => {
    for (const part of stack.splice(0).reverse()) await part.close().catch(() => undefined);
  };
  // A start that failed leaves nothing that was not there: in the folder, what this start added
  // (what was there stays, a store it opened as dynalite left it), then, once the folder is released,
  // each folder this start created, which is empty by then unless another sandbox has claimed it since.
  const undoStart = async () => {
    const release = stack.shift()!;
    await cleanup();
    for (const entry of readdirSync(dataDir)) {
      if (!before?.has(entry) && join(dataDir, entry) !== lock.file) rmSync(join(dataDir, entry), { recursive: true, force: true });
    }
    await release.close();
    if (!created) return;
    for (let dir = dataDir; ; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        return;
      }
      if (dir === created) return;
    }
  };
  try {
    if (options.fresh) {
      for (const entry of readdirSync(dataDir)) if (join(dataDir, entry) !== lock.file) rmSync(join(dataDir, entry), { recursive: true, force: true });
    }
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    const statePath = join(dataDir, 'workspace.json');
    const saved = readSaved(statePath);
    const team = fixture.workspace.team;
    let dynamo: LocalDynamo;
    try {
      dynamo = await startDynalite({ path: join(dataDir, 'dynamodb') });
    } catch (err) {
      throw new Error(`could not open the sandbox's DynamoDB store in ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    stack.push(dynamo);
    const channelMessages = saved.messages.filter((m) => !m.ephemeralFor && m.from === 'bot');
    const [slack, ...standInList] = await Promise.all([
      startSlackFake({
        teamId: team,
        users: slackMembers(fixture),
        messages: channelMessages.map((m) => ({ channel: m.channel, message: { type: 'message', bot_id: 'BLATCHKEY01', ts: m.ts, text: m.text, blocks: m.blocks } })),
      }),
      // One stand-in per directory: credentials that share settings share it.
      ...SETTINGS_OWNERS.map(async (c) => (await c.standIn()).start()),
    ]);
    const owned = new Map(SETTINGS_OWNERS.map((c, i) => [c, standInList[i] as StandIn]));
    // Every credential's by ID (tests look them up so); each directory's once, by its first credential's ID.
    const standIns = new Map(CREDENTIALS.map((c) => [c.id, owned.get(settingsOwnerOf(c))!]));
    const directories = new Map(SETTINGS_OWNERS.map((c) => [c.id, owned.get(c)!]));
    stack.push(slack, ...directories.values());
    const group = fixture.admins.usergroup;
    if (group) slack.usergroups.set(group.id, [...group.members]);
    // The bot is in #it-approvals, where the demo posts its requests: conversations.info says so, as
    // Slack does for a channel the bot was invited to, and the admin's Setup check finds it there.
    const approvals = fixture.workspace.approvalsChannel;
    slack.channels.set(approvals.id, { name: approvals.name, isMember: true });
    // What an earlier run changed (a license an admin approved) is still so.
    for (const [id, standIn] of directories) if (saved.standIns[id] !== undefined) standIn.restore?.(saved.standIns[id]);

    // Only the endpoints differ from production, through the SDK's standard environment variables.
    const credentialEnv = Object.assign({}, ...[...directories.values()].map((x) => x.env)) as Record<string, string>;
    const awsEnv: Record<string, string> = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ...Object.fromEntries(Object.entries(credentialEnv).filter(([k]) => k.startsWith('AWS_'))),
    };
    const previousEnv = Object.fromEntries(Object.keys(awsEnv).map((k) => [k, process.env[k]]));
    stack.push({ close: async () => restoreEnv(previousEnv) });
    Object.assign(process.env, awsEnv);
    delete process.env.AWS_PROFILE;

    // Higher than production's, so a demo can repeat itself; the page says so, beside the defaults.
    const limits: SandboxLimits = { resetsPerHour: options.resetLimit ?? SANDBOX_RESET_LIMIT, licenseRequestsPerDay: 30 };
    const loaded = loadConfig({
      PORT: '0',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.url,
      SLACK_API_RETRIES: '0',
      SLACK_TEAM_ID: team,
      ...credentialEnv,
      APPROVALS_CHANNEL_ID: fixture.workspace.approvalsChannel.id,
      ADMIN_USER_IDS: fixture.admins.users.join(','),
      ...(group && { ADMIN_USERGROUP_ID: group.id }),
      AUDIT_TABLE_NAME: AUDIT_TABLE,
      APPROVALS_TABLE_NAME: APPROVALS_TABLE,
      DYNAMODB_CREATE_TABLES: 'true',
      // Anyone can try both proofs with no Okta account: the Okta password needs a push to the
      // phone (the phone panel plays it), the mail password an admin's approval. The Microsoft and
      // Google passwords need one too, so their reviews (what each directory says of the account)
      // can be tried. By the registry's entries, not their IDs' spelling.
      RESET_POLICY: `${okta.id}=verify,${workmail.id}=approval,${entra.id}=approval,${google.id}=approval`,
      VERIFY_WITH: oktaVerify.id,
      VERIFY_POLL_MS: '500',
      RESET_MAX_PER_HOUR: String(limits.resetsPerHour),
      LICENSE_REQUEST_MAX_PER_DAY: String(limits.licenseRequestsPerDay),
      LOG_LEVEL: 'debug',
    });
    if (!loaded.ok) throw new Error(`the sandbox's configuration is invalid:\n${loaded.problems.join('\n')}`);

    const logs: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        const line = String(chunk);
        if (options.verbose) process.stdout.write(line);
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line.trim() });
        }
        if (logs.length > 500) logs.splice(0, logs.length - 500);
        done();
      },
    });
    const latchkey: Latchkey = createLatchkey(loaded.config, { logger: createLogger('debug', sink) });
    // The app listens where the page does (127.0.0.1 unless --host says otherwise): its signing
    // secret is in this repository, so on every interface anyone on the network could drive it.
    const { port: appPort, address: appAddress } = await latchkey.start({ host: options.host ?? '127.0.0.1' });
    stack.push({ close: () => latchkey.stop() });
    const appHost = !appAddress || appAddress === '0.0.0.0' || appAddress === '::' ? '127.0.0.1' : appAddress;
    const appUrl = `http://${appHost.includes(':') ? `[${appHost}]` : appHost}:${appPort}`;

    const reader = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
    stack.push({ close: async () => reader.destroy() });
    const tables = new TableWatcher(reader);
    stack.push({ close: () => tables.stop() });

    let pageUrl = '';
    let saveTimer: NodeJS.Timeout | undefined;
    const stateFile = new StateFile(
      statePath,
      () => ({
        messages: workspace.persistentMessages(),
        standIns: Object.fromEntries([...directories].flatMap(([id, standIn]) => (standIn.snapshot ? [[id, standIn.snapshot()]] : []))),
      }),
      (err) => {
        const msg = `could not save the sandbox's state in ${statePath}: ${err instanceof Error ? err.message : String(err)}`;
        logs.push({ level: 'error', time: new Date().toISOString(), msg });
        process.stderr.write(`${msg}\n`);
      },
    );
    // A directory's change is on disk before the directory answers it (a kill right after loses
    // nothing the person was told); the chat's, CHAT_SAVE_DELAY_MS after it last changed, and at stop.
    for (const standIn of directories.values()) standIn.keep?.(() => stateFile.save());
    const workspace = new Workspace({
      slack,
      teamId: team,
      signingSecret: SIGNING_SECRET,
      eventsUrl: `${appUrl}/slack/events`,
      hookBase: () => `${pageUrl}hooks/`,
      commands: SLASH_COMMANDS,
      onChange: () => {
        if (finalSaved) return;
        clearTimeout(saveTimer);
        saveTimer = setTimeout(() => void stateFile.save(), CHAT_SAVE_DELAY_MS);
      },
    });
    let finalSaved = false;
    workspace.restore(saved.messages.filter((m) => !m.ephemeralFor));
    stack.push({
      close: async () => {
        // The app first: work it finishes while stopping still changes the workspace.
        await latchkey.stop();
        finalSaved = true;
        clearTimeout(saveTimer);
        workspace.sync();
        await stateFile.save();
      },
    });

    const panel = new Panel(fixture, slack, directories, workspace, tables, logs);
    let pagePort = 0;
    const server = createServer((req, res) => {
      route(req, res, { fixture, workspace, panel, limits, appUrl, page: { port: pagePort, host: options.host } }).catch((err: unknown) => {
        if (err instanceof BadRequest && !res.headersSent) return send(res, err.status, { error: err.message });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      });
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`port ${options.port ?? 3100} is in use: pass --port to pick another`) : err),
      );
      server.listen(options.port ?? 3100, options.host ?? '127.0.0.1', () => resolveListen());
    });
    stack.push({ close: () => closeServer(server) });
    const { address, port } = server.address() as AddressInfo;
    pagePort = port;
    pageUrl = `http://${address.includes(':') ? `[${address}]` : address}:${port}/`;
    lock.announce(pageUrl);

    return {
      url: pageUrl,
      appUrl,
      appAddress,
      fixture,
      slack,
      standIns,
      workspace,
      startupMs: Math.round(performance.now() - started),
      stop: async () => {
        await cleanup();
      },
    };
  } catch (err) {
    await undoStart();
    throw err;
  }
}

function restoreEnv(previous: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

function readSaved(path: string): SavedState {
  const empty: SavedState = { messages: [], standIns: {} };
  if (!existsSync(path)) return empty;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedState>;
    return { messages: Array.isArray(parsed.messages) ? parsed.messages : [], standIns: parsed.standIns ?? {} };
  } catch {
    return empty; // a damaged file only loses the chat history; the audit is in DynamoDB
  }
}

/**
 * workspace.json, written off the event loop, one write at a time, each whole to a temporary file
 * then renamed over it: a kill mid-write leaves the last whole file, never a broken one.
 */
class StateFile {
  private writing: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly state: () => SavedState,
    private readonly failed: (err: unknown) => void,
  ) {}

  /**
   * Resolves once what is so now is on disk (or could not be written: `failed` was told). A write
   * under way may have read the state before this change: one more follows it, shared by every
   * change made meanwhile.
   */
  save(): Promise<void> {
    if (!this.writing) {
      this.writing = this.write().finally(() => (this.writing = undefined));
      return this.writing;
    }
    this.next ??= this.writing.then(() => {
      this.next = undefined;
      return this.save();
    });
    return this.next;
  }

  private async write(): Promise<void> {
    const text = JSON.stringify(this.state(), null, 1);
    const tmp = `${this.path}.tmp`;
    try {
      const file = await open(tmp, 'w');
      try {
        await file.writeFile(text);
        // On the disk itself before it replaces the last whole file, so that even a machine's crash
        // finds one or the other.
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      this.failed(err);
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/** The audit and approvals tables, rescanned in the background so the page's polls cost nothing. */
class TableWatcher {
  audit: Record<string, unknown>[] = [];
  approvals: Record<string, unknown>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Every scan not yet finished: stop() waits for them all, or dynalite would be closed under one. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly client: DynamoDBClient) {
    void this.scanNow();
  }

  /** Scans now; the next scan comes 400 ms after this one ends. */
  private scanNow(): Promise<void> {
    const scan = (async () => {
      try {
        [this.audit, this.approvals] = await Promise.all([this.scan(AUDIT_TABLE), this.scan(APPROVALS_TABLE)]);
      } catch {
        // dynalite is stopping or busy; the next scan tries again
      }
    })();
    this.inFlight.add(scan);
    void scan.then(() => {
      this.inFlight.delete(scan);
      clearTimeout(this.timer);
      if (!this.stopped) this.timer = setTimeout(() => void this.scanNow(), 400);
    });
    return scan;
  }

  /** Every item; the sandbox's tables are small. */
  private async scan(table: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, any> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) items.push(unmarshall(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}

/** The side panel: audit records, the calls each stand-in received, the app's log. All masked. */
class Panel {
  constructor(
    private readonly fixture: Fixture,
    private readonly slack: SlackFake,
    private readonly standIns: ReadonlyMap<string, StandIn>,
    private readonly workspace: Workspace,
    private readonly tables: TableWatcher,
    private readonly logs: Record<string, unknown>[],
  ) {}

  /** The pushes waiting on this person's phone (the verify policy), from whichever stand-in sends them. */
  phone(user: string): { id: string; app: string; choices?: readonly number[] }[] {
    const email = this.fixture.people.find((p) => p.slack === user)?.email;
    if (!email) return [];
    return [...new Set(this.standIns.values())].flatMap((s) => s.phone?.waiting(email) ?? []);
  }

  /** The person answers a push on their own phone (picking one of its numbers, with number matching). */
  answerPush(user: string, pushId: string, answer: PhoneAnswer): boolean {
    if (!this.phone(user).some((p) => p.id === pushId)) return false;
    return [...new Set(this.standIns.values())].some((s) => s.phone?.answer(pushId, answer));
  }

  /** Every secret the stand-ins handed out or accepted. */
  private secrets(): string[] {
    return [...this.standIns.values()].flatMap((s) => s.secrets());
  }

  signature(): string {
    const latestAudit = this.tables.audit.length + ':' + this.tables.approvals.map((a) => String(a.status ?? '')).join(',');
    return [this.workspace.version, this.slack.calls.length, ...[...this.standIns.values()].map((s) => s.calls.length), latestAudit, this.logs.length].join('|');
  }

  data() {
    const calls = [
      ...this.workspace.appRequests.map((r) => ({ at: r.at, source: 'Slack → Latchkey', name: r.kind, summary: r.summary, ok: r.status === 200, detail: { payload: r.payload, status: r.status, ms: Math.round(r.ms), response: r.response } })),
      ...this.slack.calls.map((c) => ({ at: c.at, source: 'Slack Web API', name: c.method, summary: slackSummary(c.args, c.result), ok: Boolean(c.result?.ok), detail: { args: c.args, result: c.result } })),
      ...[...this.standIns.values()].flatMap((s) =>
        s.calls.map((c) => ({ at: c.at, source: s.name, name: c.operation, summary: callSummary(c.params), ok: true, detail: { params: c.params } })),
      ),
    ]
      .sort((a, b) => b.at - a.at)
      .slice(0, PANEL_LIMIT);
    // Newest first; sk orders an attempt before its outcome within the same instant.
    const audit = [...this.tables.audit]
      .sort((a, b) => String(b.at).localeCompare(String(a.at)) || String(b.sk).localeCompare(String(a.sk)))
      .slice(0, PANEL_LIMIT);
    // The request items only; the table also holds one "open request" marker per requester.
    const approvals = this.tables.approvals.filter((a) => a.sk === 'REQUEST').sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt))).slice(0, 30);
    // One column per directory: each person's account there, as its stand-in describes it.
    const columns = [...this.standIns.values()].map((s) => s.name);
    const directory = this.fixture.people.map((p) => ({
      slack: p.slack,
      name: p.name,
      accounts: [...this.standIns.values()].map((s) => (p.email && s.describe(p.email)) || '—'),
    }));
    const logs = this.logs.slice(-PANEL_LIMIT).reverse();
    return mask({ audit, approvals, calls, columns, directory, logs }, this.secrets());
  }
}

function slackSummary(args: Record<string, any>, result: Record<string, any> | undefined): string {
  const bits: string[] = [];
  if (args.view?.title?.text) bits.push(`“${args.view.title.text}”`);
  if (args.view_id) bits.push(String(args.view_id));
  if (args.channel) bits.push(String(args.channel));
  if (args.user) bits.push(String(args.user));
  if (args.users) bits.push(String(args.users));
  if (result && !result.ok) bits.push(`error: ${String(result.error)}`);
  return bits.join(' ');
}

/** The parameters worth a glance in the panel's one line per call. */
function callSummary(params: Record<string, unknown>): string {
  return ['UserId', 'UserEmail', 'LicenseType', 'Filters', 'search', 'userId']
    .filter((k) => params[k] !== undefined)
    .map((k) => `${k}=${typeof params[k] === 'object' ? JSON.stringify(params[k]) : String(params[k])}`)
    .join(' ');
}

const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/blockkit.js': 'blockkit.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** A request the sandbox does not serve as sent: its status and a plain sentence, never a 500. */
class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body as a JSON object (empty: none); anything else is the caller's mistake, said as one (BadRequest). */
async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 256 * 1024) throw new BadRequest(413, 'The request body is too large: at most 256 KB.');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BadRequest(400, 'The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadRequest(400, 'The request body must be a JSON object.');
  return parsed as Record<string, any>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { fixture: Fixture; workspace: Workspace; panel: Panel; limits: SandboxLimits; appUrl: string; page: { port: number; host?: string } },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const { workspace, fixture, panel } = ctx;
  const refused = crossSiteRefusal(req.method ?? 'GET', req.headers, ctx.page);
  if (refused) {
    req.resume();
    return send(res, refused.status, { error: refused.reason });
  }
  const known = (user: unknown): user is string => typeof user === 'string' && fixture.people.some((p) => p.slack === user);

  // The app's own /healthz, as npm start serves it, also here: the app's port is picked anew at
  // every start, the page's stays put, so a probe or a newcomer's curl has one place to ask.
  if (req.method === 'GET' && url.pathname === '/healthz') {
    const health = await fetch(`${ctx.appUrl}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      async (answer) => ({ status: answer.status, body: await answer.text() }),
      () => ({ status: 503, body: JSON.stringify({ status: 'down' }) }),
    );
    res.writeHead(health.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(health.body);
    return;
  }
  if (req.method === 'GET' && STATIC[url.pathname]) {
    const file = STATIC[url.pathname]!;
    res.writeHead(200, { 'content-type': TYPES[file.split('.').pop()!]!, 'cache-control': 'no-store' });
    res.end(readFileSync(join(PUBLIC_DIR, file)));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/workspace') {
    const group = fixture.admins.usergroup;
    send(res, 200, {
      team: fixture.workspace.team,
      name: fixture.workspace.name,
      channels: [fixture.workspace.generalChannel, fixture.workspace.approvalsChannel],
      usergroups: group ? [{ id: group.id, handle: group.handle }] : [],
      people: fixture.people.map((p) => ({
        id: p.slack,
        name: p.name,
        about: p.about,
        guest: p.guest,
        admin: isAdmin(fixture, p),
        label: pickerLabel(fixture, p),
      })),
      commands: SLASH_COMMANDS,
      // The side panel's words for what a person reads, never a registry ID or a failure's code: a
      // request by its credential's noun, as the Home tab lists it; a push its person cancelled or let
      // lapse, which is no failure, as Today counts it.
      words: {
        requests: Object.fromEntries(CREDENTIALS.map((c) => [c.id, c.words.request])),
        pushEnded: Object.fromEntries(PUSH_ENDED_BY_PERSON.map((code) => [code, failureLabel(code)])),
        // An audit record by the name the audit search gives it, and its failure's code as Today counts it.
        actions: auditActionNames(),
        failures: Object.fromEntries(FAILURE_CODES.map((code) => [code, failureLabel(code)])),
      },
      limits: { ...ctx.limits, defaults: { resetsPerHour: LIMIT_DEFAULTS.RESET_MAX_PER_HOUR, licenseRequestsPerDay: LIMIT_DEFAULTS.LICENSE_REQUEST_MAX_PER_DAY } },
    });
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    const user = url.searchParams.get('user');
    if (!known(user)) return send(res, 400, { error: 'unknown user' });
    workspace.sync();
    const signature = `${user}|${panel.signature()}`;
    if (url.searchParams.get('since') === signature) return send(res, 200, { signature, unchanged: true });
    return send(res, 200, { signature, ...workspace.viewFor(user), phone: panel.phone(user), panel: panel.data() });
  }
  if (req.method === 'POST' && url.pathname.startsWith('/hooks/')) {
    const ok = workspace.hook(url.pathname.slice('/hooks/'.length), await readJson(req));
    res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'no_such_hook');
    return;
  }
  if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
    const body = await readJson(req);
    if (!known(body.user)) return send(res, 400, { error: 'unknown user' });
    switch (url.pathname) {
      case '/api/phone': {
        // The person's own phone only: a push waiting for someone else is not theirs to answer.
        const answer: PhoneAnswer = body.approve === true ? { approve: true, ...(typeof body.pick === 'number' && { pick: body.pick }) } : { approve: false };
        const ok = typeof body.push === 'string' && panel.answerPush(String(body.user), body.push, answer);
        return send(res, ok ? 200 : 409, ok ? { ok: true } : { error: 'that request is no longer waiting on this phone' });
      }
      case '/api/command': {
        if (typeof body.text !== 'string' || !body.text.trim().startsWith('/')) return send(res, 400, { error: 'type a slash command, e.g. /reset-pin' });
        const r = await workspace.command(body.user, String(body.channel), body.text);
        return send(res, 200, r ? { status: r.status, ms: Math.round(r.ms) } : { status: 0, notACommand: true });
      }
      case '/api/submit': {
        const r = await workspace.submit(body.user, String(body.viewId), body.values ?? {});
        return send(res, 200, r ? { status: r.status, ms: Math.round(r.ms) } : { status: 0, stale: true });
      }
      case '/api/reload':
        // The page's load, naming the person it opens as; every person's ephemerals and open modals go (Workspace.reload).
        workspace.reload();
        return send(res, 200, { ok: true });
      case '/api/close':
        await workspace.close(body.user, String(body.viewId), Boolean(body.all));
        return send(res, 200, { ok: true });
      case '/api/home': {
        const r = await workspace.openHome(body.user);
        return send(res, 200, { status: r.status, ms: Math.round(r.ms) });
      }
      case '/api/change': {
        const target = body.target ?? {};
        const r = await workspace.change(body.user, { viewId: String(target.viewId), blockId: String(target.blockId), actionId: String(target.actionId) }, body.values ?? {});
        return send(res, 200, r ? { status: r.status, ms: Math.round(r.ms) } : { status: 0, sent: false });
      }
      case '/api/click': {
        const r = await workspace.click(body.user, body.target ?? {});
        return send(res, 200, { status: r.status, ms: Math.round(r.ms) });
      }
    }
  }
  send(res, 404, { error: 'not found' });
}
