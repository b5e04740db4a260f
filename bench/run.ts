/**
 * `npm run bench`: the real Latchkey, as its own process, against the local stand-ins (Slack Web
 * API fake, Chime and WorkMail simulators, dynalite behind a delaying proxy), driven with signed
 * requests as Slack sends them. Prints a table and writes JSON under bench/results/.
 *
 * Options: `npm run bench -- --help` (bench/cli.ts).
 */
import { execSync } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ChimeSimUser } from '../src/credentials/chime/stand-in';
import { CHIME_ACCOUNT, Harness, SIGNING_SECRET, TEAM, isProgress, secretIn, slackUser } from '../test/support/harness';
import type { SlackCall } from '../test/support/slack-fake';
import { homeOpenedEvent, postEvent } from '../test/support/slack-requests';
import type { WorkMailSimUser } from '../src/credentials/workmail/stand-in';
import { startDelayProxy } from './delay-proxy';
import { parseBenchArgs, HELP, type BenchOptions } from './cli';
import { build, BUILD, cpuMsOf, memoryOf, NPM_START, reportedFirst, runYardstick, startApp, type RunningApp } from './processes';
import { Worker } from 'node:worker_threads';
import type { BurstAck, BurstRequest, LoadgenReady } from './loadgen';
import { spentBetween, threadTimes, type ThreadSpend } from './threads';
import { summarize, type Summary, type TimedCall } from './stats';
import { callsBetween, pathShape, type PathShape } from './paths';
import { verifyBench, verifyTable, type VerifyBenchContext } from './verify';

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const { quick, profile, ackOnly, ackWarm, homeOnly, verifyOnly } = options;
const ackOnlyLatency = options.ackLatency;
const HOME_RUNS = quick ? 10 : 60;
/** The Home tab's people: an employee and an admin (ADMIN_USER_IDS in the harness), each with 100 records. */
const HOME_EMPLOYEE = 'UHOMEEMP';
const HOME_ADMIN = 'UADA';
const LATENCIES = [0, 50] as const;
const ACK_LEVELS = [1, 50, 200, 400] as const;
/** Samples per ack level: 1 at a time N times, or bursts of the level until this many. */
const ACK_SAMPLES = quick ? { 1: 20, 50: 50, 200: 200, 400: 400 } : { 1: 100, 50: 200, 200: 600, 400: 800 };
const CLICK_RUNS = quick ? 10 : 50;
const STARTS = quick ? 2 : 5;
const USERS = 1600;
/** The app's default per-person limit, kept: the bench spreads its resets over many people instead. */
const RESET_MAX_PER_HOUR = '3';
const AUDIT_TABLE = 'latchkey-audit-test';

const MB = 1024 * 1024;

// ---------------------------------------------------------------- people

const ids = Array.from({ length: USERS }, (_, i) => `UB${String(i).padStart(4, '0')}`);
const emailOf = (id: string) => `${id.toLowerCase()}@example.com`;
const chimeUsers = ids.map((id): ChimeSimUser => ({ UserId: `chime-${id}`, PrimaryEmail: emailOf(id), LicenseType: 'Pro' }));
const workmailUsers = ids.map((id): WorkMailSimUser => ({ Id: `wm-${id}`, Email: emailOf(id), Name: id.toLowerCase(), State: 'ENABLED', UserRole: 'USER' }));

/** Hands out people round-robin, so nobody nears the per-person limit (3 per hour per credential). */
class People {
  private next = 0;
  private readonly used = new Map<string, number>();
  take(command: string): string {
    const id = ids[this.next++ % ids.length]!;
    const key = `${command}:${id}`;
    const n = (this.used.get(key) ?? 0) + 1;
    if (n > Number(RESET_MAX_PER_HOUR)) throw new Error(`bench: ${id} would exceed the ${command} limit; add people`);
    this.used.set(key, n);
    return id;
  }
}

// ---------------------------------------------------------------- one person's flow

interface Opened {
  readonly userId: string;
  readonly command: string;
  readonly ackMs: number;
  readonly ackStatus: number;
  readonly sentAt: number;
  /** The views.open, unless the app judged the trigger too old and said "busy" instead. */
  readonly viewOpen?: SlackCall;
  /** The views.update with the confirmation (or a failure); absent when no modal opened. */
  readonly confirmation?: SlackCall;
  /** The ephemeral "busy" reply through response_url, when the modal could not be opened in time. */
  readonly busy?: { at: number; text: string };
}

