/**
 * The `verify` policy under the bench (issue 23): Okta Verify pushes driven end to end through the
 * Okta stand-in's Factors API, whose phone approves each push a think time after it arrived
 * (approvePushesAfter), or all at once when the bench says so. An app process of its own, with the
 * Chime PIN (the credential whose self-service path the main rows measure) on `verify`:
 *
 * - one person at a time, 50 ms added to every remote answer: the remote calls between the Reset
 *   click and the push reaching Okta, and approved → the views.update with the secret reaching Slack;
 * - 200 Reset clicks at once with every push left waiting: the app's peak RSS, and the clicks'
 *   answers against a bare node:http server answering the same burst; 200 slash commands at once
 *   while they wait, likewise; then all 200 approved at once, and every one must get its secret.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'node:worker_threads';
import { PUSH_CHECKS_PER_SECOND } from '../src/app';
import { oktaVerify } from '../src/credentials/okta-stand-in';
import { type Harness, SIGNING_SECRET, TEAM, secretIn } from '../test/support/harness';
import type { SlackCall } from '../test/support/slack-fake';
import { viewSubmissionPayload, type AppResponse } from '../test/support/slack-requests';
import type { DelayProxy } from './delay-proxy';
import type { BurstAck, BurstRequest } from './loadgen';
import { callsBetween, pathShape, type PathShape } from './paths';
import { memoryOf, reportedFirst, startApp } from './processes';
import { summarize, type Summary, type TimedCall } from './stats';

/** The app's default (README, "The poll interval"), given explicitly so the report names what ran. */
const POLL_MS = 3_000;
/** The app's default VERIFY_TIMEOUT_SECONDS: the crowd's last checks must come before it. */
const TIMEOUT_MS = 60_000;
const COMMAND = '/reset-pin';
const VERIFY_ENV = { RESET_POLICY: 'pin=verify', VERIFY_WITH: 'okta', VERIFY_POLL_MS: String(POLL_MS), VERIFY_TIMEOUT_SECONDS: String(TIMEOUT_MS / 1000) };
const ONE_AT_A_TIME_LATENCY = 50;
const CROWD = 200;
/** Think times spread evenly over two poll intervals, so approvals land at every point between two checks. */
const THINK_MS = { from: 500, span: 2 * POLL_MS };
const MB = 1024 * 1024;

export interface VerifyBenchContext {
  readonly h: Harness;
  readonly dynamo: DelayProxy;
  readonly loadgen: Worker;
  /** The app as the bench runs it (node's arguments), and its environment before the policy's settings. */
  readonly appCommand: string[];
  readonly appEnv: Record<string, string>;
  /** Someone whose PIN may be reset (nowhere near the limits), and their email. */
  readonly take: (command: string) => string;
  readonly emailOf: (id: string) => string;
  readonly setLatency: (ms: number) => void;
  readonly quick: boolean;
  readonly log: (s: string) => void;
}

interface Person {
  readonly id: string;
  /** Their Okta user, with Okta Verify enrolled. */
  readonly oktaId: string;
}

