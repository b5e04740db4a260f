import { failed, passed, type SetupCheck } from '../doctor/setup-check';
import { asFailure, type LatchkeyFailure } from '../flows/failure';

/** What a failed check tells the operator to do next: `fix` when the failure is ours to fix (our credentials, permissions or settings), else `otherwise`. */
export interface NextStep {
  readonly fix: string;
  /** By default: try again, then look at the network path to the directory. */
  readonly otherwise?: string;
}

/** A check's failed line: what happened, and what to do next. */
export function failedCall(name: string, failure: LatchkeyFailure, next: NextStep): SetupCheck {
  const step = failure.code === 'DIRECTORY_MISCONFIGURED' ? next.fix : (next.otherwise ?? 'try again; if it persists, check the network path to the directory');
  return failed(name, `${failure.detail ?? failure.code}: ${step}`);
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
