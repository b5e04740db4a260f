import { failedBy, passed, type SetupCheck } from '../doctor/setup-check';
import { unresolvedHost, unresolvedHostLine } from '../doctor/unresolved-host';
import { asFailure, type LatchkeyFailure } from '../flows/failure';

/** What a failed check tells the operator to do next: `fix` when the failure is ours to fix (our credentials, permissions or settings), else `otherwise`. */
export interface NextStep {
  readonly fix: string;
  /** By default: try again, then look at the network path to the directory. */
  readonly otherwise?: string;
  /** Where the host it calls is set, for a host DNS cannot find: by default "its URL setting". */
  readonly address?: string;
}

/**
 * A check's failed line: what happened, and what to do next. A host DNS cannot find (a mistyped
 * URL, no network) is said as such, under its own heading: the call never reached anyone who could
 * judge the credentials or permissions.
 */
export function failedCall(name: string, failure: LatchkeyFailure, next: NextStep): SetupCheck {
  const unresolved = unresolvedHost(failure.cause);
  if (unresolved) return unresolvedHostLine(unresolved, next.address ?? 'its URL setting');
  const step = failure.code === 'DIRECTORY_MISCONFIGURED' ? next.fix : (next.otherwise ?? 'try again; if it persists, check the network path to the directory');
  // A service's message often ends in a full stop ("Account … is not accessible."): not before the colon.
  return failedBy(name, `${(failure.detail ?? failure.code).replace(/\.$/, '')}: ${step}`, failure.code);
}

/**
 * A plug-in's check() by one read-only call the app itself makes (an AWS ListUsers, a directory
 * lookup): passed with what its answer proves, else failed with what to do next. `toFailure`
 * reads what the call throws (an AWS SDK error, for one); by default it is already ours.
 */
export async function callCheck(
  name: string,
  call: () => Promise<unknown>,
  what: NextStep & { readonly proves: string },
  toFailure: (err: unknown) => LatchkeyFailure = asFailure,
): Promise<SetupCheck[]> {
  try {
    await call();
    return [passed(name, what.proves)];
  } catch (err) {
    return [failedCall(name, toFailure(err), what)];
  }
}
