/**
 * The verifiers the `verify` policy can push with: the one list of them. VERIFY_WITH names one by
 * its ID. A verifier is its folder and its line here, as a credential is.
 */
import { duo } from './duo';
import { oktaVerify } from './okta';
import type { VerifierPlugin } from './verifier';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export const VERIFIERS: readonly VerifierPlugin<any>[] = [oktaVerify, duo];