interface Confirmation {
  readonly viewId: string;
  /** As Slack holds it, with its ID: what the Reset click carries. */
  readonly view: Record<string, any>;
  readonly shownAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isFailure = (view: Record<string, any>) => JSON.stringify(view.blocks ?? []).includes(':warning:');
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const describe = (view: Record<string, any>) => JSON.stringify(view.blocks?.[0] ?? {}).slice(0, 160);
/** A failure in the answer to the click itself (the push could not be sent): no views.update follows. */
const answeredFailure = (answer: AppResponse): Record<string, any> | undefined => {
  const view = answer.json?.view as Record<string, any> | undefined;
  return view && isFailure(view) ? view : undefined;
};

export async function verifyBench(ctx: VerifyBenchContext): Promise<Record<string, any>> {
  const { h, log } = ctx;
  const okta = h.okta;
  const failures: string[] = [];
  const person = (): Person => {
    const id = ctx.take(COMMAND);
    const oktaId = `00u${id.toLowerCase()}`;
    okta.users.set(oktaId, { id: oktaId, email: ctx.emailOf(id), status: 'ACTIVE', roles: [], factors: [oktaVerify(id.toLowerCase())] });
    return { id, oktaId };
  };

  ctx.setLatency(0);
  log(`bench: verify, starting the app with ${VERIFY_ENV.RESET_POLICY} and VERIFY_WITH=${VERIFY_ENV.VERIFY_WITH}…`);
  const app = await startApp(ctx.appCommand, { ...ctx.appEnv, ...VERIFY_ENV });
  const results: Record<string, any> = {
    setup: { ...VERIFY_ENV, checksPerSecond: PUSH_CHECKS_PER_SECOND, credential: COMMAND },
  };
  let bursts: { clicks: BurstRequest; commands: BurstRequest };
  try {
    // Warm-up, not counted: the verifier's adapter loads on first use.
    okta.approvePushesAfter(0);
    for (let i = 0; i < 3; i++) {
      const p = person();
      const confirmation = await confirm(h, app.eventsUrl, p.id);
      const answer = await h.submit(p.id, confirmation.view, { url: app.eventsUrl });
      const shown = answeredFailure(answer) ?? (await resultOf(h, confirmation.viewId, 0)).args.view;
      if (secretIn(shown) === undefined) throw new Error(`bench: verify: the warm-up's push did not end in a secret: ${describe(shown)}`);
    }
    results.onePerson = await onePersonAtATime(ctx, app.eventsUrl, person, failures);
    ({ figures: results.crowd, bursts } = await crowd(ctx, app, person, failures));
  } finally {
    okta.approvePushesAfter(undefined);
    ctx.setLatency(0);
    await app.stop();
  }
  // The floor, on the same bursts, once the app is gone.
  const crowdRun = results.crowd as Record<string, any>;
  const bareClicks = await bareAcks(ctx.loadgen, bursts.clicks);
  const bareCommands = await bareAcks(ctx.loadgen, bursts.commands);
  Object.assign(crowdRun, {
    bareClickAck: bareClicks,
    clickAckOverBare: ratio(crowdRun.clickAck.p99, bareClicks.p99),
    bareCommandAck: bareCommands,
    commandAckOverBare: ratio(crowdRun.commandAck.p99, bareCommands.p99),
    commandAckNobodyWaitingOverBare: ratio(crowdRun.commandAckNobodyWaiting.p99, bareCommands.p99),
  });
  results.appErrors = app.errors;
  results.failures = failures;
  return results;
}

/** The slash command, up to the confirmation on screen (the Okta user and their push factor found). */
async function confirm(h: Harness, eventsUrl: string, userId: string): Promise<Confirmation> {
  const triggerId = h.slack.newTriggerId();
  const ack = await h.command(COMMAND, userId, { url: eventsUrl, triggerId });
  if (ack.status !== 200) throw new Error(`bench: verify: ${COMMAND} for ${userId} answered ${ack.status}`);
  const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId, 15_000);
  const viewId = opened.result?.view?.id;
  if (typeof viewId !== 'string') throw new Error(`bench: verify: views.open refused for ${userId}: ${String(opened.result?.error)}`);
  const update = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, 15_000);
  const view = update.args.view as Record<string, any>;
  if (!view.submit) throw new Error(`bench: verify: no confirmation for ${userId}: ${describe(view)}`);
  return { viewId, view: { ...view, id: viewId }, shownAt: update.at };
}

/** The modal's last word after the click: the secret, or a failure. The number comes before it. */
function resultOf(h: Harness, viewId: string, after: number, timeoutMs = TIMEOUT_MS + 15_000): Promise<SlackCall> {
  return h.slack.waitForCall(
    'views.update',
    (c) => c.args.view_id === viewId && c.at >= after && (secretIn(c.args.view) !== undefined || isFailure(c.args.view)),
    timeoutMs,
  );
}

