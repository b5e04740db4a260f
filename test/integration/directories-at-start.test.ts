import { Writable } from 'node:stream';
import { createLatchkey, type Latchkey } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { Harness } from '../support/harness';
import { until } from '../support/until';

/**
 * Walk s51 finding 4: `npm start` said "Latchkey is ready" with a wrong WorkMail organization, a
 * wrong Chime account and a token Okta refuses, and the first employee met "Latchkey is
 * misconfigured". The long-running server now runs each credential's read-only check (the
 * doctor's) once after its ready line, and says each failure on a warn line, never an alert.
 */
describe("each directory's read-only check, once after the long-running server's start", () => {
  let h: Harness;
  const started: Latchkey[] = [];
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await Promise.all(started.map((l) => l.stop()));
    await h?.stop();
  });

  /** Another instance on the same stand-ins, with these settings changed: its log lines, parsed. */
  async function start(env: Record<string, string>, checkDirectories: boolean): Promise<() => Record<string, any>[]> {
    return (await startInstance(env, checkDirectories)).logged;
  }
  async function startInstance(env: Record<string, string>, checkDirectories: boolean): Promise<{ latchkey: Latchkey; logged: () => Record<string, any>[] }> {
    const loaded = loadConfig({ ...h.env, DYNAMODB_CREATE_TABLES: 'false', ...env });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    // At debug: the checks' end line ("directory checks at start ended") is one.
    const latchkey = createLatchkey(loaded.config, { logger: createLogger('debug', sink) });
    started.push(latchkey);
    await latchkey.start({ checkDirectories });
    return { latchkey, logged: () => logs.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>) };
  }
  const WRONG = {
    WORKMAIL_ORGANIZATION_ID: `m-${'0123456789abcdef'.repeat(2)}`,
    CHIME_ACCOUNT_ID: '00000000-0000-4000-8000-000000000000',
    OKTA_API_TOKEN: 'not-the-okta-token-0123456789',
  };
  const checkLines = (lines: Record<string, any>[]) => lines.filter((l) => l.check !== undefined);

  it('a wrong WorkMail organization, Chime account and Okta token: after "Latchkey is ready", a warn line each naming the directory, what failed and `npm run doctor`; no alert, and no secret', async () => {
    const logged = await start(WRONG, true);
    await until('a warn line each for WorkMail, Chime and Okta', () => ['WorkMail', 'Chime', 'Okta'].every((d) => checkLines(logged()).some((l) => l.check.includes(d))));
    const lines = logged();
    const ready = lines.findIndex((l) => l.msg === 'Latchkey is ready');
    expect(ready).toBeGreaterThanOrEqual(0);
    const failures = checkLines(lines);
    expect(lines.indexOf(failures[0]!)).toBeGreaterThan(ready);
    for (const l of failures) {
      expect(l).toEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/failed its read-only check at start, so its resets will fail until it is fixed: .+ Run `npm run doctor` for every check$/) }));
      expect(l.alert).toBeUndefined();
      // Refused, not unanswered: said as a fault to fix.
      expect(l.unanswered).toBeUndefined();
    }
    expect(failures.find((l) => l.check.includes('WorkMail'))!.detail).toMatch(/WORKMAIL_ORGANIZATION_ID/);
    expect(failures.find((l) => l.check.includes('Chime'))!.detail).toMatch(/CHIME_ACCOUNT_ID/);
    expect(failures.find((l) => l.check.includes('Okta'))!.msg).toMatch(/^Okta: API token failed .*401: E0000011/);
    expect(JSON.stringify(lines)).not.toContain(WRONG.OKTA_API_TOKEN);
  });

  it("a directory that does not answer at start (Okta's 503s): its warn line says it did not answer and its resets may fail, never that they will fail until it is fixed; no alert", async () => {
    // Every call of the check's first read, its retries too, answered 503 (Okta's own error for it).
    h.okta.failNext('GetCurrentUser', { status: 503, errorCode: 'E0000009', summary: 'Internal Server Error' }, 50);
    try {
      const logged = await start({}, true);
      await until('the Okta line', () => checkLines(logged()).some((l) => l.check.includes('Okta')));
      const okta = checkLines(logged()).find((l) => l.check.includes('Okta'))!;
      expect(okta).toEqual(expect.objectContaining({ level: 'warn', unanswered: true, msg: expect.stringMatching(/^Okta: API token did not answer its read-only check at start, so its resets may fail until it answers again: .+ Run `npm run doctor` for every check$/) }));
      expect(okta.msg).not.toContain('until it is fixed');
      expect(okta.alert).toBeUndefined();
    } finally {
      h.okta.clear();
    }
  });

  it('a stop while the checks are still under way (a SIGTERM in their first seconds): no warn line about them, whatever answers after', async () => {
    // Okta's answers held until the stop has begun: its check, and so the start's lines, wait for it.
    const calls = h.okta.callsTo('GetCurrentUser').length;
    const release = h.okta.hold();
    let instance: Awaited<ReturnType<typeof startInstance>>;
    let stopped: Promise<void>;
    try {
      // WorkMail and Chime wrong, said only once every check has ended; Okta's token right, so its call is served (and held).
      instance = await startInstance({ ...WRONG, OKTA_API_TOKEN: h.env.OKTA_API_TOKEN! }, true);
      await until("Okta's check asked", () => h.okta.callsTo('GetCurrentUser').length > calls);
      stopped = instance.latchkey.stop();
    } finally {
      release();
    }
    await stopped;
    // Okta's answer now out, the checks end a moment later (their end line): before, WorkMail's and Chime's lines came ~140 ms after the stop.
    await until("the checks' end line", () => instance.logged().some((l) => l.msg === 'directory checks at start ended'));
    expect(instance.logged().filter((l) => l.msg === 'directory checks at start ended')).toEqual([expect.objectContaining({ stopped: true })]);
    expect(checkLines(instance.logged())).toEqual([]);
    expect(instance.logged().filter((l) => /read-only checks? at start/.test(String(l.msg)))).toEqual([]);
  });

  it('with every directory set up right, one info line saying they answered and no warn line; without checkDirectories (Lambda, the sandbox, tests) no check runs', async () => {
    const unasked = await start(WRONG, false);
    const right = await start({}, true);
    const passed = (lines: Record<string, any>[]) => lines.filter((l) => l.msg === "every directory's read-only check passed at start");
    await until('the line saying every check passed', () => passed(right()).length > 0);
    expect(passed(right())).toEqual([expect.objectContaining({ level: 'info', checked: expect.any(Number) })]);
    expect(checkLines(right())).toEqual([]);
    // The right setup's checks answered in this time; the wrong one's would have.
    expect(checkLines(unasked())).toEqual([]);
    expect(passed(unasked())).toEqual([]);
  });
});
