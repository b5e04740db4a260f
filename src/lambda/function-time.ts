import { awsClientSettings } from '../aws-client';
import type { Config } from '../config';
import { awsCallMs, type Credential } from '../credentials/credential';

/**
 * Each Slack call's bound on Lambda, its tries and waits together. The function has 30 s or more
 * (lambdaTimeoutS), and a click's work order makes its Slack calls after the change (the modal,
 * then the receipt's conversations.open and chat.postMessage; more for an approval): at the
 * server's 5 s an attempt and SLACK_API_RETRIES' default 2, one Slack never answers took about
 * 16.5 s, so two ran past the function's end. Slack answers within a second when well; at 4 s a
 * call, a fast failure (a 5xx, a dropped connection, a short Retry-After) is still tried again, and
 * a click's three Slack calls end within 12 s whatever Slack does. The server keeps the tries' own
 * bound, having no such end.
 */
export const LAMBDA_SLACK_CALL_MS = 4_000;

/** The function's timeout for a change of one AWS call, without the verify policy's wait for a push. */
const BASE_TIMEOUT_S = 30;

/**
 * The function's timeout (s) for the credentials it serves, without the verify policy's wait for a
 * push (the stack adds it). 30 s was set for a change of one AWS call: a work order's Slack calls
 * end 12 s before the function does (WORK_SLACK_RESERVE_MS: the outcome record and the settlement
 * after them), so 18 s in; the steps before the change have 7 s (a Finish click's claim, users.info,
 * lookup and audit attempt), then the change 7 s (awsCallMs: 2 s to connect, 5 s to answer) and
 * the modal's call 4 s, which a change is sent only while it still fits (ResetCredential's
 * OUT_OF_TIME). A credential whose change (each of its calls up to the secret, a locked account's
 * unlock first, and its follow-up: Credential.changeTime) needs more gets the function that much
 * longer, so the steps before its change keep their 7 s: Chime's one call 30 s; WorkMail's two (a
 * second password when its policy refuses the first) and Okta's password of a locked account (the
 * unlock, then the reset: 2 × 7 s at 5 s an attempt and 2 s of patience) 37 s; Entra's and Google's (a token and the password, then a token and the
 * sign-out: 4 × 7 s) 51 s. The longest of those served is the function's.
 */
export function lambdaTimeoutS(credentials: readonly Pick<Credential, 'changeTime'>[]): number {
  const aws = awsClientSettings();
  const planned = awsCallMs(aws) + LAMBDA_SLACK_CALL_MS;
  const needed = credentials.map((c) => {
    // A locked account's, the longest: its unlock first.
    const { secretMs, unlockMs = 0, followUpMs = 0 } = c.changeTime(aws);
    return secretMs + unlockMs + LAMBDA_SLACK_CALL_MS + followUpMs;
  });
  return BASE_TIMEOUT_S + Math.ceil(Math.max(0, ...needed.map((ms) => ms - planned)) / 1000);
}

/** The verify policy's wait for a push (s), when a credential served here is reset under it. */
export function verifyWaitS(config: Pick<Config, 'verify' | 'policies'>): number | undefined {
  return config.verify && [...config.policies.values()].includes('verify') ? config.verify.timeoutMs / 1000 : undefined;
}

/**
 * The function's timeout (s) as the stack sets it: what the longest change of the credentials
 * served needs (lambdaTimeoutS), and with the verify policy the worker's wait for the push besides
 * (its timeout, then the change). The receiver counts on it too (failedWorkMaxAgeMs).
 */
export function functionTimeoutS(config: Pick<Config, 'credentials' | 'verify' | 'policies'>): number {
  return lambdaTimeoutS(config.credentials.map(({ credential }) => credential)) + (verifyWaitS(config) ?? 0);
}

/**
 * The timeout is read as the time left when the first invocation begins, which Lambda shortens by
 * an init it ran inside that invocation (one that outran the init phase's own 10 s): a few seconds
 * short is read as such a start, not as a function set too short, so a slow cold start never pages.
 * The 12 s the worker's Slack calls leave (WORK_SLACK_RESERVE_MS) hold over 3 s to spare besides.
 */
const LATE_START_ALLOWANCE_S = 5;

/**
 * What a function whose timeout is `timeoutS` cannot do for this configuration, in words for the
 * alert at its start; undefined when it fits. The stack sets the timeout by functionTimeoutS,
 * so only a function changed by hand (VERIFY_TIMEOUT_SECONDS raised on it, its timeout lowered) or
 * deployed some other way falls short: Lambda would stop its worker while a push still waits, and a
 * change that no longer fits what is left of its invocation is refused (OUT_OF_TIME).
 */
export function timeoutShortfall(config: Pick<Config, 'credentials' | 'verify' | 'policies'>, timeoutS: number): string | undefined {
  const neededS = functionTimeoutS(config);
  if (timeoutS + LATE_START_ALLOWANCE_S >= neededS) return undefined;
  const waitS = verifyWaitS(config);
  if (waitS === undefined) {
    return (
      `the function's timeout is ${timeoutS} s, and a change of the credentials it serves needs ${neededS} s: one that does not fit what is left of its invocation is refused, nothing changed, and its person asked to try again. ` +
      `Deploy with the stack (npm run deploy), which gives the function the timeout it needs, or set its timeout to ${neededS} s.`
    );
  }
  const mostS = timeoutS - lambdaTimeoutS(config.credentials.map(({ credential }) => credential));
  return (
    `VERIFY_TIMEOUT_SECONDS: a push may wait ${waitS} s, so this function needs a timeout of ${neededS} s (the wait, then the change), and its timeout is ${timeoutS} s: ` +
    'Lambda would stop the worker while the push still waits, so one approved late would change nothing, and its person be told only that something went wrong. ' +
    `Set the wait with the stack (-c verifyTimeoutSeconds=${waitS}), which gives the function the timeout it needs${mostS >= 1 ? `, or set VERIFY_TIMEOUT_SECONDS to ${mostS} or less` : ''}.`
  );
}
