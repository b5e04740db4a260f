import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../flows/ports';
import { refuseBody, refuseContentType, type BodyRefusal } from './slack-request-body';

/**
 * Checks what Bolt takes on trust before it reads a request to /slack/events: the size, the
 * content type Slack always uses, and that an interactivity payload is a JSON object
 * (slack-request-body.ts). A refused request is a 4xx and a log line, never a crash.
 *
 * The buffered body is handed on as `rawBody`, which Bolt reuses instead of reading the stream.
 */
export function guardSlackRequests(receiver: HTTPReceiver, options: { path: string; bodyLimit: number; logger: Logger }): void {
  const next = receiver.requestListener;
  const refuse = (res: ServerResponse, { status, reason }: BodyRefusal) => {
    options.logger.warn({ status, reason }, 'request refused');
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== options.path) return next(req, res);
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
      if (tooLarge) return refuse(res, { status: 413, reason: `body over ${options.bodyLimit} bytes` });
      const rawBody = Buffer.concat(chunks);
      const refusal = refuseBody(rawBody.toString('utf8'), options.bodyLimit);
      if (refusal) return refuse(res, refusal);
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = rawBody;
      next(req, res);
    });
  };
}