/** The commands' response_url: records what the app says through it, by path (one per command). */
class Hooks {
  readonly said = new Map<string, { at: number; text: string }>();
  private waiters = new Map<string, (said: { at: number; text: string }) => void>();
  url = '';
  private server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const key = (req.url ?? '/').slice(1);
      const said = { at: Date.now(), text: String((JSON.parse(body || '{}') as { text?: unknown }).text ?? '') };
      this.said.set(key, said);
      this.waiters.get(key)?.(said);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  wait(key: string): Promise<{ at: number; text: string }> {
    const said = this.said.get(key);
    return said ? Promise.resolve(said) : new Promise((resolve) => this.waiters.set(key, resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

class Driver {
  constructor(
    private readonly h: Harness,
    private readonly app: RunningApp,
    private readonly latency: () => number,
    private readonly hooks: Hooks,
  ) {}

  /** The slash command, through to the confirmation (or failure) shown in the modal. */
  async command(command: string, userId: string): Promise<Opened> {
    const triggerId = this.h.slack.newTriggerId();
    const sentAt = Date.now();
    const ack = await this.h.command(command, userId, { url: this.app.eventsUrl, triggerId });
    const viewOpen = await this.h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId, 15_000);
    const viewId = viewOpen.result?.view?.id as string | undefined;
    // e.g. expired_trigger_id: Slack handled the views.open more than 3 s after the command.
    if (!viewId) return { userId, command, ackMs: ack.ms, ackStatus: ack.status, sentAt, viewOpen };
    const confirmation = await this.h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, 15_000);
    return { userId, command, ackMs: ack.ms, ackStatus: ack.status, sentAt, viewOpen, confirmation };
  }

  /**
   * Many slash commands at once from the load generator's thread, each followed to its
   * confirmation. `acked` is called as the load generator reports the burst's last
   * acknowledgement, before the modals are waited for.
   */
  async burst(command: string, userIds: string[], loadgen: Worker, acked?: () => void): Promise<Opened[]> {
    const commands = userIds.map((userId) => {
      const triggerId = this.h.slack.newTriggerId();
      return { command, userId, triggerId, responseUrl: `${this.hooks.url}${userId}/${triggerId}` };
    });
    const request: BurstRequest = { url: this.app.eventsUrl, signingSecret: SIGNING_SECRET, teamId: TEAM, commands };
    const acks = await new Promise<BurstAck[]>((resolve) => {
      loadgen.once('message', resolve);
      loadgen.postMessage(request);
    });
    acked?.();
    return Promise.all(
      commands.map(async ({ userId, triggerId, responseUrl }, i) => {
        const ack = acks[i]!;
        const base = { userId, command, ackMs: ack.ms, ackStatus: ack.status, sentAt: ack.sentAt };
        const hook = responseUrl.slice(this.hooks.url.length);
        // Either the modal opens, or the app says "busy" through response_url (a trigger too old to use).
        const first = await Promise.race([
          this.h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId, 15_000).then((viewOpen) => ({ viewOpen })),
          this.hooks.wait(hook).then((busy) => ({ busy })),
        ]);
        if ('busy' in first) return { ...base, busy: first.busy };
        const viewId = first.viewOpen.result?.view?.id as string | undefined;
        if (!viewId) return { ...base, viewOpen: first.viewOpen, busy: await this.hooks.wait(hook) };
        return { ...base, viewOpen: first.viewOpen, confirmation: await this.h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, 15_000) };
      }),
    );
  }

  /**
   * The "Reset" click, through to the secret on screen: in the answer to the click when the reset
   * is quick (response_action: update), else in a views.update after a "working…" answer.
   */
  async click(opened: Opened & { confirmation: SlackCall; viewOpen: SlackCall }): Promise<Clicked> {
    const viewId = opened.viewOpen.result!.view.id as string;
    const view = { ...opened.confirmation.args.view, id: viewId };
    // Nobody clicks a button before the modal showing it is on screen.
    const wait = this.shownAt(opened.confirmation) + 2 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const clickedAt = Date.now();
    const ack = await this.h.submit(opened.userId, view, { url: this.app.eventsUrl });
    const answered = ack.json?.response_action === 'update' ? (ack.json.view as Record<string, any>) : undefined;
    if (answered && !isProgress(answered)) {
      // Charged like a remote call: the added latency on top of its arrival.
      const at = clickedAt + ack.ms;
      return { clickedAt, ackMs: ack.ms, via: 'answer', arrivedAt: at, shownAt: at + this.latency(), secretShown: secretIn(answered) !== undefined };
    }
    const update = await this.h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId && c !== opened.confirmation, 15_000);
    return { clickedAt, ackMs: ack.ms, via: 'views.update', arrivedAt: update.at, shownAt: this.shownAt(update), secretShown: secretIn(update.args.view) !== undefined };
  }

  /** When the person could see it: the fake's answer to that call has gone back (arrival + latency). */
  shownAt(call: SlackCall): number {
    return call.at + this.latency();
  }
}

interface Clicked {
  readonly clickedAt: number;
  readonly ackMs: number;
  /** Where the secret came: in the answer to the click, or in a views.update after it. */
  readonly via: 'answer' | 'views.update';
  /** When the secret reached Slack (the answer, or the fake's log of the views.update). */
  readonly arrivedAt: number;
  readonly shownAt: number;
  readonly secretShown: boolean;
}