async function onePersonAtATime(ctx: VerifyBenchContext, eventsUrl: string, person: () => Person, failures: string[]): Promise<Record<string, any>> {
  const { h, dynamo } = ctx;
  const okta = h.okta;
  const latency = ONE_AT_A_TIME_LATENCY;
  const runs = ctx.quick ? 4 : 16;
  ctx.setLatency(latency);
  ctx.log(`bench: verify, one person at a time, +${latency} ms, ${runs} pushes approved 0.5–6.5 s after they arrive…`);
  const clickToPush: number[] = [];
  const clickAnswer: number[] = [];
  const approvedToSecret: number[] = [];
  const approvedToSeen: number[] = [];
  const seenToSecret: number[] = [];
  const windows: TimedCall[][] = [];
  let numberInAnswer = 0;
  for (let i = 0; i < runs; i++) {
    okta.approvePushesAfter(Math.round(THINK_MS.from + ((i + 0.5) * THINK_MS.span) / runs));
    const p = person();
    const confirmation = await confirm(h, eventsUrl, p.id);
    // Nobody clicks before the confirmation is on screen.
    await sleep(confirmation.shownAt + latency + 2 - Date.now());
    const clickedAt = Date.now();
    const answer = await ctx.h.submit(p.id, confirmation.view, { url: eventsUrl });
    const failed = answeredFailure(answer);
    if (failed) {
      failures.push(`verify ${p.id}: ${describe(failed)}`);
      continue;
    }
    const shown = await resultOf(h, confirmation.viewId, clickedAt);
    const push = okta.pushes().find((x) => x.userId === p.oktaId);
    const sent = okta.calls.find((c) => c.operation === 'VerifyFactor' && c.params.userId === p.oktaId);
    const seen = push?.answeredAt !== undefined ? okta.calls.find((c) => c.operation === 'GetFactorTransaction' && c.params.pushId === push.id && c.at >= push.answeredAt!) : undefined;
    if (!push || !sent || !seen || secretIn(shown.args.view) === undefined) {
      failures.push(`verify ${p.id}: ${secretIn(shown.args.view) === undefined ? describe(shown.args.view) : 'no push or no poll seen'}`);
      continue;
    }
    clickToPush.push(sent.at - clickedAt);
    clickAnswer.push(answer.ms);
    if ((answer.json?.view?.blocks as any[] | undefined)?.some((b) => b.block_id === 'challenge')) numberInAnswer += 1;
    approvedToSecret.push(shown.at - push.answeredAt!);
    approvedToSeen.push(seen.at - push.answeredAt!);
    seenToSecret.push(shown.at - seen.at);
    // The work after the secret (the outcome record, the DM) stays out of the next run's window.
    await h.slack.waitForCall('chat.postMessage', (c) => c.args.channel === `D${p.id}` && c.at >= clickedAt, 15_000);
    await sleep(latency + 20);
    windows.push(callsBetween(h, dynamo, clickedAt, sent.at, latency));
  }
  ctx.setLatency(0);
  return {
    latencyMs: latency,
    runs,
    thinkMs: { min: THINK_MS.from, max: THINK_MS.from + THINK_MS.span },
    clickToPush: summarize(clickToPush),
    clickToPushPath: pathShape(windows, latency),
    clickAnswer: summarize(clickAnswer),
    numberInAnswer,
    approvedToSecret: summarize(approvedToSecret),
    approvedToSeen: summarize(approvedToSeen),
    seenToSecret: summarize(seenToSecret),
  };
}

