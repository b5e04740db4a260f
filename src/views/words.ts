/**
 * How a credential, or the license feature, is named to a person. Each credential brings its own
 * (src/credentials/<name>/); the views only ever receive them.
 */
export interface SubjectWords {
  /** The slash command: "/reset-pin". */
  readonly command: string;
  /** A modal's title, at most 24 characters: "Reset meeting PIN". */
  readonly title: string;
  /** What it is about, in full: "Amazon Chime personal meeting PIN". */
  readonly what: string;
  /** Short: "PIN". */
  readonly short: string;
  /**
   * What a person asks for, as a noun for sentences and lists: "meeting PIN reset", "Okta account
   * unlock", "license change". A title ("Reset Okta password") is a command, and reads badly
   * where a sentence names the request ("can no longer finish their request (Okta password reset)").
   * The request's one name wherever a person reads it (its DMs, the admins' message and review, the
   * Home tab, the audit search), so at most 24 characters: capitalised, it titles the admin's review.
   */
  readonly request: string;
  /** The submit button, at most 24 characters: "Reset PIN". */
  readonly button: string;
  /**
   * The directory by its own name, as its admins know it (their review and lists, the audit
   * search, the doctor): "Amazon Chime", "Microsoft Entra ID".
   */
  readonly directory: string;
  /**
   * The directory as the person whose account it is knows it, where it is not `directory`: what
   * they read when it fails them ("Microsoft 365 is not answering right now"), never its admins'
   * name for it. Absent: `directory`, one name for every reader.
   */
  readonly service?: string;
  /** The person's account there, as they call it: "Amazon Chime account", "mailbox", "Okta account". */
  readonly account: string;
  /**
   * For a change that is not a reset (an unlock): the words the views use where they would say
   * "resetting", "resets" and "reset". Absent: a reset.
   */
  readonly change?: ChangeWords;
  /**
   * What to do next when the directory did not confirm the change (its outcome is unknown). Absent:
   * run the command again (for a change that shows a secret, for a new one). A change that shows no
   * secret and needs more than a run again (an approval) says what to expect and to ask IT instead.
   */
  readonly unconfirmedNext?: string;
  /**
   * What to do next when the person's account is suspended or disabled. Absent: ask IT to reactivate it, and for
   * a reset, that a new one ("a new PIN") would not work until then. A reset that makes nothing new
   * (an MFA reset) says what would not work instead.
   */
  readonly reactivateNext?: string;
  /**
   * A change made in steps (Okta's unlock, then its reset): what to say when it stopped partway, so
   * "nothing was changed" or "cannot tell whether it was reset" would be wrong: a step before the
   * change was not confirmed (the change itself never sent), or the change failed after a step was
   * made. By the key (snake_case) the adapter gives its failure as its `reason`, whatever the failure's
   * code, and the audit record keeps.
   */
  readonly unconfirmedSteps?: Readonly<Record<string, UnconfirmedStepWords>>;
  /** Said when the person's own limit is used up; by default, that many resets an hour. */
  readonly limitReached?: string;
  /**
   * The directory's own reasons to refuse an account (DirectoryUser.refusal), by the key written
   * to the audit record as its `reason` (snake_case): what the person reads, and the few words an
   * admin's lists show.
   */
  readonly refusals?: Readonly<Record<string, RefusalWords>>;
}

/** Who reads a credential's words: the person whose account it is, or an admin (their views, the audit search). */
export type Reader = 'person' | 'admin';

/** The directory as `reader` names it: the person by its `service`, where the credential gives one. */
export function directoryFor(words: Pick<SubjectWords, 'directory' | 'service'>, reader: Reader): string {
  return reader === 'person' ? (words.service ?? words.directory) : words.directory;
}

/** A change that is not a reset, in words: "unlock", "unlocking", "unlocks", "unlocked". */
export interface ChangeWords {
  readonly verb: string;
  readonly doing: string;
  readonly plural: string;
  readonly done: string;
}

const RESET: ChangeWords = { verb: 'reset', doing: 'resetting', plural: 'resets', done: 'reset' };

