import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../flows/failure';
import type { Logger } from '../flows/ports';
import { refuseBody, refuseContentType, type BodyRefusal } from './slack-request-body';

/** A request to the events path still unanswered by then was lost in an error: it gets a 500. */
export const UNANSWERED_MS = 4_000;

/**
 * Checks what Bolt takes on trust before it reads a request to /slack/events: the size, the
 * content type Slack always uses, and that an interactivity payload is a JSON object
 * (slack-request-body.ts). A refused request is a 4xx and a log line, never a crash.
 *
 * The path is read as Bolt routes it (`new URL(req.url, base).pathname`), so `/slack/events#x`,
 * an absolute-form `http://host/slack/events` and `/slack/x/../events` are all the events path
 * here too, and none reaches Bolt unchecked.
 *
 * And the last line of defence: an error thrown while handling a request answers 500 and is
 * logged, and a request to the events path that nothing answered within UNANSWERED_MS (its
 * handling failed somewhere out of reach, and the process logged the rejection) gets a 500 too.
 *
 * The buffered body is handed on as `rawBody`, which Bolt reuses instead of reading the stream.
 */
export function guardSlackRequests(
  receiver: Pick<HTTPReceiver, 'requestListener'>,
  options: { path: string; bodyLimit: number; logger: Logger; unansweredMs?: number },
): void {
  const next = receiver.requestListener;
  const { logger, unansweredMs = UNANSWERED_MS } = options;
  const refuse = (res: ServerResponse, { status, reason }: BodyRefusal | { status: 400; reason: string }) => {
    logger.warn({ status, reason }, 'request refused');
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
  const failed = (res: ServerResponse, err: unknown) => {
    logger.error({ err: describeError(err), alert: true }, 'request handling failed; answered 500');
    if (!res.headersSent) res.writeHead(500);
    res.end();
  };
  const guarded = (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req.url);
    if (path === undefined) return refuse(res, { status: 400, reason: 'request target is not a URL' });
    if ((req.method ?? '').toUpperCase() !== 'POST' || path !== options.path) return next(req, res);
    const watchdog = setTimeout(() => {
      if (!res.headersSent) failed(res, new Error(`no answer within ${unansweredMs} ms`));
    }, unansweredMs);
    res.once('close', () => clearTimeout(watchdog));
    const wrongType = refuseContentType(req.headers['content-type']);
    if (wrongType) {
      req.resume();
      return refuse(res, wrongType);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.bodyLimit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => refuse(res, { status: 400, reason: 'request stream failed' }));
    req.on('end', () => {
      try {
        if (tooLarge) return refuse(res, { status: 413, reason: `body over ${options.bodyLimit} bytes` });
        const rawBody = Buffer.concat(chunks);
        const refusal = refuseBody(rawBody.toString('utf8'), req.headers['content-type'], options.bodyLimit);
        if (refusal) return refuse(res, refusal);
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = rawBody;
        next(req, res);
      } catch (err) {
        failed(res, err);
      }
    });
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    try {
      guarded(req, res);
    } catch (err) {
      failed(res, err);
    }
  };
}

/** The path as Bolt routes on it, or undefined when the request target is not a URL at all. */
export function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}