/** 200 people click Reset at once and wait on their phones; then all approve at once. */
async function crowd(
  ctx: VerifyBenchContext,
  app: { eventsUrl: string; appPid: number },
  person: () => Person,
  failures: string[],
): Promise<{ figures: Record<string, any>; bursts: { clicks: BurstRequest; commands: BurstRequest } }> {
  const { h, log } = ctx;
  const okta = h.okta;
  const peakMb = () => (memoryOf(app.appPid)?.peakRss ?? Number.NaN) / MB;
  okta.approvePushesAfter(undefined);
  log(`bench: verify, ${CROWD} confirmations…`);
  const people = Array.from({ length: CROWD }, person);
  const confirmations: Confirmation[] = [];
  for (let i = 0; i < people.length; i += 20) confirmations.push(...(await Promise.all(people.slice(i, i + 20).map((p) => confirm(h, app.eventsUrl, p.id)))));
  const before = memoryOf(app.appPid);

  log(`bench: verify, ${CROWD} Reset clicks at once, every push left waiting…`);
  const clicks: BurstRequest = {
    url: app.eventsUrl,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM,
    commands: [],
    forms: people.map((p, i) => new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload({ userId: p.id, teamId: TEAM, view: confirmations[i]!.view })) }).toString()),
  };
  const clickedAt = Date.now();
  const clickAcks = await burst(ctx.loadgen, clicks);
  const crowdIds = new Set(people.map((p) => p.oktaId));
  const waiting = async () => {
    for (const end = Date.now() + 30_000; Date.now() < end; await sleep(50)) {
      const pushes = okta.pushes().filter((p) => crowdIds.has(p.userId));
      if (pushes.length === CROWD) return pushes;
    }
    throw new Error(`bench: verify: ${okta.pushes().filter((p) => crowdIds.has(p.userId)).length} of ${CROWD} pushes sent within 30 s`);
  };
  const pushes = await waiting();
  const lastPushAt = Math.max(...okta.calls.filter((c) => c.operation === 'VerifyFactor' && crowdIds.has(String(c.params.userId))).map((c) => c.at));
  // The number, in the click's answer unless its hold ran out first (then by views.update).
  const numberByUpdate = confirmations.filter((c) => h.slack.calls.some((x) => x.method === 'views.update' && x.args.view_id === c.viewId && x.at >= clickedAt && x.args.view?.blocks?.[0]?.block_id === 'challenge')).length;
  // Everyone waits for more than one interval, checked as the budget allows.
  await sleep(POLL_MS + 2_000);
  const stillWaiting = pushes.filter((p) => p.result === 'WAITING').length;
  const whileWaiting = memoryOf(app.appPid);

  log(`bench: verify, ${CROWD} slash commands at once while ${stillWaiting} pushes wait…`);
  const withWaiting = await commandBurst(ctx, app.eventsUrl, person);
  failures.push(...withWaiting.unconfirmed.map((x) => `verify crowd, a command while they wait: ${x}`));
  const afterCommands = peakMb();

  log(`bench: verify, all ${CROWD} approve at once…`);
  for (const p of pushes) okta.answerPush(p.id, { approve: true, pick: p.correctAnswer });
  const shown = await Promise.all(confirmations.map((c) => resultOf(h, c.viewId, clickedAt).catch(() => undefined)));
  const approvedToSecret: number[] = [];
  shown.forEach((call, i) => {
    const push = pushes.find((p) => p.userId === people[i]!.oktaId)!;
    if (call && secretIn(call.args.view) !== undefined && push.answeredAt !== undefined) approvedToSecret.push(call.at - push.answeredAt);
    else failures.push(`verify crowd ${people[i]!.id}: ${call ? describe(call.args.view) : 'no result in the modal'}`);
  });
  const atEnd = memoryOf(app.appPid);
  // The checks of the crowd's pushes, from the first to the last: the budget's pace over the whole wait.
  const pushIds = new Set(pushes.map((p) => p.id));
  const checks = okta.calls.filter((c) => c.operation === 'GetFactorTransaction' && pushIds.has(String(c.params.pushId))).map((c) => c.at);
  const checksPerSecond = Math.round(((checks.length - 1) / ((Math.max(...checks) - Math.min(...checks)) / 1000)) * 10) / 10;
  log(`bench: verify, ${CROWD} slash commands at once with nobody waiting, for comparison…`);
  const nobodyWaiting = await commandBurst(ctx, app.eventsUrl, person);
  failures.push(...nobodyWaiting.unconfirmed.map((x) => `verify crowd, a command with nobody waiting: ${x}`));
  const acks = (burstAcks: BurstAck[], what: string) => {
    for (const a of burstAcks.filter((x) => x.status !== 200)) failures.push(`verify crowd ${what}: answered ${a.status}`);
    return summarize(burstAcks.map((a) => a.ms));
  };
  const figures = {
    people: CROWD,
    latencyMs: 0,
    clickAck: acks(clickAcks, 'Reset click'),
    clickToLastPushMs: lastPushAt - clickedAt,
    numberByUpdate,
    waitingAfterTheInterval: stillWaiting,
    checks: checks.length,
    checksPerSecond,
    commandAck: acks(withWaiting.acks, 'slash command'),
    commandsConfirmed: withWaiting.confirmed,
    commandAckNobodyWaiting: acks(nobodyWaiting.acks, 'slash command'),
    commandsConfirmedNobodyWaiting: nobodyWaiting.confirmed,
    memory: {
      measuredHow: 'the verify app process; /proc/<pid>/status VmHWM (peak resident) and VmRSS',
      peakBeforeClicksMb: before && before.peakRss / MB,
      peakWith200WaitingMb: whileWaiting && whileWaiting.peakRss / MB,
      rssWith200WaitingMb: whileWaiting && whileWaiting.rss / MB,
      peakAfterCommandsMb: afterCommands,
      peakAtEndMb: atEnd && atEnd.peakRss / MB,
    },
    approvedToSecret: summarize(approvedToSecret),
    secrets: approvedToSecret.length,
  };
  // The bare server answers the same bursts once the app is gone.
  return { figures, bursts: { clicks, commands: withWaiting.request } };
}