const isConfirmation = (o: Opened): o is Opened & { confirmation: SlackCall; viewOpen: SlackCall } => Boolean(o.viewOpen && o.confirmation?.args.view?.submit);

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log('bench: building the app (npm run build)…');
  // --no-build: run what is already in bench/.build (e.g. to try a change to the compiled app).
  const built = build(!options.build);
  log(`bench: app ${built.how}; starting the stand-ins…`);

  const h = await Harness.start({
    slackUsers: [...ids, HOME_EMPLOYEE, HOME_ADMIN].map((id) => slackUser(id, emailOf(id))),
    // Every credential in the registry is enabled, each with its stand-in's demo accounts unless given here.
    accounts: { pin: chimeUsers, password: workmailUsers },
  });
  const dynamo = await startDelayProxy(h.dynamo.endpoint, 'dynamodb');
  let latency = 0;
  const setLatency = (ms: number) => {
    latency = ms;
    h.slack.setLatency(ms);
    for (const standIn of h.standIns.values()) standIn.setLatency(ms);
    dynamo.setLatency(ms);
  };
  const aws = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('AWS_') && v !== undefined)) as Record<string, string>;
  const appEnv: Record<string, string> = {
    ...aws,
    ...h.env,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
    LOG_LEVEL: 'info',
    RESET_MAX_PER_HOUR,
  };
  const verifyContext = (loadgen: Worker, people: People): VerifyBenchContext => ({
    h, dynamo, loadgen, appCommand: built.app, appEnv, take: (command) => people.take(command), emailOf, setLatency, quick, log,
  });
  if (verifyOnly) {
    const { loadgen } = await startLoadgen(built.loadgen);
    try {
      await verifyOnlyRun(verifyContext(loadgen, new People()), built.how);
    } finally {
      await loadgen.terminate();
      await dynamo.close();
      await h.stop();
    }
    return;
  }

  const results: Record<string, any> = {};
  const probeFile = join(BUILD, 'prof', 'memory.jsonl');
  const burstsFile = join(BUILD, 'prof', 'bursts.jsonl');
  const appCommand =
    profile
      ? ['-r', built.probe, '--cpu-prof', '--cpu-prof-dir', join(BUILD, 'prof'), ...built.app]
      : built.app;
  if (profile) {
    // A run's files only: the windows and collections are read against this run's profile.
    rmSync(join(BUILD, 'prof'), { recursive: true, force: true });
    mkdirSync(join(BUILD, 'prof'), { recursive: true });
  }
  const app = await startApp(appCommand, { ...appEnv, ...(profile && { BENCH_PROBE_FILE: probeFile, BENCH_ALLOCATIONS: process.env.BENCH_ALLOCATIONS ?? '' }) });
  const probe = async (label: string) => {
    if (!profile) return;
    log(`bench: memory probe (${label}) → ${probeFile}`);
    app.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 100));
  };
  const people = new People();
  const { loadgen, tid: loadgenTid } = await startLoadgen(built.loadgen);
  const bare = await new BareServer().start();
  const cores = coresOf(app.child.pid!, loadgenTid);
  const hooks = new Hooks();
  await hooks.start();
  const driver = new Driver(h, app, () => latency, hooks);
  const failures: string[] = [];
  const check = (o: Opened) => {
    if (o.ackStatus !== 200) failures.push(`${o.command} ${o.userId}: ack ${o.ackStatus}`);
    else if (o.busy) failures.push(`${o.command} ${o.userId}: told "busy" (${o.viewOpen ? String(o.viewOpen.result?.error) : 'trigger too old to use'})`);
    else if (!o.confirmation) failures.push(`${o.command} ${o.userId}: views.open refused: ${String(o.viewOpen?.result?.error)}`);
    else if (!isConfirmation(o)) failures.push(`${o.command} ${o.userId}: ${JSON.stringify(o.confirmation.args.view?.blocks?.[0] ?? {}).slice(0, 160)}`);
  };

  try {
    // Warm-up, not counted: the first requests pay for lazy loading and new connections.
    log('bench: warm-up…');
    for (let i = 0; i < 5; i++) {
      const opened = await driver.command('/reset-pin', people.take('/reset-pin'));
      if (!isConfirmation(opened)) throw new Error(`warm-up: no confirmation for ${opened.userId}`);
      await driver.click(opened);
    }
    const idle = memoryOf(app.child.pid!);
    await probe('idle after warm-up');

    if (homeOnly) {
      results.home = await homeTab(h, app, setLatency, log);
      for (const x of Object.values<any>(results.home)) log(JSON.stringify(x));
      const afterHome = memoryOf(app.child.pid!);
      log(JSON.stringify({ idleAfterWarmupMb: idle && idle.rss / MB, peakBeforeHomeMb: idle && idle.peakRss / MB, peakAfterHomeMb: afterHome && afterHome.peakRss / MB }));
      return;
    }

    // ---- acknowledgement under concurrency, with the bare server's bursts interleaved (+0 ms only: it makes no remote calls)
    results.ack = {};
    // --ack-warm: the same bursts twice in one app, the second pass on the code V8 optimised during
    // the first (docs/performance.md, issue 28's thirteenth pass), each pass with its own floor.
    const passes = ackOnly ? (ackWarm ? [ackOnlyLatency, ackOnlyLatency] : [ackOnlyLatency]) : LATENCIES;
    const bareAcksOf = passes.map((): Record<number, number[]> => ({ 200: [], 400: [] }));
    let after200: ReturnType<typeof memoryOf>;
    for (const [pass, ms] of passes.entries()) {
      const warm = ackWarm && pass === 1;
      const bareAcks = bareAcksOf[pass]!;
      setLatency(ms);
      for (const level of ACK_LEVELS) {
        log(`bench: ack, ${level} at once, +${ms} ms…`);
        const acks: number[] = [];
        const toOpen: number[] = [];
        const toConfirmation: number[] = [];
        let refused = 0;
        let busy = 0;
        let silent = 0;
        const [appCpu0, benchCpu0, wall0] = [cpuMsOf(app.child.pid!), process.cpuUsage(), performance.now()];
        const threads: BurstThreads[] = [];
        while (acks.length < ACK_SAMPLES[level]) {
          const burst = Array.from({ length: level }, () => people.take('/reset-pin'));
          const burstStartUs = process.hrtime.bigint() / 1000n;
          const before = cores.read();
          let spent: ReturnType<typeof cores.spent> | undefined;
          const opened = await driver.burst('/reset-pin', burst, loadgen, () => (spent = cores.spent(before)));
          if (ms === 0 && bareAcks[level]) {
            const beforeBare = cores.read();
            bareAcks[level]!.push(...(await bare.burst(loadgen, level)));
            threads.push({ app: spent!, bare: cores.spent(beforeBare) });
          } else threads.push({ app: spent! });
          // --profile: each burst's window on the profile's clock (both are CLOCK_MONOTONIC, in µs), for bench/profile-windows.ts.
          if (profile) appendFileSync(burstsFile, `${JSON.stringify({ level, latencyMs: ms, startUs: Number(burstStartUs), ackP99Ms: summarize(opened.map((o) => o.ackMs)).p99 })}\n`);
          for (const o of opened) {
            check(o);
            acks.push(o.ackMs);
            // When the views.open reached Slack (the fake logs its arrival): the trigger's own clock.
            if (o.viewOpen) toOpen.push(o.viewOpen.at - o.sentAt);
            if (o.viewOpen?.result?.error === 'expired_trigger_id') refused += 1;
            if (o.busy) busy += 1;
            if (o.confirmation) toConfirmation.push(driver.shownAt(o.confirmation) - o.sentAt);
            else if (!o.busy) silent += 1;
          }
        }
        const benchCpu = process.cpuUsage(benchCpu0);
        const cpu = {
          wallMs: Math.round(performance.now() - wall0),
          appCpuMsPerCommand: Math.round(((cpuMsOf(app.child.pid!) - appCpu0) / acks.length) * 10) / 10,
          benchCpuMsPerCommand: Math.round(((benchCpu.user + benchCpu.system) / 1000 / acks.length) * 10) / 10,
        };
        // VmHWM only grows: the first 200 burst's reading is the peak before any 400 at once.
        const memory = memoryOf(app.child.pid!);
        if (level === 200 && !after200) after200 = memory;
        results.ack[`${level}@${ms}ms${warm ? ' warm' : ''}`] = {
          concurrent: level,
          latencyMs: ms,
          ...(warm && { warm }),
          peakRssMbSoFar: memory && memory.peakRss / MB,
          ack: summarize(acks),
          commandToViewsOpen: summarize(toOpen),
          commandToConfirmation: summarize(toConfirmation),
          // Slack answered expired_trigger_id; "busy": the person was told through response_url
          // (an expired trigger, or one too old to use); silent: neither modal nor message.
          modalRefused: refused,
          toldBusy: busy,
          leftWithNothing: silent,
          cpu,
          coresInAckWindow: medianThreads(threads),
        };
        await probe(`after ${level} at once`);
      }
    }
    const floors = (acks: Record<number, number[]>) => Object.fromEntries(Object.entries(acks).filter(([, a]) => a.length > 0).map(([level, a]) => [level, summarize(a)]));
    results.bareAck = floors(bareAcksOf[0]!);
    if (ackWarm) results.bareAckWarm = floors(bareAcksOf[1]!);
    const afterBursts = memoryOf(app.child.pid!);
    if (ackOnly) {
      if (profile) log(`bench: --profile: the CPU profile is written to ${join(BUILD, 'prof')} when the app stops`);
      await app.stop();
      for (const a of Object.values<any>(results.ack)) {
        const floor: Summary | undefined = a.latencyMs === 0 ? (a.warm ? results.bareAckWarm : results.bareAck)[a.concurrent] : undefined;
        log(JSON.stringify(floor ? { ...a, bareAckP99: floor.p99, ackP99OverBare: Math.round((a.ack.p99 / floor.p99) * 100) / 100 } : a));
      }
      log(JSON.stringify({ idleAfterWarmupMb: idle && idle.rss / MB, peakBeforeBurstsMb: idle && idle.peakRss / MB, peakAfter200BurstMb: after200 && after200.peakRss / MB, peakAfter400BurstsMb: afterBursts && afterBursts.peakRss / MB }));
      return;
    }

    // ---- the two waits a person feels, one person at a time
    results.flow = {};
    results.paths = {};
    for (const command of ['/reset-pin', '/reset-password']) {
      for (const ms of LATENCIES) {
        setLatency(ms);
        log(`bench: ${command}, one person at a time, +${ms} ms…`);
        const modal: number[] = [];
        const confirmation: number[] = [];
        const clickToSecret: number[] = [];
        const clickToSecretArrival: number[] = [];
        const clickAck: number[] = [];
        const secretVia = { answer: 0, 'views.update': 0 };
        const commandWindows: TimedCall[][] = [];
        const clickWindows: TimedCall[][] = [];
        const runs = command === '/reset-pin' ? CLICK_RUNS : Math.ceil(CLICK_RUNS / 2);
        for (let i = 0; i < runs; i++) {
          const opened = await driver.command(command, people.take(command));
          check(opened);
          if (!isConfirmation(opened)) continue;
          const clicked = await driver.click(opened);
          if (!clicked.secretShown) {
            failures.push(`${command} ${opened.userId}: no secret after the click`);
            continue;
          }
          modal.push(driver.shownAt(opened.viewOpen) - opened.sentAt);
          confirmation.push(driver.shownAt(opened.confirmation) - opened.sentAt);
          clickToSecret.push(clicked.shownAt - clicked.clickedAt);
          clickToSecretArrival.push(clicked.arrivedAt - clicked.clickedAt);
          secretVia[clicked.via] += 1;
          clickAck.push(clicked.ackMs);
          // Let the work after the secret (outcome record, DM) finish so it stays out of the next run's window.
          await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${opened.userId}` && c.at >= clicked.clickedAt, 15_000);
          await new Promise((r) => setTimeout(r, ms + 20));
          commandWindows.push(callsBetween(h, dynamo, opened.sentAt, opened.confirmation.at, ms));
          clickWindows.push(callsBetween(h, dynamo, clicked.clickedAt, clicked.arrivedAt, ms));
        }
        results.flow[`${command}@${ms}ms`] = {
          command,
          latencyMs: ms,
          commandToModal: summarize(modal),
          commandToConfirmation: summarize(confirmation),
          clickAck: summarize(clickAck),
          clickToSecret: summarize(clickToSecret),
          clickToSecretAtFake: summarize(clickToSecretArrival),
          secretVia,
        };
        results.paths[`${command}@${ms}ms`] = { latencyMs: ms, command: pathShape(commandWindows, ms), click: pathShape(clickWindows, ms) };
      }
    }
    results.home = await homeTab(h, app, setLatency, log);
    const atEnd = memoryOf(app.child.pid!);
    results.memory = {
      measuredHow: 'the app in its own process; /proc/<pid>/status VmRSS (resident now) and VmHWM (peak resident)',
      idleAfterWarmupMb: idle && idle.rss / MB,
      peakBeforeBurstsMb: idle && idle.peakRss / MB,
      peakAfter200BurstMb: after200 && after200.peakRss / MB,
      rssAfter200BurstMb: after200 && after200.rss / MB,
      peakAfter400BurstsMb: afterBursts && afterBursts.peakRss / MB,
      peakAtEndMb: atEnd && atEnd.peakRss / MB,
    };
    results.appErrors = app.errors;
  } finally {
    await app.stop();
    await bare.close();
  }


  // ---- the verify policy: pushes to the phone, in an app of its own (bench/verify.ts)
  results.verify = await verifyBench(verifyContext(loadgen, people));
  await loadgen.terminate();
  await hooks.close();

  // ---- start-up: a fresh process each time, tables already there (as in production)
  results.startup = {};
  for (const ms of LATENCIES) {
    setLatency(ms);
    log(`bench: start-up, +${ms} ms…`);
    const healthy: number[] = [];
    const ready: number[] = [];
    const direct: number[] = [];
    const rss: number[] = [];
    const peak: number[] = [];
    // Alternately through `npm start` (the figure that counts: what an operator runs) and straight
    // through node with the same flags (what npm and its shell add is the difference).
    for (let i = 0; i < STARTS; i++) {
      const fresh = await startApp(NPM_START, { ...appEnv, DYNAMODB_CREATE_TABLES: 'false' });
      healthy.push(fresh.healthyAfterMs);
      ready.push(fresh.readyAfterMs);
      const m = memoryOf(fresh.appPid);
      if (m) {
        rss.push(m.rss / MB);
        peak.push(m.peakRss / MB);
      }
      await fresh.stop();
      const bare = await startApp(built.app, { ...appEnv, DYNAMODB_CREATE_TABLES: 'false' });
      direct.push(bare.healthyAfterMs);
      await bare.stop();
    }
    results.startup[`${ms}ms`] = {
      latencyMs: ms,
      via: 'npm start',
      startToHealthz: summarize(healthy),
      startToReady: summarize(ready),
      startToHealthzWithoutNpm: summarize(direct),
      rssWhenHealthyMb: summarize(rss),
      peakRssDuringStartMb: summarize(peak),
    };
  }

  // ---- the yardstick: the same AWS work with no Slack, same stand-ins and latency
  results.yardstick = {};
  for (const ms of LATENCIES) {
    setLatency(ms);
    log(`bench: yardstick, +${ms} ms…`);
    const emails = Array.from({ length: CLICK_RUNS }, () => emailOf(people.take('yardstick')));
    const { out, wallMs } = await runYardstick(built.yardstick, {
      ...aws,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      YARDSTICK_ACCOUNT: CHIME_ACCOUNT,
      YARDSTICK_TABLE: AUDIT_TABLE,
      YARDSTICK_EMAILS: emails.join(','),
    });
    results.yardstick[`${ms}ms`] = {
      latencyMs: ms,
      lookup: summarize(out.lookupMs),
      auditAndReset: summarize(out.resetMs),
      startToFirstResetMs: Math.round(out.firstResetMs),
      startToReadyMs: Math.round(out.readyMs),
      peakRssMb: out.maxRssBytes / MB,
      processWallMs: Math.round(wallMs),
    };
  }

  setLatency(0);
  await dynamo.close();
  await h.stop();

  const report = {
    date: new Date().toISOString(),
    host: hostname(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version },
    commit: gitCommit(),
    app: `${built.how}; node ${built.app.filter((a) => a.startsWith('--')).join(' ')}`,
    setup: {
      people: USERS,
      resetMaxPerHour: Number(RESET_MAX_PER_HOUR),
      samples: { ack: ACK_SAMPLES, clickRuns: CLICK_RUNS, starts: STARTS },
      latency: 'added to every answer from the Slack fake, the Chime and WorkMail simulators and DynamoDB (a delaying proxy in front of dynalite)',
      shownAt: 'a modal counts as shown when the Slack fake has answered the views.open/views.update that shows it (arrival + added latency); a secret in the answer to the click, at the answer\'s arrival + added latency',
      quick,
    },
    failures,
    ...results,
  };
  print(report);
  if (options.write) {
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${report.date.slice(0, 10)}-${report.host.replace(/[^A-Za-z0-9_.-]/g, '_')}${quick ? '-quick' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`bench: wrote ${file}`);
  }
}

/** The same bursts against a server that only answers 200: what reading and answering costs by itself. */
/**
 * app_home_opened → views.publish reaching Slack, for an employee and for an admin (whose tab also
 * reads the review queue and the last 7 days), over 100 records of the person's own and 1,000 of
 * the day's, and one more of the day's written before each admin's open (a busy day goes on, and a
 * day is read whole once, then for what was written since): one round of parallel queries, then the publish.
 */
async function homeTab(h: Harness, app: { eventsUrl: string }, setLatency: (ms: number) => void, log: (s: string) => void): Promise<Record<string, any>> {
  log('bench: Home tab, seeding 100 records each for two people and 1,000 for the day…');
  const now = Date.now();
  const write = (userId: string, i: number, at = new Date(now - 3_600_000 + i * 100)) => {
    return h.writeAudit({ requestId: `${at.toISOString()}_${userId.toLowerCase()}${String(i).padStart(6, '0')}`, phase: i % 2 ? 'outcome' : 'attempt', action: 'reset_pin', actor: { userId, teamId: TEAM }, ...(i % 2 && { outcome: 'success' as const }) }, at);
  };
  for (const person of [HOME_EMPLOYEE, HOME_ADMIN]) for (let i = 0; i < 100; i++) await write(person, i);
  for (let i = 0; i < 1000; i++) await write(ids[i % ids.length]!, 1000 + i);
  // The admin's first open reads the week whole, each later one what was written since: opened once
  // untimed, so that both latencies' rows time the same kind of open.
  const firstAt = Date.now();
  await postEvent(app.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId: HOME_ADMIN, teamId: TEAM }));
  await adminTabPublished(h, firstAt);
  const results: Record<string, any> = {};
  for (const ms of LATENCIES) {
    setLatency(ms);
    for (const [who, userId] of [['employee', HOME_EMPLOYEE], ['admin', HOME_ADMIN]] as const) {
      log(`bench: Home tab, ${who}, +${ms} ms…`);
      const toPublish: number[] = [];
      let memberTabFirst = 0;
      for (let i = 0; i < HOME_RUNS; i++) {
        // A busy day goes on between an admin's opens: one more record each time, which the next open reads.
        if (who === 'admin') await write(ids[i % ids.length]!, 2000 + ms * HOME_RUNS + i, new Date());
        const sentAt = Date.now();
        const ack = await postEvent(app.eventsUrl, SIGNING_SECRET, homeOpenedEvent({ userId, teamId: TEAM }));
        if (ack.status !== 200) throw new Error(`bench: app_home_opened answered ${ack.status}`);
        const publish = who === 'admin' ? await adminTabPublished(h, sentAt) : await h.slack.waitForCall('views.publish', (c) => c.args.user_id === userId && c.at >= sentAt, 15_000);
        // The admin's row times the tab with the admin sections; a member's tab before it (the admin
        // check past its wait, ADMIN_CHECK_WAIT_MS) is counted, never timed in its place.
        if (who === 'admin' && h.slack.callsTo('views.publish').some((c) => c.args.user_id === userId && c.at >= sentAt && c.at < publish.at)) memberTabFirst++;
        toPublish.push(publish.at - sentAt);
        await new Promise((r) => setTimeout(r, ms + 10));
      }
      results[`${who}@${ms}ms`] = {
        who,
        latencyMs: ms,
        records: { person: 100, day: 1000, newBeforeEachAdminOpen: 1 },
        openedToPublish: summarize(toPublish),
        ...(who === 'admin' && { runs: HOME_RUNS, memberTabFirst }),
      };
    }
  }
  return results;
}

/**
 * The admin's Home tab published after `sentAt` with its admin sections (adminBlocks' `home_admin`
 * block, src/views/home-tab.ts), not a member's tab published first while the admin check was late:
 * the run fails, saying so, if none comes.
 */
async function adminTabPublished(h: Harness, sentAt: number) {
  const isAdminTab = (view: any) => (view?.blocks ?? []).some((b: any) => b.block_id === 'home_admin');
  return h.slack.waitForCall('views.publish', (c) => c.args.user_id === HOME_ADMIN && c.at >= sentAt && isAdminTab(c.args.view), 15_000).catch((err: unknown) => {
    throw new Error(`bench: the admin's Home tab was not published with the admin sections within 15 s (${String(err)})`);
  });
}

/** The load generator's worker, once it has said which thread it is (threads.ts). */
async function startLoadgen(file: string): Promise<{ loadgen: Worker; tid: number | undefined }> {
  const loadgen = new Worker(file);
  const ready = await new Promise<LoadgenReady>((resolve, reject) => {
    loadgen.once('message', resolve);
    loadgen.once('error', reject);
  });
  return { loadgen, tid: ready.tid };
}

type CoreSpend = Record<string, ThreadSpend>;

/** One burst's acknowledgement window, the app's and the bare server's on the same burst: what each thread ran and waited. */
interface BurstThreads {
  app: CoreSpend;
  bare?: CoreSpend;
}

/**
 * Reads, before a burst and as its last acknowledgement comes back, the CPU of the app's main
 * thread, of its other threads (V8's collector helpers among them), of the bench's main thread (the
 * stand-ins, and the bare server), of the load generator, and of the bench's other threads.
 */
function coresOf(appPid: number, loadgenTid: number | undefined) {
  const read = () => ({ app: threadTimes(appPid), bench: threadTimes(process.pid) });
  return {
    read,
    spent(before: ReturnType<typeof read>): CoreSpend {
      const after = read();
      const app = spentBetween(before.app, after.app, { main: appPid });
      const bench = spentBetween(before.bench, after.bench, { main: process.pid, loadgen: loadgenTid });
      return { appMain: app.main!, appOther: app.other!, loadgen: bench.loadgen ?? { runMs: Number.NaN, waitMs: Number.NaN }, benchMain: bench.main!, benchOther: bench.other! };
    },
  };
}

/** Per thread, the median over the bursts of its ms run and waited, to 0.1 ms. */
function medianThreads(bursts: readonly BurstThreads[]): { app: CoreSpend; bare?: CoreSpend } | undefined {
  if (bursts.length === 0 || Object.keys(bursts[0]!.app).length === 0) return undefined;
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    const m = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return Math.round(m * 10) / 10;
  };
  const of = (pick: (b: BurstThreads) => CoreSpend | undefined) => {
    const rows = bursts.map(pick).filter((r): r is CoreSpend => r !== undefined);
    if (rows.length === 0) return undefined;
    return Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, { runMs: median(rows.map((r) => r[k]!.runMs)), waitMs: median(rows.map((r) => r[k]!.waitMs)) }]));
  };
  const app = of((b) => b.app)!;
  const bare = of((b) => b.bare);
  return bare ? { app, bare } : { app };
}

