/**
 * What a credential plug-in is: everything one directory needs, in one folder under
 * src/credentials/, listed once in src/credentials/index.ts. The rest of Latchkey (config, handlers,
 * views, the audit schema, the CDK stack, the sandbox, the test harness) reads these entries and
 * never names a directory.
 */
import type { StandardRetryStrategy } from '@smithy/core/retry';
import type { z } from 'zod';
import type { PolicyDeclaration } from '../flows/policy';
import type { ChangeTime, Clock, Directory, LicenseDirectory, Logger } from '../flows/ports';
import type { SetupCheck } from '../doctor/setup-check';
import type { HttpFetch } from '../http/fetch';
import type { CredentialWords, LicenseWords } from '../views/words';
import type { StandIn } from './stand-in';

/**
 * A placeholder in .env.example, `<${what}${note}>`, in its two parts, so that a problem about one
 * left in place says "put <what> there<note>" without reading the words: `what` names the value
 * ("your Slack workspace ID"); `note`, when there is one, follows it with its own opening
 * (", such as T0123ABCD", ": m- and 32 hex digits", " (40 characters)").
 */
export interface EnvPlaceholder {
  readonly what: string;
  readonly note?: string;
}

/** One environment variable a credential reads. */
export interface Setting {
  /** Checks and converts the raw value; runs inside src/config.ts's one schema. */
  readonly schema: z.ZodType;
  /** Its CDK context key (`cdk deploy -c key=…`). A secret has none. */
  readonly context?: string;
  /**
   * A secret: on Lambda the stack creates a Secrets Manager secret for it and the function reads
   * it at cold start from `<NAME>_ARN`; it never appears in a template or CDK context.
   */
  readonly secret?: {
    readonly description: string;
    /**
     * A made-up value of the secret's shape, never a real one: the stack checks the settings with
     * the app's own schema at synth, when the real secret is not known. A secret with a shape (a
     * JSON key) is checked as far as it can be without it.
     */
    readonly placeholder: string;
  };
  /**
   * What .env.example holds for it, `<what to put here>`, when a newcomer must fill it in. A value
   * still equal to it is reported by the variable's name as a placeholder left in place; any other
   * value, even one that looks like `<…>`, is checked as a value and never shown back.
   */
  readonly envPlaceholder?: EnvPlaceholder;
  /**
   * Its schema judges a value inside < and > itself (PASSWORD_SYMBOLS' says why they are no symbols). Any other
   * setting's value inside them is refused before its schema runs, as .env.example's `<…>` with the
   * brackets left around what was typed there.
   */
  readonly anglesAllowed?: true;
  /** For the README's configuration table: the default, and what it means. */
  readonly doc: { readonly default?: string; readonly meaning: string };
  /**
   * A valid made-up value (never a real account's): the stack tests synthesize every credential
   * of the registry with its examples, so each setting the credential needs to be on has one.
   */
  readonly example?: string;
}

export interface CredentialSettings<S> {
  readonly variables: Readonly<Record<string, Setting>>;
  /** The credential's settings from its parsed variables, or undefined when it is not configured. */
  read(values: Readonly<Record<string, unknown>>): S | undefined;
  /** Rules across its variables (one needs another), as `variable: message`. */
  problems?(values: Readonly<Record<string, unknown>>): readonly { variable: string; message: string }[];
}

