import { EmfMetrics } from '../../src/metrics/emf-metrics';
import { useHarness } from '../support/harness';
import { rawRequest } from '../support/raw-http';

/** What operators graph and alarm on: the server's /metrics over HTTP, and Lambda's EMF lines. */
describe('metrics', () => {
  const h = useHarness();
  const scrape = async () => (await fetch(`${h.url}/metrics`)).text();

  it('counts resets started and succeeded by credential, refusals by code, and times directory calls', async () => {
    await h.reset('/reset-pin', 'UANN');
    await h.open('/reset-pin', 'UGUEST');
    await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
    const text = await scrape();
    expect(text).toContain('latchkey_reset_started_total{credential="pin"} 1');
    expect(text).toContain('latchkey_reset_succeeded_total{credential="pin"} 1');
    expect(text).toContain('latchkey_request_refused_total{action="reset_pin",code="SLACK_USER_IS_GUEST"} 1');
    expect(text).toMatch(/latchkey_directory_call_milliseconds_count\{credential="pin",operation="findCandidates",outcome="ok"\} \d+/);
    expect(text).toMatch(/latchkey_directory_call_milliseconds_bucket\{credential="pin",le="\+Inf",operation="resetCredential",outcome="ok"\} 1/);
    // Each command's wait for a place to be worked (at most 100 at once): two commands here.
    expect(text).toMatch(/latchkey_work_queue_wait_milliseconds_count 2\b/);
  });

  it("orders label names without the locale's collation: its first use maps about 3 MB of ICU data into the process", async () => {
    const collation = jest.spyOn(String.prototype, 'localeCompare');
    try {
      await h.reset('/reset-pin', 'UANN');
      await h.waitForAudit('UANN', (r) => r.phase === 'outcome');
      await h.openHome('UANN');
      await h.openHome('UADA');
      expect(await scrape()).toContain('latchkey_reset_succeeded_total{credential="pin"}');
      expect(collation).not.toHaveBeenCalled();
    } finally {
      collation.mockRestore();
    }
  });

  it('a failed reset is counted with its code, and nothing names a person', async () => {
    await h.reset('/reset-pin', 'UBOB', { beforeSubmit: () => h.chime.failNext('ResetPersonalPIN', 'ServiceUnavailableException', 3) });
    const text = await scrape();
    expect(text).toContain('latchkey_reset_failed_total{code="DIRECTORY_UNAVAILABLE",credential="pin"} 1');
    expect(text).not.toMatch(/UANN|UBOB|@example\.com/);
  });
});

describe('metrics behind a token (METRICS_TOKEN)', () => {
  const token = 'scrape-token-0123456789abcdef';
  const h = useHarness({ env: { METRICS_TOKEN: token } });
  const scrape = (authorization?: string) => fetch(`${h.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('a scrape without the token, or with another, gets 401 and no figures', async () => {
    await h.reset('/reset-pin', 'UANN');
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef', `Bearer ${token}x`, `Basic ${token}`, token]) {
      const res = await scrape(authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.text()).toBe('');
    }
  });

  it('a scrape with the token gets the figures', async () => {
    const res = await scrape(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('latchkey_reset_succeeded_total{credential="pin"} 1');
  });

  it('the scheme is read in any case, as RFC 6750 allows', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      expect([scheme, (await scrape(`${scheme} ${token}`)).status]).toEqual([scheme, 200]);
    }
  });

  it('answers only at /metrics spelled exactly, so a proxy rule for that path covers every way in (issue 26 §2.2)', async () => {
    for (const target of ['/METRICS', '/metrics/', '/x/../metrics', '/Metrics']) {
      const res = await rawRequest(h.url, 'GET', target, { headers: { authorization: `Bearer ${token}` } });
      expect([target, res.status, res.body]).toEqual([target, 404, '']);
    }
    expect((await rawRequest(h.url, 'GET', '/metrics?x=1', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('Slack requests and the health check need no token', async () => {
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const opened = await h.open('/reset-pin', 'UBOB');
    expect(opened.viewId).toBeDefined();
  });
});

describe('Lambda metrics', () => {
  it('are CloudWatch EMF lines in the Latchkey namespace, written at once', () => {
    // Off for the rest of the tests (test/support/quiet-output.js), on here: what Lambda writes.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      new EmfMetrics().count('reset_failed', { credential: 'pin', code: 'DIRECTORY_THROTTLED' });
    } finally {
      process.stdout.write = write;
    }
    const line = JSON.parse(written.join('').trim()) as Record<string, any>;
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Latchkey', Metrics: [{ Name: 'reset_failed', Unit: 'Count' }] });
    expect(line).toMatchObject({ service: 'latchkey', credential: 'pin', code: 'DIRECTORY_THROTTLED', reset_failed: 1 });
    // The dimension set the stack's dashboard searches for (infra/lib/monitoring.ts).
    expect([...line._aws.CloudWatchMetrics[0].Dimensions[0]].sort()).toEqual(['code', 'credential', 'service']);
  });
});
