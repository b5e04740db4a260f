import type { RefusalWords } from '../../views/words';
import type { AdapterContext, Credential } from '../credential';
import { callBoundMs } from '../http-errors';
import { checkOkta, OKTA_DIRECTORY_POLICY, OKTA_SETTINGS, type OktaSettings } from '../okta-api';
import { OKTA_REFUSALS, OKTA_STEPS, type OktaAction } from './okta-actions';

export type { OktaSettings };

/** The stand-in Okta's credentials share with Okta Verify: the same Okta org. */
const standIn = () => import('../okta-stand-in');

/**
 * Who manages such an account, in one phrase wherever it is said (the password and the unlock):
 * Active Directory or LDAP, so never "Windows", which an LDAP directory rarely is.
 */
const MANAGED_ELSEWHERE = 'managed by your company directory (such as Active Directory)';

/** Every Okta credential may meet an account another system (Active Directory) manages. */
const MASTERED_ELSEWHERE: RefusalWords = {
  headline: `Your Okta account is ${MANAGED_ELSEWHERE}, so Latchkey cannot change it.`,
  next: 'Contact IT: they can unlock or reset it there.',
  label: 'managed by another directory',
};

/**
 * The password of an account Active Directory (or LDAP) holds: Okta checks it there, so it is
 * changed there, and the person's Okta password changes with it.
 */
const PASSWORD_MASTERED_ELSEWHERE: RefusalWords = {
  headline: `Your Okta password is ${MANAGED_ELSEWHERE}, so Latchkey cannot reset it.`,
  next: 'Reset it where you reset your company directory password, or contact IT: they reset it there, and Okta takes the new one.',
  label: 'managed by another directory',
};

/**
 * Okta: the sign-in password (/reset-okta-password). The person gets a temporary password, chooses
 * a new one at their next sign-in, and is signed out everywhere else; a locked account is unlocked.
 */
export const okta: Credential<OktaSettings> = {
  id: 'okta_password',
  command: '/reset-okta-password',
  words: {
    title: 'Reset Okta password',
    what: 'Okta password',
    short: 'Okta password',
    request: 'Okta password reset',
    button: 'Reset password',
    directory: 'Okta',
    account: 'Okta account',
    consequences:
      "Your *Okta password* will be replaced by a temporary one. You'll choose a new password when you next sign in, " +
      "and you'll be signed out of Okta everywhere else.",
    // The look-up knows whether it is locked: said only then, plainly (the reset unlocks it first).
    lockedNote: 'Your *Okta account* is locked out. This reset unlocks it too.',
    secretTitle: 'Your temporary password',
    secretLead: 'Your temporary Okta password:',
    howToUse: 'Sign in to Okta with it; Okta will ask you to choose a new password. Your other Okta sessions have been signed out.',
    receipt: 'Okta password',
    newSecret: 'temporary password',
    homeButton: 'Reset my Okta password',
    commandDescription: 'Reset your Okta password (you choose a new one at your next sign-in)',
    refusals: { [OKTA_REFUSALS.masteredElsewhere]: PASSWORD_MASTERED_ELSEWHERE },
    // A locked account is unlocked first; if Okta does not confirm that, the reset is never sent,
    // and if the reset fails after it, the account stays unlocked.
    unconfirmedSteps: {
      [OKTA_STEPS.unlock]: {
        headline: 'Okta did not confirm unlocking your Okta account, so Latchkey cannot tell whether it is unlocked. Your Okta password was not reset.',
        next: 'If you remember your password, try signing in with it. Otherwise run `/reset-okta-password` again in a few minutes; if it keeps failing, contact IT and quote the reference below.',
        applied: 'Okta did not confirm the unlock before the reset (the account may or may not be unlocked), and the password was not reset',
      },
      // The unlock was made, then the reset failed (Okta busy or refusing, or never reached): it stays unlocked.
      [OKTA_STEPS.unlockedNotReset]: {
        headline: 'Your Okta account is unlocked, but your Okta password was not reset: Okta did not make the reset.',
        next: 'If you remember your password, sign in with it now. Otherwise run `/reset-okta-password` again in a few minutes; if it keeps failing, contact IT and quote the reference below.',
        applied: 'the account was unlocked, and the password was not reset',
      },
    },
  },
  audit: { action: 'reset_okta_password', directory: 'okta' },
  // Under the `approval` policy, the approver sees Okta's account (Directory.reviewFacts).
  reviewFacts: true,
  // A locked-out person who remembers their password need not lose it.
  whenLocked: { offer: 'okta_unlock', button: 'Unlock only (keep my password)' },
  // Where VERIFY_WITH is set, the verify recommended is its default (flows/policy.ts, defaultPolicy):
  // a push to a phone the deployment already uses. Without one it stays self-service, as a default
  // of verify would switch a working deployment's command off on upgrade; the start and the doctor warn until RESET_POLICY names it.
  policy: {
    default: 'self-service',
    recommended: {
      policy: 'verify',
      why: 'the Okta password opens everything behind single sign-on, and self-service gives a temporary one to whoever holds the Slack session',
    },
  },
  settings: OKTA_SETTINGS,
  load: (s, context) => loadAdapter(s, context, 'password'),
  // The temporary password, one call (its revokeSessions=true signs the person out in the same call);
  // for an account the look-up found locked, its unlock first: one call more.
  changeTime: () => ({ secretMs: callBoundMs(OKTA_DIRECTORY_POLICY), unlockMs: callBoundMs(OKTA_DIRECTORY_POLICY) }),
  check: checkOkta,
  // Okta is reached over the internet with its own token: nothing to grant in AWS.
  grants: () => [],
  standIn,
};

