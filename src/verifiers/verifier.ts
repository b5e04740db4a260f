/**
 * What a verifier plug-in is: the `verify` policy's push to the person's phone, through one
 * provider (Okta Verify, Duo), in one folder under src/verifiers/ and one line in
 * src/verifiers/index.ts, the same shape as a credential's. VERIFY_WITH names the one in use.
 */
import type { AdapterContext, Credential, CredentialSettings, StandInModule } from '../credentials/credential';
import type { SetupCheck } from '../doctor/setup-check';
import type { Verifier } from '../flows/verification';

export interface VerifierWords {
  /** The app on the phone, as people know it: "Okta Verify", "Duo Mobile". */
  readonly app: string;
  /**
   * The provider, as people name the account they have there (not the app): "Duo", "Okta". Said to a
   * person it refuses: "Duo isn't letting you sign in right now (your Duo account may be locked …)".
   */
  readonly service: string;
  /**
   * How a person rejects their own push by mistake, to finish "If you … by mistake": "rejected it
   * or picked the wrong number" (a push may or may not show a number to match). Said when a push
   * is rejected, which may be a mis-tap.
   */
  readonly mistake: string;
  /**
   * Its own reasons for a VERIFY_* failure (a LatchkeyFailure's `reason` its adapter throws), by the
   * word written to the audit record's `reason`: each with its label, for the admin's lists (at most
   * 40 characters), where the code's label alone would say something else. The person is told in
   * the code's words. Only a reason declared here is recorded.
   */
  readonly reasons?: Readonly<Record<string, { readonly label: string }>>;
}

export interface VerifierPlugin<S = unknown> {
  /** Its VERIFY_WITH value; stable. */
  readonly id: string;
  readonly words: VerifierWords;
  /** How the audit log names it (`verifier`). */
  readonly audit: { readonly verifier: string };
  /**
   * The credential (by its ID in src/credentials/index.ts) that resets this verifier's factor for a
   * person with a new phone, or without the app any more: where its push cannot reach them (the
   * confirmation, an unanswered push, no factor set up), the words point to that credential's
   * command, and only where this deployment serves it. Absent: they point nowhere.
   */
  readonly resetBy?: string;
  /**
   * How long the provider lets a push wait on the phone before it lapses there by itself, in
   * seconds, when that is shorter than VERIFY_TIMEOUT_SECONDS may be set (300). Latchkey waits no
   * longer than this, and says this wait to the person; a setting above it is warned of (config).
   */
  readonly longestWaitSeconds?: number;
  /**
   * Its settings. A verifier that shares a directory's variables declares the very same Setting
   * objects (Okta Verify: OKTA_ORG_URL and OKTA_API_TOKEN, src/credentials/okta-api.ts), so one
   * variable is one setting and one secret, whoever else declares it.
   */
  readonly settings: CredentialSettings<S>;
  /** Its adapter, loaded on first use. */
  load(settings: S, context: AdapterContext): Promise<Verifier>;
  /**
   * Optional, read-only, as a credential's: proves this deployment's credentials and permissions
   * for the provider (`npm run doctor`, the Home tab's Setup check), one line per thing proved.
   */
  check?(settings: S, context: AdapterContext): Promise<readonly SetupCheck[]>;
  /**
   * Its stand-in speaking the provider's real wire protocol (sandbox, tests). Where a credential
   * in use declares the same Setting objects (Okta Verify and the Okta credentials: OKTA_*), that
   * credential's stand-in serves both: one set of variables, one stand-in.
   */
  readonly standIn: () => Promise<StandInModule>;
}

/**
 * Whether a verifier works on a credential's own settings: it declares that credential's settings
 * object, or reads the same variables with the same `read` (Okta Verify: Okta's org and token,
 * src/credentials/okta-api.ts). Its setup check then depends on that credential's: a token Okta
 * refuses fails Okta Verify too.
 */
export function sharesSettings(verifier: Pick<VerifierPlugin, 'settings'>, credential: Pick<Credential, 'settings'>): boolean {
  const [v, c] = [verifier.settings, credential.settings];
  return v === c || (v.variables === c.variables && v.read === c.read);
}
