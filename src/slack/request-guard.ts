import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import type { Logger } from '../flows/ports';

const FORM = 'application/x-www-form-urlencoded';

/**
 * Checks what Bolt takes on trust before it reads a request to /slack/events: the size, the
 * content type Slack always uses, and that an interactivity payload is a JSON object. Bolt
 * parses `payload=null` and then reads a property of null outside any try: an unhandled
 * rejection that stops the process. Here such a body is a 400 and a log line.
 *
 * The buffered body is handed on as `rawBody`, which Bolt reuses instead of reading the stream.
 */
export function guardSlackRequests(receiver: HTTPReceiver, options: { path: string; bodyLimit: number; logger: Logger }): void {
  const next = receiver.requestListener;
  const refuse = (res: ServerResponse, status: number, reason: string) => {
    options.logger.warn({ status, reason }, 'request refused');
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== options.path) return next(req, res);
    if (req.headers['content-type'] !== FORM) {
      req.resume();
      return refuse(res, 415, `content type ${req.headers['content-type'] ?? 'missing'}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.bodyLimit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => refuse(res, 400, 'request stream failed'));
    req.on('end', () => {
      if (tooLarge) return refuse(res, 413, `body over ${options.bodyLimit} bytes`);
      const rawBody = Buffer.concat(chunks);
      const payload = parse(rawBody.toString('utf8')).payload;
      if (payload !== undefined && !isJsonObject(payload)) return refuse(res, 400, 'payload is not a JSON object');
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = rawBody;
      next(req, res);
    });
  };
}

function isJsonObject(payload: string | string[]): boolean {
  if (typeof payload !== 'string') return false;
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