/**
 * Okta: unlock a locked-out account (/unlock-okta), and nothing else. For the person who
 * remembers their password: it and their factors stay as they are.
 */
export const oktaUnlock: Credential<OktaSettings> = {
  id: 'okta_unlock',
  command: '/unlock-okta',
  words: {
    title: 'Unlock Okta account',
    what: 'Okta account',
    short: 'Okta account',
    request: 'Okta account unlock',
    change: { verb: 'unlock', doing: 'unlocking', plural: 'unlocks', done: 'unlocked' },
    button: 'Unlock',
    directory: 'Okta',
    account: 'Okta account',
    consequences: 'Your *Okta account* will be unlocked. Your password and your sign-in factors stay as they are.',
    secretTitle: 'Okta account unlocked',
    secretLead: 'Your Okta account is unlocked.',
    howToUse: 'Sign in with your current password.',
    receipt: 'Okta account',
    homeButton: 'Unlock my Okta account',
    commandDescription: 'Unlock your locked-out Okta account and keep your password',
    refusals: {
      [OKTA_REFUSALS.notLocked]: {
        headline: 'Your Okta account is not locked, so there is nothing to unlock.',
        next: "Sign in with your current password. If you've forgotten it, run `/reset-okta-password`.",
        label: 'not locked',
      },
      [OKTA_REFUSALS.masteredElsewhere]: MASTERED_ELSEWHERE,
    },
  },
  audit: { action: 'unlock_okta', directory: 'okta' },
  // Under the `approval` policy, the approver sees Okta's account (Directory.reviewFacts).
  reviewFacts: true,
  settings: OKTA_SETTINGS,
  load: (s, context) => loadAdapter(s, context, 'unlock'),
  changeTime: () => ({ secretMs: callBoundMs(OKTA_DIRECTORY_POLICY) }),
  check: checkOkta,
  grants: () => [],
  standIn,
};

/**
 * Okta: reset multifactor authentication (/reset-okta-mfa) for the person with a new phone. Every
 * enrolled factor is removed and they enrol again at their next sign-in. Whoever holds the Slack
 * session could otherwise enrol their own phone, so it is never self-service: an admin approves by
 * default, and the Okta Verify push cannot prove it (the person has just lost that phone).
 */
export const oktaMfa: Credential<OktaSettings> = {
  id: 'okta_mfa',
  command: '/reset-okta-mfa',
  words: {
    title: 'Reset Okta MFA',
    what: 'Okta MFA',
    short: 'Okta MFA',
    request: 'Okta MFA reset',
    button: 'Reset MFA',
    directory: 'Okta',
    account: 'Okta account',
    consequences:
      'Every sign-in factor enrolled on your *Okta account* (Okta Verify, authenticator apps, text messages, security keys) ' +
      'will be removed; your password stays as it is. The next time you sign in, Okta will ask you to set up Okta Verify again.\n' +
      '*Have ready:* your Okta password, and your new phone with *Okta Verify* installed from its app store.',
    secretTitle: 'Okta MFA reset',
    secretLead: 'Your Okta sign-in factors have been removed.',
    howToUse:
      'Sign in to Okta now with your password, your new phone at hand: Okta will ask you to set up Okta Verify on it. ' +
      'Until you do, apps that ask for Okta Verify will not let you in.',
    receipt: 'Okta MFA',
    homeButton: 'Reset my Okta MFA',
    commandDescription: 'New phone? Remove your Okta sign-in factors and enrol again',
    // No new secret to ask for again, and asking again needs another approval: say how to tell.
    unconfirmedNext:
      'Sign in to Okta: if it asks you to set up Okta Verify, the reset was made, so set it up on your new phone. ' +
      'If it still asks for your old factors, contact IT and quote the reference below.',
    // It makes no new secret: what waits on the account is enrolling again.
    reactivateNext: 'Ask IT to reactivate it; setting up Okta MFA again would not work until then.',
    refusals: { [OKTA_REFUSALS.masteredElsewhere]: MASTERED_ELSEWHERE },
  },
  audit: { action: 'reset_okta_mfa', directory: 'okta' },
  // An MFA reset is the phisher's favourite ("I lost my phone"): the approver sees Okta's account.
  reviewFacts: true,
  policy: { default: 'approval', refuse: ['self-service'], refuseVerifiers: ['okta'] },
  settings: OKTA_SETTINGS,
  load: (s, context) => loadAdapter(s, context, 'factors'),
  changeTime: () => ({ secretMs: callBoundMs(OKTA_DIRECTORY_POLICY) }),
  check: checkOkta,
  grants: () => [],
  standIn,
};

async function loadAdapter(s: OktaSettings, context: AdapterContext, action: OktaAction) {
  const { OktaDirectory } = await import('./okta-directory');
  return new OktaDirectory(context.fetch, s.orgUrl, s.apiToken, action);
}