/** 200 slash commands at once, each followed to its confirmation; returns the acks and how many were shown. */
async function commandBurst(ctx: VerifyBenchContext, eventsUrl: string, person: () => Person): Promise<{ request: BurstRequest; acks: BurstAck[]; confirmed: number; unconfirmed: string[] }> {
  const { h } = ctx;
  const request: BurstRequest = {
    url: eventsUrl,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM,
    commands: Array.from({ length: CROWD }, () => ({ command: COMMAND, userId: person().id, triggerId: h.slack.newTriggerId() })),
  };
  const acks = await burst(ctx.loadgen, request);
  const confirmed = await Promise.all(
    request.commands.map(async ({ triggerId }) => {
      const opened = await h.slack.waitForCall('views.open', (c) => c.args.trigger_id === triggerId, 15_000).catch(() => undefined);
      const viewId = opened?.result?.view?.id;
      if (viewId === undefined) return opened ? `views.open refused: ${String(opened.result?.error)}` : 'no views.open (told busy?)';
      const shown = await h.slack.waitForCall('views.update', (c) => c.args.view_id === viewId, 15_000).catch(() => undefined);
      return shown?.args.view?.submit ? undefined : `no confirmation: ${shown ? describe(shown.args.view) : 'nothing shown'}`;
    }),
  );
  const unconfirmed = confirmed.filter((x): x is string => x !== undefined);
  return { request, acks, confirmed: CROWD - unconfirmed.length, unconfirmed };
}

function burst(loadgen: Worker, request: BurstRequest): Promise<BurstAck[]> {
  return new Promise((resolve) => {
    loadgen.once('message', resolve);
    loadgen.postMessage(request);
  });
}

