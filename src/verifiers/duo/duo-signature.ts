import { createHmac } from 'node:crypto';

/**
 * Duo's request signature (Auth API v2, "Authentication" in Duo's docs): HTTP Basic with the
 * integration key as the user and, as the password, the hex HMAC of the canonical request under
 * the secret key. The canonical request is five lines: the Date header (RFC 2822), the method in
 * upper case, the API hostname in lower case, the path, and the parameters sorted by name,
 * each name and value percent-encoded (RFC 3986: only A–Z a–z 0–9 - _ . ~ left as they are) and
 * joined as name=value with &. HMAC-SHA512 is current; HMAC-SHA1 is what older clients send.
 */
export function canonicalParams(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${encode(name)}=${encode(params[name]!)}`)
    .join('&');
}

export function canonicalRequest(r: { date: string; method: string; host: string; path: string; params: Readonly<Record<string, string>> }): string {
  return [r.date, r.method.toUpperCase(), r.host.toLowerCase(), r.path, canonicalParams(r.params)].join('\n');
}

export function sign(secretKey: string, canonical: string, algorithm: 'sha512' | 'sha1' = 'sha512'): string {
  return createHmac(algorithm, secretKey).update(canonical, 'utf8').digest('hex');
}

export function authorization(integrationKey: string, signature: string): string {
  return `Basic ${Buffer.from(`${integrationKey}:${signature}`).toString('base64')}`;
}

/** The Date header as Duo's clients write it (RFC 2822): "Tue, 21 Aug 2012 17:29:18 -0000". */
export function duoDate(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '-0000');
}

function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
