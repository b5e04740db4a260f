/**
 * What the side panel may show: everything the stand-ins saw, minus the secrets. Two locks, as in
 * the app's own logging: fields that hold secrets by name or place (the modal's `secret` block,
 * passwords, PINs, sealed tickets, tokens), and then any PIN or password the simulators
 * handed out, wherever it turns up.
 */

export const MASK = '•••••• (masked)';

/** Field names that hold a secret, whichever directory's wire format they come from. */
const SECRET_KEY = /password|personalpin|^pin$|secret|token|authorization/i;
/** Sealed, not secret, but long and meaningless to a reader: say what it is instead. */
const SEALED_KEYS = new Set(['private_metadata']);

export function mask<T>(value: T, secrets: readonly string[]): T {
  const known = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return walk(value, known) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  // The block a reset modal shows the new secret in.
  if (source.block_id === 'secret' && typeof source.text === 'object' && source.text !== null) {
    return { ...walk({ ...source, text: undefined }, secrets) as object, text: { ...(source.text as object), text: '```' + MASK + '```' } };
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    if (v === undefined) continue;
    if (SECRET_KEY.test(key) && typeof v === 'string' && v !== '') out[key] = MASK;
    else if (SEALED_KEYS.has(key) && typeof v === 'string' && v !== '') out[key] = `[sealed ticket, ${v.length} characters]`;
    else out[key] = walk(v, secrets);
  }
  return out;
}

function maskString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}