/** The settings every AWS SDK client of the app is built with (spread them into the client's config). */
export interface AwsClientSettings {
  /**
   * A request that has not connected, or answered, by then will not: it fails with a TimeoutError
   * (`throwOnRequestTimeout`; the SDK would otherwise only warn and wait on). The handler's own
   * warnings go to `logger`, never to `console`.
   */
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    readonly throwOnRequestTimeout: true;
    readonly logger: AwsHandlerLogger;
    /** The options of the handler's agents (it adds keep-alive and its socket bound): an idle connection's end (aws-client.ts, AWS_IDLE_SOCKET_MS). */
    readonly httpAgent: { readonly timeout: number };
    readonly httpsAgent: { readonly timeout: number };
  };
  /**
   * The client's own logger: debug, warn and trace do nothing, and it has no info or error, the two
   * the SDK's logger middleware calls only when present (`logger?.info?.(…)`) with each call's input
   * and output formatted for them; its silent default has both, so every call paid for a copy
   * (aws-client.ts, SDK_CLIENT_LOGGER).
   */
  readonly logger: SdkClientLogger;
  /** Middleware stacks built once per command class. A call with send options (an abortSignal) empties the client's cache: such calls get a client of their own. */
  readonly cacheMiddleware: boolean;
  /** Only for a client that sends changes (AdapterContext.awsChanges): a call that may have reached the service is never sent again. Absent: the SDK's retries. */
  readonly retryStrategy?: StandardRetryStrategy;
}

/**
 * One AWS call's bound on these settings: a connection, then the answer. (A change client sends a
 * call that may have been carried out only once, and tries again what never carried it only while
 * the retry still ends within this bound: forChanges.)
 */
export function awsCallMs(aws: AwsClientSettings): number {
  return aws.requestHandler.connectionTimeout + aws.requestHandler.requestTimeout;
}

/**
 * A client's logger as the SDK takes it (@smithy/types Logger), though it has only the methods the
 * SDK calls unconditionally. `info` and `error` are absent on purpose (AwsClientSettings.logger):
 * typed `never`, so that the SDK's type accepts it and no code here can call them.
 */
