import { failed, type SetupCheck } from './setup-check';

/** A host name DNS could not resolve, and Node's code for it (ENOTFOUND: no such name; EAI_AGAIN: no answer from DNS). */
export interface UnresolvedHost {
  readonly host: string;
  readonly code: string;
}

/**
 * The host name DNS could not resolve, when that is why a call failed: Node's getaddrinfo error
 * names it, wherever it is carried (an HTTP stack's own error, fetch's cause, the Slack Web API
 * client's `original`, our LatchkeyFailure's cause). A host name is never a secret: no path, query
 * or user is read.
 */
export function unresolvedHost(err: unknown): UnresolvedHost | undefined {
  let e = err as { syscall?: unknown; hostname?: unknown; code?: unknown; cause?: unknown; original?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    if (e.syscall === 'getaddrinfo' && typeof e.hostname === 'string' && typeof e.code === 'string') return { host: e.hostname, code: e.code };
    e = (e.cause ?? e.original) as typeof e;
  }
  return undefined;
}

/** A setup check's line for a host that could not be found: the network's and the address's problem, never the credentials'. */
export const ADDRESS_CHECK = 'network address';

/**
 * The line for a call that failed because DNS could not resolve its host: under ADDRESS_CHECK (the
 * credentials and permissions were never asked about), naming the host, what `where` it comes from
 * (a URL setting), and what to check next.
 */
export function unresolvedHostLine({ host, code }: UnresolvedHost, where: string, name = ADDRESS_CHECK): SetupCheck {
  const network = "this machine's DNS and network, and any proxy or firewall on the way";
  const detail =
    code === 'EAI_AGAIN'
      ? `DNS did not answer for ${host} (EAI_AGAIN), so nothing was asked of it: check ${network}; then the host in ${where}`
      : `DNS has no address for ${host} (${code}), so nothing was asked of it: check the host in ${where} (a typo?); if it is right, check ${network}`;
  return {
    ...failed(name, detail),
    unresolved: { host, code },
  };
}

/**
 * The settings of a plug-in that hold a host an admin typed: those it needs to be on (they have an
 * example) named as a URL or a host name (OKTA_ORG_URL, DUO_API_HOSTNAME). A host DNS cannot find
 * is most often a typo there.
 */
export function addressSettings(variables: Readonly<Record<string, { readonly example?: string }>>): string[] {
  return Object.entries(variables)
    .filter(([name, setting]) => setting.example !== undefined && /_(URL|HOST|HOSTNAME)$/.test(name))
    .map(([name]) => name);
}
