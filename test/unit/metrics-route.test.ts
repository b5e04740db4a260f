import { metricsRoute } from '../../src/metrics/metrics-route';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics';

/** The route on its own, as Socket Mode's receiver serves it (no request guard in front). */
describe('the /metrics route', () => {
  const token = 'scrape-token-0123456789abcdef';
  const route = metricsRoute(new PrometheusMetrics(), token);
  const call = (url: string, authorization?: string) => {
    let status = 0;
    const res = { writeHead: (s: number) => ((status = s), res), end: () => res } as never;
    (route.handler as (req: unknown, res: unknown) => void)({ url, headers: { authorization } }, res);
    return status;
  };

  it('answers 404 to any other spelling of the path, whatever the router forgave', () => {
    for (const url of ['/METRICS', '/metrics/', '/x/../metrics']) expect([url, call(url, `Bearer ${token}`)]).toEqual([url, 404]);
    expect(call('/metrics', `Bearer ${token}`)).toBe(200);
  });

  it('reads the Bearer scheme in any case, and nothing else as the token', () => {
    expect(call('/metrics', `bearer ${token}`)).toBe(200);
    expect(call('/metrics', `BEARER ${token}`)).toBe(200);
    expect(call('/metrics', `Bearer ${token}x`)).toBe(401);
    expect(call('/metrics', `Basic ${token}`)).toBe(401);
    expect(call('/metrics', token)).toBe(401);
  });
});