/** The words for what a credential's command does: its own `change`, or a reset's. The one default. */
export function changeOf(words: Pick<SubjectWords, 'change'>): ChangeWords {
  return words.change ?? RESET;
}

/** "Resetting", "Unlocking": for the start of a sentence. */
export function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * How long something waits, as a person reads it: "a minute", "2 minutes", "45 seconds", "a minute
 * and 30 seconds". To the second: a wait set in seconds (VERIFY_TIMEOUT_SECONDS) is said as set.
 */
export function waitWords(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const of = (n: number, unit: string) => (n === 1 ? `a ${unit}` : `${n} ${unit}s`);
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return of(rest, 'second');
  return rest === 0 ? of(minutes, 'minute') : `${of(minutes, 'minute')} and ${of(rest, 'second')}`;
}

/**
 * A line or sentence that may begin with a credential's noun ("mail password reset", "meeting PIN
 * reset"): its first letter capitalised, after any markup it opens with ("*Mail password reset*").
 * The nouns stay lower case, as they read inside a sentence.
 */
export function lineStart(text: string): string {
  return text.replace(/^([*_~]*)(\p{Ll})/u, (_, markup: string, first: string) => `${markup}${first.toUpperCase()}`);
}

/** A step before the change whose outcome is unknown: what may have happened, and what to do next. */
export interface UnconfirmedStepWords {
  readonly headline: string;
  readonly next: string;
  /**
   * For the admins' line of an approved change that so failed, after "Approved by …, but": how the
   * change stands ("the unlock may or may not have been made, and the password was not reset").
   * Absent: the line says it as for the failure's code.
   */
  readonly applied?: string;
}

/** One of a directory's own refusals, in words: as failure-message.ts says the shared ones. */
export interface RefusalWords {
  /** What happened, in one line: "Your Microsoft 365 account is a guest account in this organization." */
  readonly headline: string;
  /** What to do next. */
  readonly next: string;
  /** For admins' counts and lists, a few words: "directory guest". */
  readonly label: string;
}

export interface CredentialWords extends Omit<SubjectWords, 'command'> {
  /** The confirmation's paragraph on what will happen (mrkdwn). */
  readonly consequences: string;
  /**
   * Said first on the confirmation when the look-up found the account locked out: what this change
   * does to the lock ("Your *Okta account* is locked out. This reset unlocks it too."). Absent, or
   * the account not locked: the confirmation says nothing of locks.
   */
  readonly lockedNote?: string;
  /**
   * What the change makes and shows its requester alone, after "your": "new PIN", "temporary
   * password". Absent: it makes none (an unlock, an MFA reset), and no word of a secret is said
   * of it (its DMs and its approver's review never mention a password).
   */
  readonly newSecret?: string;
  /** The title of the modal that shows the new secret, at most 24 characters: "Your new PIN". */
  readonly secretTitle: string;
  /** The line above the secret: "Your new Amazon Chime personal meeting PIN:". */
  readonly secretLead: string;
  /** How to use it. */
  readonly howToUse: string;
  /** The receipt DM's name for it: "Amazon Chime meeting PIN". */
  readonly receipt: string;
  /** The Home tab's button, among the others: "Reset my meeting PIN", "Unlock my Okta account" (Slack allows 75 characters). */
  readonly homeButton: string;
  /**
   * What Slack says of the slash command beside it as people type it (the manifest's
   * description): one short line, to the person, on what it does and what follows: "Unlock your
   * locked-out Okta account and keep your password". Without how it is approved: the manifest adds
   * the policy's note this deployment sets, inside a closing parenthesis of its own ("(an admin
   * approves; you choose a new one at your next sign-in)") or as one. Slack's manifest schema allows
   * 2000 characters. Absent: "<Verb> your <what>".
   */
  readonly commandDescription?: string;
}

export type LicenseWords = Omit<SubjectWords, 'command'>;

/** The words of a credential with its command: what the views of one reset receive. */
export type ResetWords = CredentialWords & { readonly command: string };

/** What the license views need of the directory that has licenses: its words and its licenses. */
export interface LicenseVocabulary {
  readonly words: SubjectWords;
  readonly kinds: readonly { readonly id: string; readonly description: string }[];
}
