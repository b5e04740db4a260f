/**
 * What one Okta credential changes: the password (a temporary one, unlocking first), the lock
 * alone, or the enrolled factors. One adapter (okta-directory.ts) does the three, so they share
 * its lookup, roles check and errors; this module is small so the registry can name them without
 * loading it.
 */
export type OktaAction = 'password' | 'unlock' | 'factors';

/** Okta's own reasons to refuse a user (the keys of the credentials' `words.refusals`). */
export const OKTA_REFUSALS = {
  /** An unlock for an account that is not locked: nothing to do, and nothing is called. */
  notLocked: 'not_locked',
  /** The user is mastered by another system (Active Directory, LDAP), which Okta leaves to it. */
  masteredElsewhere: 'mastered_elsewhere',
} as const;

/**
 * Where a password reset, made in steps, stopped (the keys of the credentials'
 * `words.unconfirmedSteps`): at the unlock it makes first, or after it.
 */
export const OKTA_STEPS = {
  /** The unlock before a password reset was sent but not confirmed: the reset itself was not sent. */
  unlock: 'unlock_unconfirmed',
  /** The unlock was confirmed, then the reset failed (not sent, or refused): unlocked, the password as it was. */
  unlockedNotReset: 'unlocked_not_reset',
} as const;
