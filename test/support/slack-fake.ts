/**
 * A local stand-in for Slack's Web API, for integration tests that run the real Bolt app.
 *
 * It speaks the wire format @slack/web-api's WebClient uses (POST to `<slackApiUrl><method>`,
 * application/x-www-form-urlencoded with object arguments JSON-encoded per field, token in
 * `Authorization: Bearer`), answers the way Slack does (HTTP 200 with `{ok:false,error}` for API
 * errors, 429 + Retry-After for rate limits) and records every call so tests can assert on them.
 * Only the methods Latchkey uses are implemented; anything else is `unknown_method`, so a new
 * dependency on Slack shows up as a test failure instead of silently passing.
 */
import { BOT_SCOPES } from '../../src/slack/scopes';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { nextPlace } from '../../src/credentials/stand-in';

export interface FakeSlackUser {
  id: string;
  team_id: string;
  name: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  /** Slack's word on whether the profile's email is confirmed by its owner: true unless a test says otherwise (undefined leaves it out). */
  is_email_confirmed?: boolean;
  /** Enterprise Grid: the org the member belongs to. */
  enterprise_user?: { enterprise_id: string };
  tz?: string;
  profile: { email?: string; real_name?: string; display_name?: string };
}

/** One request as the fake saw it. `args` excludes the token; JSON fields (view, blocks, attachments) are parsed. */
export interface SlackCall {
  method: string;
  args: Record<string, any>;
  token?: string;
  at: number;
  /** Its place among every stand-in's calls and the answers tests noted (nextPlace): their order, where `at` can tie. */
  place: number;
  /** The JSON body the fake answered with (e.g. `result.view.id` after views.open). */
  result?: Record<string, any>;
}

/** `answer`: an answer Slack gives in place of the call, unhandled (e.g. ok, but without the fields the app needs). */
export type SlackFailure = { error: string } | { status: 429; retryAfterSeconds: number } | { answer: Record<string, any> };

