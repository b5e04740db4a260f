import { z } from 'zod';

/**
 * An HTTP request as Lambda delivers it: from a function URL or an API Gateway HTTP API
 * (payload format 2.0), or from an API Gateway REST API (format 1.0). Only what Latchkey reads.
 */
const headers = z.record(z.string(), z.string().optional()).nullish();
const formatV2 = z.object({
  version: z.literal('2.0'),
  rawPath: z.string(),
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
  headers,
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});
const formatV1 = z.object({
  httpMethod: z.string(),
  path: z.string(),
  headers,
  body: z.string().nullish(),
  isBase64Encoded: z.boolean().optional(),
});

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpAnswer {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/** The request, or undefined when the event is not an HTTP request at all. */
export function readHttpEvent(event: unknown): HttpRequest | undefined {
  const v2 = formatV2.safeParse(event);
  const v1 = v2.success ? undefined : formatV1.safeParse(event);
  const parsed = v2.success
    ? { ...v2.data, method: v2.data.requestContext.http.method, path: v2.data.rawPath }
    : v1?.success
      ? { ...v1.data, method: v1.data.httpMethod }
      : undefined;
  if (!parsed) return undefined;
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.headers ?? {})) if (value !== undefined) lowered[name.toLowerCase()] = value;
  const raw = parsed.body ?? '';
  return {
    method: parsed.method.toUpperCase(),
    path: parsed.path,
    headers: lowered,
    body: parsed.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
}
