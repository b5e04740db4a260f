import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../flows/failure';
import type { Logger, Metrics } from '../flows/ports';
import { ErrorCode } from './bolt';
import { isSslCheck, readSlackBody, refuseContentType, type BodyRefusal } from './slack-request-body';
import { SIGNATURE_REFUSALS, signatureProblem } from './slack-signature';
import { RefusalLog, REFUSAL_WINDOW_MS } from './refusal-log';
import { SignatureWatch } from './signature-watch';

/** A request to the events path still unanswered by then was lost (a slow client, or an error): see guardSlackRequests. */
export const UNANSWERED_MS = 4_000;

/** What the server's stop asks of the guard. */
export interface RequestGuard {
  /** Writes the refusals counted and not yet written (refusal-log.ts): at shutdown, so none is lost. */
  flushRefusals(): void;
}

/** A route served besides the events path (/healthz, /metrics), as Bolt's customRoutes declare it. */
export interface ServedRoute {
  readonly path: string;
  readonly method: string | readonly string[];
}

/**
 * The one entrance to the HTTP server, in front of Bolt's receiver.
 *
 * What we serve is the events path (POST) and the custom routes at their exact path and methods.
 * Anything else is a quiet 404 or 405 and a debug line: internet scanners (`/robots.txt`,
 * `/wp-login.php`) and probes (`HEAD /healthz`, `/%`, `//slack/events`) reach neither Bolt (whose
 * "no route" error would become a 500) nor the on-call. A custom route answers only at its path
 * spelled exactly: `/METRICS`, `/metrics/` and `/x/../metrics` are not `/metrics`, so a proxy's
 * exact-path rule covers it.
 *
 * For the events path, it checks what Bolt takes on trust before it reads a request: the size,
 * the content type Slack always uses, and that the body reads as Slack's (slack-request-body.ts:
 * an interactivity payload must be a JSON object). The path is read as Bolt routes it (`new URL(req.url, base).pathname`),
 * so `/slack/events#x`, an absolute-form `http://host/slack/events` and `/slack/x/../events` are
 * all the events path here too, and none reaches Bolt unchecked. Then it checks Slack's signature
 * (slack-signature.ts): an unsigned or stale request is a quiet 401 here, and Bolt's receiver, which
 * is built with its own check switched off, never sees one. Its reason says which (no signature, a
 * timestamp off our clock, a signature of another secret), each is counted (`request_refused`,
 * action `slack_request`), and Slack's own requests refused again and again are one `warn` with
 * what to check (signature-watch.ts). What anyone can send (a 401, a 413, a 415, the 408 of a body
 * not sent in time) is logged as its first of each reason in 10 s and then one line with how many
 * more (refusal-log.ts); a signed request refused is still a line each. A request that passed is
 * offered first to `answerOnArrival`; otherwise the buffered body is handed on as `rawBody`, which
 * Bolt reuses instead of reading the stream.
 *
 * `alert: true` is for our own faults after Slack's signature was accepted: an error while handling
 * such a request, or no answer to it within UNANSWERED_MS, is a 500 and an alert. An outsider can
 * cause neither: a body still arriving at UNANSWERED_MS is a slow client (408, info, folded as a
 * 401 is), and an unsigned request is a 401.
 */