export interface SlackFake {
  /** Base URL ending in '/api/', for `slackApiUrl`. */
  readonly url: string;
  /** The only token accepted; any other gets `invalid_auth`. */
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly users: Map<string, FakeSlackUser>;
  /** Usergroup id → member user ids. */
  readonly usergroups: Map<string, string[]>;
  /** Channels by ID (conversations.info): their name and whether the bot is in them. */
  readonly channels: Map<string, { name: string; isMember: boolean }>;
  /** The scopes the token was granted, sent as x-oauth-scopes on every answer, as Slack does. */
  readonly scopes: string[];
  readonly calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /**
   * A trigger_id good for ONE views.open/views.push within 3 s, as Slack's. `userId`: whose action
   * it came from, for the fake to know which modal that person has on screen (modalShownTo).
   */
  newTriggerId(userId?: string): string;
  /** Current state of a modal opened, pushed or updated through the fake (a copy). */
  viewById(id: string): Record<string, any> | undefined;
  /**
   * What a second views.open does while the person has a modal open (from a trigger of another
   * action of theirs, e.g. a double click): `stack`, the default, leaves the first behind the new
   * one; `replace` puts the new one in its place. Which Slack does is not confirmed, so the app
   * must be right either way. Replaced, the first view still answers views.update (ok, though
   * nobody sees it), as the sandbox's does. Back to `stack` on clear().
   */
  setViewsOpen(mode: 'stack' | 'replace'): void;
  /** The modal in front of `userId` now (a copy), of the ones opened or pushed with a trigger given their ID (newTriggerId). */
  modalShownTo(userId: string): Record<string, any> | undefined;
  /** The Home tab last published for this user (a copy), as Slack would show it. */
  homeOf(userId: string): Record<string, any> | undefined;
  /**
   * The person closes a modal (×, Esc, or Slack closes it, as a phone does when they switch away):
   * Slack forgets the view, and views.update of it answers not_found from then on.
   */
  closeView(id: string): void;
  /**
   * A view_submission answered with response_action "update": Slack shows the answer's view in
   * place of this one, with a new hash, so a views.update made with the old hash is refused
   * (hash_conflict). The view as Slack holds it now; undefined when Slack has no such view.
   */
  answerWithUpdate(id: string, view: Record<string, any>): Record<string, any> | undefined;
  /**
   * Make the next `times` (default 1) calls to `method` that `which` picks (by their arguments;
   * all, without it) fail this way, before any other processing.
   */
  failNext(method: string, failure: SlackFailure, times?: number, which?: (args: Record<string, any>) => boolean): void;
  /**
   * From now on, every call with the bot token is refused with `error` (token_revoked,
   * invalid_auth, account_inactive…), as Slack refuses a token revoked or an app uninstalled while
   * Latchkey runs; undefined to accept it again. Kept by clear(), as a revoked token stays revoked.
   */
  refuseToken(error: string | undefined): void;
  /** Delay every answer by this much, to exercise the app's timeouts and Slack's 3 s ack budget. */
  setLatency(ms: number): void;
  /**
   * A slow Slack for one method: the nth call (from 0) waits `delay(n)` ms before Slack handles it,
   * so a trigger can expire while Slack is busy, as it does in Slack. Undefined to stop.
   */
  setProcessingDelay(method: string, delay: ((n: number) => number) | undefined): void;
  /**
   * From now on, calls to `method` that `which` picks (by their arguments; all, without it) wait
   * unhandled until the returned release, then are handled as usual: a Slack slow just there, for
   * as long as the test says. Keep it shorter than the app's Slack timeout (5 s).
   */
  hold(method: string, which?: (args: Record<string, any>) => boolean): () => void;
  /**
   * The calls that met a hold so far, released or not (not in `calls` until handled). `givenUp`: the
   * client closed the request unanswered (its own timeout, say), with its place among the calls
   * (nextPlace): what a test proves a client's bound by, where a time read after it would race.
   */
  readonly held: ReadonlyArray<{ readonly method: string; readonly args: Record<string, any>; readonly givenUp?: number }>;
  /** First matching call, already recorded or still to come; rejects after timeoutMs (default 5000). */
  waitForCall(method: string, predicate?: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** Forget calls, pending failures, latency and holds (releasing them); keep users, usergroups, views and messages. */
  clear(): void;
  close(): Promise<void>;
}

/** Slack only lets a trigger_id be exchanged within 3 seconds of the user's action. */
const TRIGGER_TTL_MS = 3_000;
/** Arguments the WebClient JSON-encodes into a single form field. */
const JSON_FIELDS = ['view', 'blocks', 'attachments', 'metadata'];

type SlackAnswer = Record<string, any>;
type Handler = (args: Record<string, any>) => SlackAnswer;

interface Waiter {
  method: string;
  predicate: (c: SlackCall) => boolean;
  resolve: (c: SlackCall) => void;
}

const fail = (error: string, ...messages: string[]): SlackAnswer =>
  messages.length > 0 ? { ok: false, error, response_metadata: { messages } } : { ok: false, error };

export async function startSlackFake(opts: {
  teamId: string;
  users: FakeSlackUser[];
  botToken?: string;
  /** Messages already in channels, as chat.postMessage returned them (e.g. kept from an earlier run), so chat.update finds them. */
  messages?: Array<{ channel: string; message: Record<string, any> & { ts: string } }>;
}): Promise<SlackFake> {
  const teamId = opts.teamId;
  const botToken = opts.botToken ?? 'xoxb-fake-bot-token';
  const botUserId = 'UBOTLATCHKEY';
  const botId = 'BLATCHKEY01';
  const appId = 'ALATCHKEY01';
  const teamDomain = 'latchkey-test';

  const users = new Map(opts.users.map((u) => [u.id, u]));
  const usergroups = new Map<string, string[]>();
  const channels = new Map<string, { name: string; isMember: boolean }>();
  const scopes = [...BOT_SCOPES];
  const calls: SlackCall[] = [];
  const failures = new Map<string, { failure: SlackFailure; which: (args: Record<string, any>) => boolean }[]>();
  const triggers = new Map<string, { issuedAt: number; used: boolean; userId?: string }>();
  const views = new Map<string, Record<string, any>>();
  /** By user: the IDs of the modals they have open, the one in front last (triggers with an owner only). */
  const onScreen = new Map<string, string[]>();
  let opensReplace = false;
  let tokenRefused: string | undefined;
  const shows = (triggerId: unknown, id: string, how: 'open' | 'push') => {
    const owner = typeof triggerId === 'string' ? triggers.get(triggerId)?.userId : undefined;
    if (!owner) return;
    const stack = how === 'open' && opensReplace ? [] : (onScreen.get(owner) ?? []);
    onScreen.set(owner, [...stack, id].slice(-3));
  };
  const homes = new Map<string, Record<string, any>>();
  const messages = new Map<string, Record<string, any>>(); // `${channel}/${ts}` → message
  for (const { channel, message } of opts.messages ?? []) messages.set(`${channel}/${message.ts}`, structuredClone(message));
  const waiters = new Set<Waiter>();
  let latencyMs = 0;
  let counter = 0;
  const processingDelays = new Map<string, { delay: (n: number) => number; n: number }>();
  const holds = new Set<{ method: string; which: (args: Record<string, any>) => boolean; released: Promise<void>; release: () => void }>();
  const held: Array<{ method: string; args: Record<string, any>; givenUp?: number }> = [];

  // Unique across runs, as Slack's view IDs are: after a sandbox restart, a window left open in the
  // page (or a view ID the app stored in DynamoDB) never names a view of the new run. A random tag
  // per run, then a count: 'V' and ten capitals and digits, as Slack's look.
  const run = randomInt(36 ** 5).toString(36).toUpperCase().padStart(5, '0');
  const nextId = (prefix: string) => `${prefix}${run}${(++counter).toString(36).toUpperCase().padStart(5, '0')}`;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  // Message timestamps must be unique per channel; a counter in the fraction guarantees it.
  const nextTs = () => `${nowSeconds()}.${String(++counter).padStart(6, '0')}`;
  const newHash = () => `${nowSeconds()}.${randomBytes(4).toString('hex')}`;
  // A DM with a user is addressed as 'D' + user id, both from conversations.open and chat.postMessage(channel: user).
  const dmChannel = (channel: string) => (users.has(channel) ? `D${channel}` : channel);

  /** The checks Slack applies to every view payload that are cheap to mirror; each message names the JSON pointer, as Slack's do. */
  function viewProblems(view: unknown, type: 'modal' | 'home' = 'modal'): string[] {
    if (typeof view !== 'object' || view === null || Array.isArray(view)) return ['[ERROR] missing required field: view'];
    const v = view as Record<string, any>;
    const problems: string[] = [];
    if (v.type !== type) problems.push(`[ERROR] must be "${type}" [json-pointer:/view/type]`);
    for (const field of ['title', 'submit', 'close']) {
      const text = v[field]?.text;
      if (field === 'title' && type === 'modal' && typeof text !== 'string') problems.push('[ERROR] missing required field: title [json-pointer:/view/title]');
      if (typeof text === 'string' && text.length > 24) problems.push(`[ERROR] must be less than 25 characters [json-pointer:/view/${field}/text]`);
    }
    if (!Array.isArray(v.blocks)) problems.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
    else if (v.blocks.length > 100) problems.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
    if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) {
      problems.push('[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]');
    }
    return problems;
  }

