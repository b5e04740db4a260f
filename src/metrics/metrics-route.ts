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

/** Compared as digests, so neither the token's length nor its prefix shows in the timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}