export interface SdkClientLogger {
  trace(...content: unknown[]): void;
  debug(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  readonly info: never;
  readonly error: never;
}

/** What the SDK's HTTP handler logs through (its Logger shape). */
export interface AwsHandlerLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/** What the composition root hands a credential's adapter factory. */
export interface AdapterContext {
  /** For AWS SDK clients: `new XClient({ ...context.aws })`, plus the client's own settings (a region). */
  readonly aws: AwsClientSettings;
  /**
   * For the AWS client a plug-in sends its changes through (a reset, a license: the calls it maps
   * with `fromAwsError(…, { change: true })`), and only them: the same settings, but a change that
   * may have reached the service is never sent again by the SDK (aws-client.ts, forChanges). Its
   * lookups go through a client built with `aws`, which keeps the SDK's retries.
   */
  readonly awsChanges: AwsClientSettings;
  /** The app's HTTP stack (node:http, keep-alive), for directories spoken to over plain REST. */
  readonly fetch: HttpFetch;
  readonly logger: Logger;
  /** The app's clock, for what an adapter remembers for a while (Entra's domains): tests move it. */
  readonly clock: Clock;
  /**
   * How long a status call the service holds open until its answer changes (a long poll: Duo's
   * auth_status) is waited on before it is asked again; the adapter's own time unless given. Tests
   * shorten it, so a push left unanswered across several polls takes seconds, not a quarter-minute.
   */
  readonly longPollMs?: number;
}

/** An IAM statement the function's role needs for this credential. */
export interface Grant {
  readonly sid: string;
  readonly actions: readonly string[];
  /** '*' (then `whyAnyResource` says why, for cdk-nag), or an ARN in the stack's own account and region. */
  readonly resources: readonly ('*' | { readonly service: string; readonly resource: string; readonly resourceName: string })[];
  readonly whyAnyResource?: string;
}

/** A directory whose users hold licenses an admin can change (/request-license). */
export interface LicenseProvider<S> {
  readonly words: LicenseWords;
  /** The licenses, in the order the form offers them, each in one line a requester can choose by. */
  readonly kinds: readonly { readonly id: string; readonly description: string }[];
  /** Written as the audit records' `directory` for license steps. */
  readonly auditDirectory: string;
  load(settings: S, context: AdapterContext): Promise<LicenseDirectory>;
  /** What the role needs beyond the credential's own grants when license requests are on. */
  grants(settings: S): readonly Grant[];
}

/** A demo account of the sandbox: a person (by email) and their state in this directory. */
export interface StandInModule {
  /** Starts the stand-in with the sandbox's demo accounts, or with a test's own `users`. */
  start(options?: { users?: readonly unknown[] }): Promise<StandIn>;
}

export interface Credential<S = unknown> {
  /** Stable: the ticket's kind, the limit's key, the modal's callback ID. Never renamed. */
  readonly id: string;
  readonly command: `/${string}`;
  readonly words: CredentialWords;
  /** How the audit log names its resets and its directory. */
  readonly audit: { readonly action: string; readonly directory: string };
  /**
   * Its variables. A credential that acts on the same directory as an earlier one (an unlock
   * beside a password reset) reuses that one's settings object, and its `standIn`: the registry
   * then has one set of variables, one secret and one stand-in for both (SETTINGS_OWNERS), and a
   * variable declared by two different settings objects is a mistake.
   */
  readonly settings: CredentialSettings<S>;
  /** Its adapter, loaded on first use: an SDK nobody calls costs no start-up time or memory. */
  load(settings: S, context: AdapterContext): Promise<Directory>;
  /**
   * How long its change may take at worst, on the clients it is given (`aws`: an AWS call's bound
   * is awsCallMs; a REST call's, callBoundMs of its policy): the calls it makes one after another up
   * to its secret (a token, an unlock first, a retry), and those of its follow-up. A retry that
   * would not fit is not made (bearer-directory.ts). On Lambda a change is sent only while this
   * and the call showing its result still fit in the work order's time (OUT_OF_TIME otherwise),
   * and the stack gives the function what the longest needs (src/lambda/function-time.ts).
   */
  changeTime(aws: AwsClientSettings): ChangeTime;
  /** What the function's role must be granted for it. */
  grants(settings: S): readonly Grant[];
  /**
   * The AWS regions its service is offered in, for an AWS service that is not in every region: its
   * client calls the process's own region (the function's, on Lambda). A failed check in another
   * region says so (its cause, not the network), and the stack refuses a deploy to one.
   */
  readonly awsRegions?: readonly string[];
  /**
   * The date (YYYY-MM-DD) its service's support ends or ended, for one its vendor retires: where a
   * setup is offered a directory to set up, those with one come last, saying when, so a new
   * deployment is not steered to one README tells it to leave unset.
   */
  readonly supportEnds?: string;
  /**
   * Optional, read-only: proves that this deployment's credentials and permissions for the
   * directory work (`npm run doctor`, the Home tab's Setup check), one line per thing proved. It
   * must change nothing and name no secret; a failed line says what to do next.
   */
  check?(settings: S, context: AdapterContext): Promise<readonly SetupCheck[]>;
  readonly licenses?: LicenseProvider<S>;
  /**
   * What a person must do before it changes (RESET_POLICY overrides the default): absent,
   * self-service and nothing refused. A credential that must never be reset on the Slack session
   * alone refuses `self-service`; one a verifier cannot prove (it would push to the factor being
   * reset) names that verifier in `refuseVerifiers`.
   */
  readonly policy?: PolicyDeclaration;
  /**
   * Another credential's change the confirmation also offers, when the person's account is locked
   * (the password reset's "Unlock only (keep my password)"): its button swaps this confirmation for
   * that credential's, with every rule of that credential. Offered only where it is enabled.
   */
  readonly whenLocked?: { readonly offer: string; readonly button: string };
  /**
   * Its adapter answers Directory.reviewFacts: an admin reviewing a request of it (the `approval`
   * policy) sees what the directory knows of the account. Declared here, as the adapter loads on first use.
   */
  readonly reviewFacts?: true;
  /** Its stand-in speaking the directory's real wire protocol, with demo accounts (sandbox, tests). */
  standIn(): Promise<StandInModule>;
}