export function guardSlackRequests(
  receiver: Pick<HTTPReceiver, 'requestListener'>,
  options: {
    path: string;
    bodyLimit: number;
    logger: Logger;
    /** Slack's signing secret: every request to the events path must carry its signature. */
    signingSecret: string;
    /** Counts each 401 by why (request_refused); nothing else is counted here. */
    metrics?: Metrics;
    routes?: readonly ServedRoute[];
    unansweredMs?: number;
    /** How long the refusals of a reason after its first are folded into one line (REFUSAL_WINDOW_MS). */
    refusalWindowMs?: number;
    /**
     * Offered every request that passed the checks, before Bolt's receiver: true when it answered
     * the request itself (GuardedApp.answerOnArrival).
     */
    answerOnArrival?: (body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) => boolean;
  },
): RequestGuard {
  const next = receiver.requestListener;
  const { logger, metrics, routes = [], unansweredMs = UNANSWERED_MS } = options;
  const watch = new SignatureWatch(logger);
  // A sender chooses the content type it sends: its 415s are one kind, whatever they name.
  const refusals = new RefusalLog(
    logger,
    {
      unsigned: { status: 401, reason: SIGNATURE_REFUSALS.unsigned.reason },
      stale: { status: 401, reason: SIGNATURE_REFUSALS.stale.reason },
      mismatch: { status: 401, reason: SIGNATURE_REFUSALS.mismatch.reason },
      contentType: { status: 415, reason: 'content type not one Slack sends' },
      tooLarge: { status: 413, reason: `body over ${options.bodyLimit} bytes` },
      stream: { status: 400, reason: 'request stream failed' },
      // A client holding its body back (slowly, or never) is as much anyone's to send, and as cheap to send by the thousand.
      slow: { status: 408, reason: `body not received within ${unansweredMs} ms` },
    },
    options.refusalWindowMs ?? REFUSAL_WINDOW_MS,
  );
  const answer = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
    if (!res.headersSent) res.writeHead(status, headers);
    res.end();
  };
  /** A request we do not serve: the sender's business, not the on-call's. */
  const notServed = (req: IncomingMessage, res: ServerResponse, status: 400 | 404 | 405, reason: string, headers?: Record<string, string>) => {
    logger.debug({ status, method: req.method, reason }, 'request not served');
    answer(res, status, headers);
  };
  /** A signed request refused: Slack's or a replay of one, never a flood of an outsider's, so a line each. */
  const refuse = (res: ServerResponse, { status, reason }: BodyRefusal) => {
    logger.info({ status, reason }, 'request refused');
    answer(res, status);
  };
  const refuseUnsigned = (res: ServerResponse, kind: Parameters<typeof refusals.refused>[0], status: number, reason?: string) => {
    refusals.refused(kind, reason);
    answer(res, status);
  };
  const failed = (res: ServerResponse, err: unknown, signed: boolean) => {
    if (signed) logger.error({ err: describeError(err), alert: true }, 'request handling failed; answered 500');
    else logger.warn({ err: describeError(err) }, 'request handling failed before its signature was checked; answered 500');
    answer(res, 500);
  };
  const events = (req: IncomingMessage, res: ServerResponse) => {
    let bodyRead = false;
    let signed = false;
    const watchdog = setTimeout(() => {
      if (res.headersSent) return;
      if (!bodyRead) {
        // The client is still sending: its problem, not ours.
        refusals.refused('slow');
        answer(res, 408, { connection: 'close' });
        req.destroy();
      } else failed(res, new Error(`no answer within ${unansweredMs} ms`), signed);
    }, unansweredMs);
    // 'close' comes once; `once` would wrap the listener in two more objects for every request.
    res.on('close', () => clearTimeout(watchdog));
    const wrongType = refuseContentType(req.headers['content-type']);
    if (wrongType) {
      req.resume();
      return refuseUnsigned(res, 'contentType', wrongType.status, wrongType.reason);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.bodyLimit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => refuseUnsigned(res, 'stream', 400));
    req.on('end', () => {
      bodyRead = true;
      try {
        if (tooLarge) return refuseUnsigned(res, 'tooLarge', 413);
        // One chunk, as a command's body almost always is, is read as it is; the bytes are copied
        // only for Bolt's receiver, which keeps them (below).
        const body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
        if (isSslCheck(body, req.headers['content-type'])) {
          logger.debug({ status: 200 }, "Slack's certificate check answered");
          return answer(res, 200);
        }
        const signature = { body, signature: header(req, 'x-slack-signature'), timestamp: header(req, 'x-slack-request-timestamp') };
        const problem = signatureProblem(options.signingSecret, signature);
        if (problem) {
          const refusal = SIGNATURE_REFUSALS[problem];
          metrics?.count('request_refused', refusal.labels);
          watch.failed(problem, signature.signature !== undefined && signature.timestamp !== undefined);
          return refuseUnsigned(res, problem, 401);
        }
        watch.passed();
        signed = true;
        const read = readSlackBody(body, req.headers['content-type'], options.bodyLimit);
        if (!read.ok) return refuse(res, read.refusal);
        if (options.answerOnArrival?.(read.body, req, res)) return;
        (req as BodyHandedOn).rawBody = Buffer.concat(chunks);
        next(req, res);
      } catch (err) {
        failed(res, err, signed);
      } finally {
        // The request lives as long as its work (a push can wait a minute): its listeners, and so
        // the socket's chunks, with it. The body is read by now, and handed on as rawBody.
        chunks.length = 0;
      }
    });
  };
  const guarded = (req: IncomingMessage, res: ServerResponse) => {
    // Spelled exactly, the events path is what Bolt would route it as: every command skips the URL parser.
    const path = req.url === options.path ? options.path : pathOf(req.url);
    if (path === undefined) return notServed(req, res, 400, 'request target is not a URL');
    const method = (req.method ?? '').toUpperCase();
    if (path === options.path) {
      if (method === 'POST') return events(req, res);
      return notServed(req, res, 405, 'method not served', { allow: 'POST' });
    }
    const route = routes.find((r) => r.path === exactPathOf(req.url));
    if (!route) return notServed(req, res, 404, 'path not served');
    const methods = typeof route.method === 'string' ? [route.method] : route.method;
    if (!methods.some((m) => m.toUpperCase() === method)) return notServed(req, res, 405, 'method not served', { allow: methods.join(', ') });
    next(req, res);
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    try {
      guarded(req, res);
    } catch (err) {
      // Bolt's "no route", should a path get past the checks above: still not ours to alert on.
      if ((err as { code?: string }).code === ErrorCode.HTTPReceiverDeferredRequestError) return notServed(req, res, 404, 'no route');
      failed(res, err, false);
    }
  };
  return { flushRefusals: () => refusals.flush() };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The path as Bolt routes on it, or undefined when the request target is not a URL at all. */
export function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/** The request target's path exactly as sent: no dot segments resolved, no case or slash forgiven. */
export function exactPathOf(target: string | undefined): string {
  return (target ?? '').split(/[?#]/, 1)[0]!;
}

type BodyHandedOn = IncomingMessage & { rawBody?: Buffer };

/**
 * For Bolt's receiver's customPropertiesExtractor, which it calls once it has parsed the body the
 * guard handed on as `rawBody`, and before the listeners run: nothing reads the bytes again, but
 * the request is held until its listener ends (a push waits up to a minute), and with it the
 * body, which as a small Buffer keeps a whole 8 KB pool slab alive.
 */
export function bodyParsed(req: IncomingMessage): void {
  delete (req as BodyHandedOn).rawBody;
}