/** The same burst, bodies and all, against a server that only answers 200: the floor for the acknowledgements. */
async function bareAcks(loadgen: Worker, request: BurstRequest): Promise<Summary> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const acks = await burst(loadgen, { ...request, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events` });
    return summarize(acks.map((a) => a.ms));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------- the table

export function verifyTable(r: Record<string, any>): string[] {
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const pair = (s: Summary) => `${f(s.p50)} / ${f(s.p99)}`;
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const one = r.onePerson;
  const c = r.crowd;
  const path = one.clickToPushPath as PathShape;
  const depth = path.dependent?.max ?? Number.NaN;
  const changeAndUpdate = one.seenToSecret.p99 as number;
  const out: string[] = [];
  out.push('', `Verify: pushes to the phone (issue 23; ${r.setup.RESET_POLICY}, VERIFY_WITH=${r.setup.VERIFY_WITH}, a check every ${r.setup.VERIFY_POLL_MS} ms per push, at most ${r.setup.checksPerSecond} a second)`);
  out.push(`  one person at a time, +${one.latencyMs} ms, ${one.runs} pushes approved ${f(one.thinkMs.min / 1000)}–${f(one.thinkMs.max / 1000)} s after they arrive (ms, p50 / p99 / max)`);
  out.push(`    click → push reaching Okta     ${pair(one.clickToPush)} / ${f(one.clickToPush.max)}: ${path.steps.map((s) => s.join(' ∥ ')).join(' → ')}`);
  out.push(`    the click's answer (the number) ${pair(one.clickAnswer)} / ${f(one.clickAnswer.max)}; the number in the answer itself in ${one.numberInAnswer} of ${one.clickAnswer.n}`);
  out.push(`    approved → secret at Slack      ${pair(one.approvedToSecret)} / ${f(one.approvedToSecret.max)}`);
  out.push(`      approved → the check that saw it ${pair(one.approvedToSeen)} / ${f(one.approvedToSeen.max)}; that check → secret (the change, the modal update) ${pair(one.seenToSecret)}`);
  out.push(`  ${c.people} Reset clicks at once, +0 ms, every push left waiting (ms, p50 / p99)`);
  out.push(`    the clicks' answers             ${pair(c.clickAck)}; bare node:http on the same burst ${pair(c.bareClickAck)} (× ${c.clickAckOverBare}); last push reached Okta ${f(c.clickToLastPushMs)} ms after the burst; ${c.numberByUpdate} numbers by views.update (the answer's hold ran out)`);
  out.push(`    ${c.people} slash commands meanwhile  ${pair(c.commandAck)}; bare ${pair(c.bareCommandAck)} (× ${c.commandAckOverBare}); ${c.commandsConfirmed} confirmations shown`);
  out.push(`      the same, nobody waiting      ${pair(c.commandAckNobodyWaiting)} (× ${c.commandAckNobodyWaitingOverBare}); ${c.commandsConfirmedNobodyWaiting} confirmations shown`);
  out.push(`    checks of their pushes          ${c.checks}, ${f(c.checksPerSecond)} a second from the first to the last; ${c.waitingAfterTheInterval} still waiting ${f((POLL_MS + 2000) / 1000)} s after the last push`);
  out.push(`    all approved at once → secret   ${pair(c.approvedToSecret)} / ${f(c.approvedToSecret.max)}; ${c.secrets} of ${c.people} got theirs`);
  const m = c.memory;
  out.push(`    app peak RSS                    before the clicks ${f(m.peakBeforeClicksMb)} MB; ${c.people} waiting ${f(m.peakWith200WaitingMb)} MB (resident ${f(m.rssWith200WaitingMb)} MB); with the commands ${f(m.peakAfterCommandsMb)} MB; at the end ${f(m.peakAtEndMb)} MB`);
  out.push('', 'Targets (issue 23)');
  out.push(`  click → push: the audit attempt, then the push (2 steps) .. ${depth}  ${mark(depth <= 2)}`);
  out.push(`  approved → secret p99 ≤ ${r.setup.VERIFY_POLL_MS} + ${f(changeAndUpdate)} (change, update) ... ${f(one.approvedToSecret.p99)} ms  ${mark(one.approvedToSecret.p99 <= Number(r.setup.VERIFY_POLL_MS) + changeAndUpdate)}`);
  out.push(`  peak RSS ≤ 100 MB with ${c.people} waiting ............. ${f(m.peakWith200WaitingMb)} MB  ${mark(m.peakWith200WaitingMb <= 100)} (at the end ${f(m.peakAtEndMb)} MB)`);
  out.push(`  ack p99 of the ${c.people} clicks ≤ 1.2 × bare .......... × ${c.clickAckOverBare}  ${mark(c.clickAckOverBare <= 1.2)}`);
  out.push(`  ack p99 of ${c.people} commands, ${c.people} waiting, ≤ 1.2 × bare × ${c.commandAckOverBare}  ${mark(c.commandAckOverBare <= 1.2)}`);
  out.push(`  every approved push got its secret .......... ${c.secrets} of ${c.people}  ${mark(c.secrets === c.people)}`);
  if (r.failures.length > 0) out.push('', `${r.failures.length} verify requests did not end as expected, e.g.:`, ...r.failures.slice(0, 5).map((x: string) => `  ${x}`));
  if (r.appErrors?.length > 0) out.push('', 'The verify app logged errors or wrote to stderr:', ...reportedFirst(r.appErrors).map((x: string) => `  ${x.slice(0, 200)}`));
  return out;
}