  /** Store a view the way Slack echoes it back: the submitted fields plus ids, a fresh hash and empty state. */
  function storeView(view: Record<string, any>, id: string, extra: Record<string, any> = {}): Record<string, any> {
    const stored = {
      ...view,
      id,
      team_id: teamId,
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      external_id: view.external_id ?? '',
      state: { values: {} },
      hash: newHash(),
      clear_on_close: view.clear_on_close ?? false,
      notify_on_close: view.notify_on_close ?? false,
      root_view_id: id,
      previous_view_id: null,
      app_id: appId,
      bot_id: botId,
      ...extra,
    };
    views.set(id, stored);
    return stored;
  }

  /** Spend a trigger_id: unknown, too old or already used ones are refused with Slack's error codes. */
  function exchangeTrigger(triggerId: unknown): string | undefined {
    if (typeof triggerId !== 'string' || triggerId === '') return 'invalid_arguments';
    const trigger = triggers.get(triggerId);
    if (!trigger) return 'invalid_trigger_id';
    if (trigger.used) return 'exchanged_trigger_id';
    if (Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
    trigger.used = true;
    return undefined;
  }

  function botMessage(args: Record<string, any>, ts: string): Record<string, any> {
    return {
      type: 'message',
      user: botUserId,
      bot_id: botId,
      app_id: appId,
      team: teamId,
      ts,
      text: args.text ?? '',
      ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
      ...(args.attachments !== undefined ? { attachments: args.attachments } : {}),
    };
  }

  const hasContent = (args: Record<string, any>) => Boolean(args.text) || args.blocks !== undefined || args.attachments !== undefined;

  const handlers: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${teamDomain}.slack.com/`,
      team: 'Latchkey Test',
      user: 'latchkey',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'conversations.info': ({ channel }) => {
      const found = typeof channel === 'string' ? channels.get(channel) : undefined;
      if (!found) return fail('channel_not_found');
      return { ok: true, channel: { id: channel, name: found.name, is_channel: true, is_archived: false, is_member: found.isMember } };
    },

    'users.info': ({ user }) => {
      if (typeof user !== 'string') return fail('invalid_arguments', '[ERROR] missing required field: user');
      const found = users.get(user);
      if (!found) return fail('user_not_found');
      return { ok: true, user: asSlackUser(found) };
    },

    // As Slack's: any member of the workspace by their email, whatever its case; the token needs
    // users:read.email (missing_scope names it, as Slack does); none with that email is users_not_found.
    'users.lookupByEmail': ({ email }) => {
      if (typeof email !== 'string' || email === '') return fail('invalid_arguments', '[ERROR] missing required field: email');
      if (!scopes.includes('users:read.email')) return { ok: false, error: 'missing_scope', needed: 'users:read.email', provided: scopes.join(',') };
      const found = [...users.values()].find((u) => u.profile.email?.toLowerCase() === email.toLowerCase());
      if (!found) return fail('users_not_found');
      return { ok: true, user: asSlackUser(found) };
    },

    'views.open': ({ trigger_id, view }) => {
      const problems = viewProblems(view);
      if (problems.length > 0) return fail('invalid_arguments', ...problems);
      const triggerError = exchangeTrigger(trigger_id);
      if (triggerError) return fail(triggerError);
      const stored = storeView(view, nextId('V'));
      shows(trigger_id, stored.id, 'open');
      return { ok: true, view: stored };
    },

    'views.push': ({ trigger_id, view }) => {
      const problems = viewProblems(view);
      if (problems.length > 0) return fail('invalid_arguments', ...problems);
      const triggerError = exchangeTrigger(trigger_id);
      if (triggerError) return fail(triggerError);
      // The fake doesn't know which modal the trigger came from, so it can't fill root/previous ids.
      const stored = storeView(view, nextId('V'));
      shows(trigger_id, stored.id, 'push');
      return { ok: true, view: stored };
    },

    'views.update': ({ view_id, external_id, hash, view }) => {
      if (typeof view_id !== 'string' && typeof external_id !== 'string') return fail('invalid_arguments', '[ERROR] missing required field: view_id');
      const existing =
        typeof view_id === 'string' ? views.get(view_id) : [...views.values()].find((v) => v.external_id === external_id);
      if (!existing) return fail('not_found');
      const problems = viewProblems(view);
      if (problems.length > 0) return fail('invalid_arguments', ...problems);
      if (hash !== undefined && hash !== existing.hash) return fail('hash_conflict');
      return {
        ok: true,
        view: storeView(view, existing.id, { root_view_id: existing.root_view_id, previous_view_id: existing.previous_view_id }),
      };
    },

    // No trigger: a Home tab is published to one user whenever the app likes.
    // With a hash, only over the tab Slack holds now, as views.update (hash_conflict when another was published since).
    'views.publish': ({ user_id, view, hash }) => {
      if (typeof user_id !== 'string' || !users.has(user_id)) return fail('user_not_found');
      const problems = viewProblems(view, 'home');
      if (problems.length > 0) return fail('invalid_arguments', ...problems);
      if (hash !== undefined && hash !== homes.get(user_id)?.hash) return fail('hash_conflict');
      const id = homes.get(user_id)?.id ?? nextId('V');
      const stored = { ...view, id, team_id: teamId, hash: newHash(), app_id: appId, bot_id: botId };
      homes.set(user_id, stored);
      return { ok: true, view: stored };
    },

    'chat.postMessage': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return fail('channel_not_found');
      if (!hasContent(args)) return fail('no_text');
      if (Array.isArray(args.blocks) && args.blocks.length > 50) return fail('invalid_blocks', '[ERROR] no more than 50 items allowed [json-pointer:/blocks]');
      const channel = dmChannel(args.channel);
      const ts = nextTs();
      const message = botMessage(args, ts);
      messages.set(`${channel}/${ts}`, message);
      return { ok: true, channel, ts, message };
    },

    'chat.postEphemeral': (args) => {
      if (typeof args.channel !== 'string' || args.channel === '') return fail('channel_not_found');
      if (typeof args.user !== 'string' || !users.has(args.user)) return fail('user_not_in_channel');
      if (!hasContent(args)) return fail('no_text');
      // Ephemeral messages are not stored: Slack can't update them through chat.update either.
      return { ok: true, message_ts: nextTs() };
    },

    'chat.update': (args) => {
      if (typeof args.channel !== 'string' || typeof args.ts !== 'string') return fail('invalid_arguments', '[ERROR] missing required field: channel or ts');
      const key = `${dmChannel(args.channel)}/${args.ts}`;
      const existing = messages.get(key);
      if (!existing) return fail('message_not_found');
      if (!hasContent(args)) return fail('no_text');
      const message: Record<string, any> = { ...botMessage(args, args.ts), edited: { user: botUserId, ts: nextTs() } };
      messages.set(key, message);
      return { ok: true, channel: dmChannel(args.channel), ts: args.ts, text: message.text, message };
    },

    'conversations.open': ({ users: ids, channel }) => {
      if (typeof channel === 'string') return { ok: true, channel: { id: channel } };
      if (typeof ids !== 'string' || ids === '') return fail('users_list_not_supplied');
      const list = ids.split(',');
      if (list.length > 1) return fail('not_supported', '[ERROR] the fake only opens 1:1 DMs');
      const user = list[0] ?? '';
      if (!users.has(user)) return fail('user_not_found');
      return { ok: true, channel: { id: dmChannel(user) } };
    },

    'usergroups.users.list': ({ usergroup }) => {
      const members = typeof usergroup === 'string' ? usergroups.get(usergroup) : undefined;
      if (!members) return fail('no_such_subteam');
      return { ok: true, users: [...members] };
    },
  };

  function record(call: SlackCall) {
    calls.push(call);
    for (const waiter of waiters) {
      if (waiter.method === call.method && waiter.predicate(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;

    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    // Slack accepts the token in the body too; either way, keep it out of `args` so assertions stay readable.
    const bodyToken = typeof args.token === 'string' ? args.token : undefined;
    delete args.token;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? bodyToken;
    const hold = [...holds].find((h) => h.method === method && h.which(args));
    if (hold) {
      const entry: (typeof held)[number] = { method, args };
      held.push(entry);
      res.once('close', () => {
        if (!res.writableEnded) entry.givenUp = nextPlace();
      });
      await hold.released;
    }
    const slow = processingDelays.get(method);
    if (slow) await new Promise((r) => setTimeout(r, slow.delay(slow.n++)));
    const at = Date.now();

    const failure = takeFailure(method, args);
    let status = 200;
    let answer: SlackAnswer;
    if (failure && 'status' in failure) [status, answer] = [429, fail('ratelimited')];
    else if (failure && 'answer' in failure) answer = structuredClone(failure.answer);
    else if (failure) answer = fail(failure.error);
    else if (token === undefined) answer = fail('not_authed');
    else if (token !== botToken) answer = fail('invalid_auth');
    else if (tokenRefused !== undefined) answer = fail(tokenRefused);
    else answer = Object.hasOwn(handlers, method) ? handlers[method]!(args) : fail('unknown_method');

    // Recorded once handled, so a test woken by waitForCall already sees the effect (e.g. viewById).
    record({ method, args, at, place: nextPlace(), result: answer, ...(token !== undefined ? { token } : {}) });

    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    headers['x-oauth-scopes'] = scopes.join(',');
    if (failure && 'status' in failure) headers['retry-after'] = String(failure.retryAfterSeconds);
    res.writeHead(status, headers).end(JSON.stringify(answer));
  }

  function takeFailure(method: string, args: Record<string, any>): SlackFailure | undefined {
    const queue = failures.get(method);
    const at = queue?.findIndex((f) => f.which(args)) ?? -1;
    if (!queue || at < 0) return undefined;
    const [next] = queue.splice(at, 1);
    if (queue.length === 0) failures.delete(method);
    return next!.failure;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake should fail the test loudly, not hang it.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`slack fake crashed: ${err instanceof Error ? err.stack : String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    botToken,
    teamId,
    botUserId,
    users,
    usergroups,
    channels,
    scopes,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    newTriggerId(userId) {
      // Slack's trigger ids look like '12345.98765.abcd2358fdea'.
      const id = `${Date.now()}.${++counter}.${randomBytes(8).toString('hex')}`;
      triggers.set(id, { issuedAt: Date.now(), used: false, ...(userId && { userId }) });
      return id;
    },
    setViewsOpen(mode) {
      opensReplace = mode === 'replace';
    },
    modalShownTo: (userId) => {
      const front = onScreen.get(userId)?.at(-1);
      const view = front === undefined ? undefined : views.get(front);
      return view === undefined ? undefined : structuredClone(view);
    },
    viewById: (id) => {
      const view = views.get(id);
      return view === undefined ? undefined : structuredClone(view);
    },
    answerWithUpdate: (id, view) => {
      const existing = views.get(id);
      return existing === undefined ? undefined : structuredClone(storeView(view, id, { root_view_id: existing.root_view_id, previous_view_id: existing.previous_view_id }));
    },
    closeView: (id) => {
      views.delete(id);
      for (const [userId, stack] of onScreen) onScreen.set(userId, stack.filter((v) => v !== id));
    },
    homeOf: (userId) => {
      const home = homes.get(userId);
      return home === undefined ? undefined : structuredClone(home);
    },
    failNext(method, failure, times = 1, which = () => true) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ failure, which });
      failures.set(method, queue);
    },
    refuseToken(error) {
      tokenRefused = error;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setProcessingDelay(method, delay) {
      if (delay) processingDelays.set(method, { delay, n: 0 });
      else processingDelays.delete(method);
    },
    hold(method, which = () => true) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const entry = { method, which, released, release };
      holds.add(entry);
      return () => {
        holds.delete(entry);
        release();
      };
    },
    held,
    waitForCall(method, predicate = () => true, timeoutMs = 5_000) {
      const already = calls.find((c) => c.method === method && predicate(c));
      if (already) return Promise.resolve(already);
      return new Promise<SlackCall>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          predicate,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map((c) => c.method).join(', ') || 'none';
          reject(new Error(`slack fake: no matching ${method} call within ${timeoutMs} ms; calls recorded: ${seen}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    clear() {
      calls.length = 0;
      failures.clear();
      processingDelays.clear();
      for (const h of holds) h.release();
      holds.clear();
      held.length = 0;
      latencyMs = 0;
      opensReplace = false;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      });
    },
  };
}

/** Decode a request body as the Web API does: form fields (object arguments JSON-encoded) or a JSON body. */
/** A member as Slack's users.info and users.lookupByEmail give one: every flag present, as Slack sends them. */
function asSlackUser(found: FakeSlackUser): Record<string, unknown> {
  return {
    deleted: false,
    is_bot: false,
    is_app_user: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_email_confirmed: true,
    real_name: found.profile.real_name,
    tz: 'UTC',
    ...found,
  };
}

function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null ? { ...(parsed as Record<string, any>) } : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    if (typeof args[field] !== 'string') continue;
    try {
      args[field] = JSON.parse(args[field]);
    } catch {
      // Leave it a string: the method's own validation reports it, as Slack would.
    }
  }
  return args;
}
