import type { CustomRoute } from '@slack/bolt';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PrometheusMetrics } from './prometheus-metrics';

/**
 * GET /metrics: the server's counters and timings, in Prometheus's text format. Counts by
 * credential, failure code and reason only: nothing about any person. It shares the port Slack
 * reaches, so with a token set a scrape must carry `Authorization: Bearer <token>`; how often
 * people reset, and what fails, is still nobody else's business.
 */
export function metricsRoute(metrics: PrometheusMetrics, token: string | undefined): CustomRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (req, res) => {
      // Bolt's router forgives case, a trailing slash and dot segments; a proxy's exact-path rule
      // would not, so neither do we (the request guard refuses them first on the HTTP receiver).
      if ((req.url ?? '').split(/[?#]/, 1)[0] !== '/metrics') {
        res.writeHead(404);
        res.end();
        return;
      }
      if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="latchkey-metrics"' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(metrics.render());
    },
  };
}

/**
 * Compared as digests, so neither the token's length nor its prefix shows in the timing. The scheme
 * is case-insensitive (RFC 6750 by way of RFC 9110: `bearer` and `BEARER` are `Bearer`).
 */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
