/**
 * One process of bench/arrival-path.ts: bursts of 400 signed slash commands through the request
 * guard and GuardedApp of a built app (`dist`), as node:http hands them over (each arrival in a turn
 * of its own), with fake requests and answers. Prints one JSON line. Run by arrival-path.ts, built
 * by it to plain JavaScript (under tsx, the app's modules would be transformed again).
 *
 *   node --expose-gc --max-semi-space-size=1 --max-old-space-size=128 arrival-burst.js <dist> <cpu|alloc>
 */
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';

const [dist = '', mode = 'cpu'] = process.argv.slice(2);
const N = 400;
const SECRET = 'arrival-path-signing-secret';
// The built app, as `npm start` runs it: its modules are loaded from `dist` at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (path: string) => require(`${dist}/${path}`) as Record<string, any>;
const { guardSlackRequests } = load('slack/request-guard.js');
const { GuardedApp } = load('slack/guarded-app.js');
const { readableSlashCommand } = load('handlers/slack-payloads.js');

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const receiver = {
  init() {},
  start: async () => undefined,
  stop: async () => undefined,
  requestListener: (_req: unknown, res: Res) => void res.writeHead(500).end(),
};
const app = new GuardedApp(
  { token: 'xoxb-bench', receiver, tokenVerificationEnabled: false, botId: 'B1', botUserId: 'UBOT', convoStore: false },
  { commands: ['/reset-pin'], actionIds: [], viewCallbackIds: [], eventTypes: [] },
  {
    fetch: () => Promise.reject(new Error('no network here')),
    logger: quiet,
    metrics: { count() {}, duration() {} },
    slack: { views: { open: async () => ({ view: { id: 'V1' } }) } },
  },
);
app.error(async () => undefined);
app.acknowledgeOnArrival('/reset-pin', readableSlashCommand, { view: { type: 'modal', title: { type: 'plain_text', text: 'Reset' }, blocks: [] }, busyText: 'busy' });
let worked = 0;
app.command('/reset-pin', async ({ ack }: { ack: () => Promise<void> }) => {
  await ack();
  worked += 1;
});
// As app.ts's guardedHttpReceiver offers each checked request to the app.
guardSlackRequests(receiver, {
  path: '/slack/events',
  bodyLimit: 64 * 1024,
  logger: quiet,
  signingSecret: SECRET,
  answerOnArrival: (body: Record<string, unknown>, request: Req, response: Res) => {
    const open: { request?: Req; response?: Res } = { request, response };
    return app.answerOnArrival(body, {
      answer: () => {
        open.response?.writeHead(200).end();
        open.request = open.response = undefined;
      },
      failed: (error: unknown) => {
        throw error;
      },
      customProperties: { latchkeyAnswerBy: Date.now() + 1_500 },
    });
  },
});
const listener = receiver.requestListener as (req: Req, res: Res) => void;

let answered = 0;
class Res extends EventEmitter {
  headersSent = false;
  private status = 0;
  writeHead(status: number): this {
    this.status = status;
    this.headersSent = true;
    return this;
  }
  end(): this {
    if (this.status !== 200) throw new Error(`answered ${this.status}`);
    answered += 1;
    setImmediate(() => this.emit('close'));
    return this;
  }
}
class Req extends EventEmitter {
  readonly url = '/slack/events';
  readonly method = 'POST';
  constructor(readonly headers: Record<string, string>) {
    super();
  }
  resume(): this {
    return this;
  }
  destroy(): void {}
}

/** A slash command's form as Slack sends it (test/support/slack-requests.ts's field order). */
function form(i: number, burst: number): string {
  return new URLSearchParams({
    token: 'verificationtokenxxxxxxxx',
    team_id: 'T0EXAMPLE',
    team_domain: 'example',
    channel_id: 'C0GENERAL01',
    channel_name: 'general',
    user_id: `U${String(burst * 1000 + i).padStart(8, '0')}`,
    user_name: 'person',
    command: '/reset-pin',
    text: '',
    api_app_id: 'A0LATCHKEY',
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/T0EXAMPLE/${burst}${i}/abcdefabcdef`,
    trigger_id: `${burst}${i}.1234567890.abcdef0123456789abcdef0123456789`,
  }).toString();
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** The main thread's time on a core, ns: the other threads' (the collector's helpers, the compiler) and the waits for a core left out. */
const mainThreadNs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as { detail?: { kind?: number } }).detail?.kind === 1) scavenges += 1;
}).observe({ entryTypes: ['gc'] });

/** One burst: every command answered before the first one's work starts, as in the bench's window. `queued` runs with all 400 waiting. */
async function burst(b: number, queued?: () => void): Promise<{ mainUs: number; scavenges: number }> {
  const at = String(Math.floor(Date.now() / 1000));
  const requests = Array.from({ length: N }, (_, i) => {
    const body = form(i, b);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${at}:${body}`).digest('hex')}`;
    return { body: Buffer.from(body), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': at, 'x-slack-signature': signature } };
  });
  const answeredBefore = answered;
  const workedBefore = worked;
  const scavengesBefore = scavenges;
  const started = mainThreadNs();
  for (const { body, headers } of requests) {
    const req = new Req(headers);
    listener(req, new Res());
    req.emit('data', body);
    req.emit('end');
    await turn();
  }
  const mainUs = (mainThreadNs() - started) / 1000 / N;
  const window = { mainUs, scavenges: scavenges - scavengesBefore };
  queued?.();
  if (answered - answeredBefore !== N || worked !== workedBefore) throw new Error('not every command was answered before the work started');
  while (worked - workedBefore < N) await turn();
  return window;
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let b = 0; b < 6; b++) await burst(1000 + b);
  if (mode === 'alloc') {
    // Bytes allocated by the app's frames while the commands arrive (the fake requests' own left out).
    const session = new Session();
    session.connect();
    const post = (method: string, params?: object) => new Promise<any>((resolve, reject) => session.post(method, params, (err, value) => (err ? reject(err) : resolve(value))));
    let bytes = 0;
    const sum = (node: { callFrame: { url: string }; selfSize: number; children?: unknown[] }, inApp: boolean): void => {
      const app = inApp || node.callFrame.url.startsWith(dist);
      if (app) bytes += node.selfSize;
      for (const child of node.children ?? []) sum(child as typeof node, app);
    };
    for (let b = 0; b < 8; b++) {
      let stopped: Promise<any> | undefined;
      await post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      await burst(b, () => (stopped = post('HeapProfiler.stopSampling')));
      sum((await stopped!).profile.head, false);
    }
    console.log(JSON.stringify({ allocatedBytesPerCommand: Math.round(bytes / (8 * N)) }));
    return;
  }
  const rows: { mainUs: number; scavenges: number; heldBytes: number }[] = [];
  for (let b = 0; b < 12; b++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    let heldBytes = 0;
    const window = await burst(b, () => {
      gc();
      heldBytes = (process.memoryUsage().heapUsed - before) / N;
    });
    rows.push({ ...window, heldBytes });
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(
    JSON.stringify({
      mainThreadUsPerCommand: +median(rows.map((r) => r.mainUs)).toFixed(1),
      scavengesPerBurst: median(rows.map((r) => r.scavenges)),
      heldBytesPerQueuedCommand: Math.round(median(rows.map((r) => r.heldBytes))),
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