/**
 * The floor for acknowledgements: a bare node:http server that answers every request with an empty
 * 200 and does nothing else, sent the same bursts by the same load generator. Its bursts are
 * interleaved with the app's (one after each of the app's, the app idle meanwhile), so both are
 * measured in the same state of the machine: measured after the app had stopped instead, the floor
 * moved by half between runs on two shared cores.
 */
class BareServer {
  private readonly server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  private url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/slack/events`;
    return this;
  }

  /** One burst of `level` commands at once; each one's acknowledgement time. */
  async burst(loadgen: Worker, level: number): Promise<number[]> {
    const commands = Array.from({ length: level }, (_, i) => ({ command: '/reset-pin', userId: `UBARE${i}`, triggerId: `bare.${i}` }));
    const request: BurstRequest = { url: this.url, signingSecret: SIGNING_SECRET, teamId: TEAM, commands };
    const burst = await new Promise<BurstAck[]>((resolve) => {
      loadgen.once('message', resolve);
      loadgen.postMessage(request);
    });
    return burst.map((a) => a.ms);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** --verify-only: the verify section alone, printed and written to bench/results/<date>-<host>-verify.json. */
async function verifyOnlyRun(context: VerifyBenchContext, how: string): Promise<void> {
  const verify = await verifyBench(context);
  const date = new Date().toISOString();
  const report = { date, host: hostname(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version }, commit: gitCommit(), app: how, quick, verify };
  process.stdout.write(`\nLatchkey benchmark, the verify section — ${date} on ${report.host} (${report.machine.cpus} × ${report.machine.cpuModel}, node ${report.machine.node})${quick ? ' (--quick: few samples)' : ''}\n`);
  process.stdout.write(`${verifyTable(verify).join('\n')}\n`);
  if (options.write) {
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${date.slice(0, 10)}-${report.host.replace(/[^A-Za-z0-9_.-]/g, '_')}-verify${quick ? '-quick' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    context.log(`bench: wrote ${file}`);
  }
}

function gitCommit(): string | undefined {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- ../src', { cwd: __dirname, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (src/ has uncommitted changes)` : sha;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the table

function print(r: Record<string, any>): void {
  const out: string[] = [];
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const row = (cells: (string | number)[], widths: number[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

  out.push('', `Latchkey benchmark — ${r.date} on ${r.host} (${r.machine.cpus} × ${r.machine.cpuModel}, node ${r.machine.node}), app ${r.app}`);
  if (r.setup.quick) out.push('(--quick: few samples, figures are rough)');

  out.push('', 'Both 3-second clocks (ms): the acknowledgement, and views.open with the trigger_id');
  const w1 = [22, 5, 14, 22, 18, 8, 6, 10];
  out.push(row(['', 'n', 'ack p50/p99', 'cmd→views.open p50/p99/max', 'cmd→confirm p50/p99', 'expired', 'busy', 'app CPU/cmd'], w1));
  for (const a of Object.values<any>(r.ack)) {
    out.push(
      row(
        [`${a.concurrent} at once, +${a.latencyMs} ms`, a.ack.n, `${f(a.ack.p50)} / ${f(a.ack.p99)}`,
          `${f(a.commandToViewsOpen.p50)} / ${f(a.commandToViewsOpen.p99)} / ${f(a.commandToViewsOpen.max)}`,
          `${f(a.commandToConfirmation.p50)} / ${f(a.commandToConfirmation.p99)}`, a.modalRefused, a.toldBusy, `${f(a.cpu.appCpuMsPerCommand)} ms`],
        w1,
      ),
    );
  }
  for (const [level, b] of Object.entries<any>(r.bareAck ?? {})) out.push(row([`bare node:http, ${level}`, b.n, `${f(b.p50)} / ${f(b.p99)}`, '', '', '', '', ''], w1));

  out.push('', 'The two waits, one person at a time (ms, p50 / p99)');
  const w2 = [30, 15, 17, 15, 15];
  out.push(row(['', 'command→modal', 'command→confirm', 'click ack', 'click→secret'], w2));
  for (const x of Object.values<any>(r.flow)) {
    const pair = (s: Summary) => `${f(s.p50)} / ${f(s.p99)}`;
    out.push(row([`${x.command}, +${x.latencyMs} ms`, pair(x.commandToModal), pair(x.commandToConfirmation), pair(x.clickAck), pair(x.clickToSecret)], w2));
  }
  for (const ms of Object.keys(r.yardstick)) {
    const y = r.yardstick[ms];
    out.push(row([`yardstick (SDK only), +${y.latencyMs} ms`, '', `lookup ${f(y.lookup.p50)} / ${f(y.lookup.p99)}`, '', `${f(y.auditAndReset.p50)} / ${f(y.auditAndReset.p99)}`], w2));
  }

  out.push('', 'Remote calls between the click and the secret on screen (from the fakes\' logs)');
  const range = (x: { min: number; max: number }) => (x.min === x.max ? `${x.min}` : `${x.min}–${x.max}`);
  const describePath = (key: string, c: PathShape) =>
    c.dependent
      ? `  ${key.padEnd(22)} ${range(c.calls)} calls, ${range(c.dependent)} dependent: ${c.steps.map((s) => s.join(' ∥ ')).join(' → ')}`
      : `  ${key.padEnd(22)} ${range(c.calls)} calls: ${c.steps[0]?.join(', ')} (too quick at +0 ms to tell parallel from sequential)`;
  for (const [key, p] of Object.entries<any>(r.paths)) {
    const via = r.flow[key]?.secretVia;
    out.push(describePath(key, p.click) + (via?.answer ? ` → the answer to the click (${via.answer} of ${via.answer + via['views.update']} runs)` : ''));
  }
  out.push('Remote calls between the command and the confirmation on screen (→ sequential, ∥ parallel)');
  for (const [key, p] of Object.entries<any>(r.paths)) out.push(describePath(key, p.command));

  out.push('', 'Home tab: app_home_opened sent → views.publish reaching Slack (ms, p50 / p99; 100 records of the person\'s, 1,000 of the day\'s and one more before each admin\'s open)');
  for (const x of Object.values<any>(r.home ?? {})) {
    const late = x.memberTabFirst ? ` (to the admin sections: a member's tab went first in ${x.memberTabFirst} of ${x.runs} runs, the admin check past its 1 s wait)` : '';
    out.push(`  ${`${x.who}, +${x.latencyMs} ms`.padEnd(22)} ${f(x.openedToPublish.p50)} / ${f(x.openedToPublish.p99)}${late}`);
  }

  const m = r.memory;
  out.push('', `Memory (${m.measuredHow})`);
  out.push(`  idle after warm-up ${f(m.idleAfterWarmupMb)} MB (peak so far ${f(m.peakBeforeBurstsMb)} MB); peak after the first 200 burst ${f(m.peakAfter200BurstMb)} MB (resident then ${f(m.rssAfter200BurstMb)} MB); after the 400 bursts ${f(m.peakAfter400BurstsMb)} MB; peak at the end ${f(m.peakAtEndMb)} MB`);
  for (const y of Object.values<any>(r.yardstick)) out.push(`  yardstick process peak, +${y.latencyMs} ms: ${f(y.peakRssMb)} MB`);

  out.push('', 'Start-up: `npm start` spawned → /healthz 200 (ms; built tree, tables exist)');
  for (const s of Object.values<any>(r.startup)) {
    out.push(
      `  +${s.latencyMs} ms: p50 ${f(s.startToHealthz.p50)}, max ${f(s.startToHealthz.max)} (listening "ready" p50 ${f(s.startToReady.p50)}; ` +
        `node alone p50 ${f(s.startToHealthzWithoutNpm?.p50)}); resident when healthy ${f(s.rssWhenHealthyMb.p50)} MB, peak ${f(s.peakRssDuringStartMb?.p50)} MB`,
    );
  }
  for (const y of Object.values<any>(r.yardstick)) out.push(`  yardstick, +${y.latencyMs} ms: clients ready ${y.startToReadyMs}, first reset done ${y.startToFirstResetMs} (from its own process start)`);

  // ---- the issue's targets
  const ack200 = Math.max(...Object.values<any>(r.ack).filter((a) => a.concurrent === 200).map((a) => a.ack.p99));
  const pin50 = r.flow['/reset-pin@50ms'];
  const deps = Math.max(...Object.values<any>(r.paths).filter((p) => p.latencyMs > 0).map((p) => p.click.dependent.max));
  const startup = Math.max(...Object.values<any>(r.startup).map((s) => s.startToHealthz.p50));
  const a200 = Object.values<any>(r.ack).filter((a) => a.concurrent === 200);
  const a400 = Object.values<any>(r.ack).filter((a) => a.concurrent === 400);
  const open200 = Math.max(...a200.map((a) => a.commandToViewsOpen.p99));
  const bare200 = r.bareAck?.[200]?.p99;
  const expired400 = a400.reduce((n, a) => n + a.modalRefused + a.toldBusy, 0);
  const nothing = Object.values<any>(r.ack).reduce((n, a) => n + a.leftWithNothing, 0);
  const home50 = Math.max(...Object.values<any>(r.home ?? {}).filter((x) => x.latencyMs === 50).map((x) => x.openedToPublish.p99));
  out.push('', 'Targets (issue 18)');
  out.push(`  Home tab p99 ≤ 250 ms at +50 ms ............ ${f(home50)} ms  ${mark(home50 <= 250)}`);
  out.push('', 'Targets (issue 19)');
  out.push(`  cmd→views.open p99 ≤ 1000 ms at 200 at once .. ${f(open200)} ms  ${mark(open200 <= 1000)}`);
  out.push(`  ack p99 at 200 ≤ 1.2 × bare (${f(bare200)} ms) ...... ${f(ack200)} ms  ${mark(ack200 <= 1.2 * bare200)}`);
  out.push(`  no trigger expires at 400 at once ............ ${expired400}  ${mark(expired400 === 0)}`);
  out.push(`  nobody left with neither modal nor message ... ${nothing}  ${mark(nothing === 0)}`);
  const at400 = a400.filter((a) => a.latencyMs === 0).map((a) => a.ack.p99);
  const ack400 = Math.max(...at400);
  const bare400 = r.bareAck?.[400]?.p99;
  const open400 = Math.max(...a400.map((a) => a.commandToViewsOpen.p99));
  out.push('', 'Targets (issue 28; the bare server interleaved with the app, burst for burst)');
  out.push(`  ack p99 at 400 ≤ 1.5 × bare (${f(bare400)} ms) ...... ${f(ack400)} ms (${f(ack400 / bare400)} ×)  ${mark(ack400 <= 1.5 * bare400)}`);
  out.push(`  cmd→views.open p99 ≤ 1000 ms at 400 at once .. ${f(open400)} ms  ${mark(open400 <= 1000)}`);
  out.push(`  peak RSS ≤ 100 MB over the whole run .......... ${f(m.peakAtEndMb)} MB  ${mark(m.peakAtEndMb <= 100)}`);
  const cores = r.ack?.['400@0ms']?.coresInAckWindow;
  if (cores?.bare) {
    const spend = (c: Record<string, ThreadSpend>) =>
      `app ${f(c.appMain!.runMs)} + ${f(c.appOther!.runMs)} helpers, load generator ${f(c.loadgen!.runMs)} (waited ${f(c.loadgen!.waitMs)}), bench ${f(c.benchMain!.runMs)} + ${f(c.benchOther!.runMs)}`;
    out.push('  the two cores in a 400 burst\'s ack window, ms run (median of bursts):');
    out.push(`    the app's burst: ${spend(cores.app)}`, `    the bare server's: ${spend(cores.bare)}`);
  }
  out.push('', 'Targets (issue 8)');
  out.push(`  ack p99 ≤ 300 ms at 200 at once ............ ${f(ack200)} ms  ${mark(ack200 <= 300)}`);
  out.push(`  click→secret ≤ 3 dependent remote calls ..... ${deps}  ${mark(deps <= 3)}`);
  out.push(`  click→secret p50 ≤ 165 ms at +50 ms ......... ${f(pin50?.clickToSecret.p50)} ms  ${mark(pin50?.clickToSecret.p50 <= 165)}`);
  out.push(`  peak RSS ≤ 100 MB after the 200 bursts ....... ${f(m.peakAfter200BurstMb)} MB  ${mark(m.peakAfter200BurstMb <= 100)}`);
  out.push(`  (the whole run, 400 at once included, past what one instance is sized for: ${f(m.peakAtEndMb)} MB)`);
  out.push(`  npm start → /healthz ≤ 1000 ms (p50) ........ ${f(startup)} ms  ${mark(startup <= 1000)}`);
  if (r.verify) out.push(...verifyTable(r.verify));
  if (r.failures.length > 0) out.push('', `${r.failures.length} requests did not end as expected, e.g.:`, ...r.failures.slice(0, 5).map((x: string) => `  ${x}`));
  if (r.appErrors?.length > 0) out.push('', 'The app logged errors or alerts, or printed lines other than its log (Node\'s warnings included):', ...reportedFirst(r.appErrors).map((x: string) => `  ${x.slice(0, 200)}`));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
