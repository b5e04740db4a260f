import { CLOSE_UNREAD, isFailureCode, SENT_UNANSWERED, type FailureCode } from '../flows/failure';
import type { OpenRequest } from '../flows/reset-credential';
import { escapeMrkdwn, slackTime } from './blocks';
import { recordedCode } from './failure-labels';
import { capitalized, changeOf, directoryFor, waitWords, type Reader, type SubjectWords } from './words';

interface FailureMessage {
  /** What happened, in one line. */
  readonly headline: string;
  /** What to do next. */
  readonly next: string;
}

const OPERATOR_TOLD = 'An admin has been alerted. Nothing was changed.';

/**
 * Our setup found wrong before anything was done (SLACK_MISCONFIGURED), paged already: one sentence
 * wherever it is said, so the words cannot drift. `unchanged`: 'Nothing was marked.'…
 */
export function misconfigured(unchanged: string): string {
  return `Latchkey is misconfigured. An admin has been alerted. ${unchanged}`;
}

/**
 * Said when Slack refused the bot token before anything was done (SLACK_MISCONFIGURED's words):
 * its client's TokenWatch has paged for it, and no try again can help until the token is replaced.
 */
export function tokenRefusedText(): string {
  return misconfigured('Nothing was changed.');
}

/** A guest's request refused (SLACK_USER_IS_GUEST), `what`: "resets", "changes"… */
const guestRefused = (what: string) => `Guest accounts cannot use self-service ${what}.`;
const ASK_FOR_GUESTS = 'Ask your contact at the company or IT';

/**
 * What a guest refused as one (SLACK_USER_IS_GUEST) can do instead of asking again, which they
 * cannot: told to them, or, with `them` (their mention), of them to others.
 */
export function guestNext(words: SubjectWords, them?: string): string {
  const verb = changeOf(words).verb;
  return them ? `${them} can ask their contact at the company or IT to ${verb} it for them.` : `${ASK_FOR_GUESTS} to ${verb} it for you.`;
}

/**
 * Where a guest is offered nothing (their Home tab, `/reset`): why, in the words their request's
 * refusal uses (SLACK_USER_IS_GUEST). `what`: what is not offered ("resets or license changes").
 */
export function guestNotServed(what: string): string {
  return `${guestRefused(what)} ${ASK_FOR_GUESTS} instead.`;
}

/**
 * A guest named an admin (ADMIN_IS_GUEST), wherever an admin action refuses them: what happened, and
 * the two ways to put it right. Views add what their action left unchanged.
 */
export const GUEST_ADMIN = {
  headline: 'Slack says you are a guest in this workspace, and a guest is never a Latchkey admin, even one named as an admin.',
  next: 'Ask a Slack workspace admin to make you a full member, or ask whoever runs Latchkey to take you off its admins.',
} as const;

/**
 * The admin group cannot be read for Latchkey's own setup (ADMIN_GROUP_UNREADABLE), wherever an
 * admin action refuses someone for it: not Slack having a bad minute, so never "try again in a few
 * minutes"; its alert was raised where the group was read. Views add what their action left unchanged.
 */
export const ADMIN_GROUP_UNREADABLE = {
  headline: 'Latchkey cannot read its admin group, so it cannot tell whether you are an admin: its setup needs fixing.',
  next: 'An admin has been alerted. Try again once it is fixed.',
} as const;

/** ADMIN_GROUP_UNREADABLE in one line, with what did not change. */
export function adminGroupUnreadable(unchanged = 'Nothing was changed.'): string {
  return `${ADMIN_GROUP_UNREADABLE.headline} ${unchanged} ${ADMIN_GROUP_UNREADABLE.next}`;
}

/** GUEST_ADMIN in one line, with what did not change. */
export function guestAdminRefused(unchanged = 'Nothing was changed.'): string {
  return `${GUEST_ADMIN.headline} ${unchanged} ${GUEST_ADMIN.next}`;
}

/** The admins' lists of changes waiting for a new decision, named as their Home tab names them. */
export const ADMIN_LIST = { unfinished: 'list of changes that did not finish', failed: 'list of changes that failed' } as const;

/** To a requester whose change waits on one of those lists: where it is. */
export const onAdminsList = (list: keyof typeof ADMIN_LIST): string => `It is on the admins' ${ADMIN_LIST[list]}`;

/** To a person whose request still waits for a decision: how to take it back (Approvals.withdraw). */
export const TAKE_IT_BACK = "To take it back, use *Withdraw request* in Latchkey's direct message about it, or on your Home tab.";

/**
 * Every failure in words a person at 8 am can act on: what happened and what to do next.
 * No error codes, stack traces or AWS jargon; the reference lets IT find the audit record.
 * `reader`: an admin reading of someone's failure (the admins' message, their review) reads the
 * directory by its own name; its person, by theirs for it (SubjectWords' `service`).
 */
export function failureMessage(
  failure: {
    readonly code: FailureCode;
    readonly email?: string;
    /** For limits: when the person may try again. */
    readonly retryAt?: Date;
    /**
     * With DIRECTORY_USER_REFUSED or NOTHING_TO_CHANGE: the credential's own reason, a key of `words.refusals`;
     * with VERIFY_UNAVAILABLE, SENT_UNANSWERED when the push had been sent; with STORE_UNAVAILABLE,
     * CLOSE_UNREAD when it ended the wait for a push; with any other code, the
     * step of a change made in steps where it stopped, a key of `words.unconfirmedSteps`.
     */
    readonly reason?: string;
    /** The app the policy's push goes to ("Okta Verify"), for the `verify` policy's failures. */
    readonly verifierApp?: string;
    /** The provider, as people name their account there ("Duo"), for a person it refuses (VERIFY_USER_REFUSED). */
    readonly verifierService?: string;
    /**
     * How a person rejects that app's push by mistake ("rejected it or picked the wrong number"), its
     * plug-in's words, as the owner's direct message says them: for VERIFY_REJECTED's next step.
     */
    readonly verifierMistake?: string;
    /** The command that resets that app's factor, for a person with a new phone: pointed to where the push cannot reach them. */
    readonly lostFactorCommand?: string;
    /** How long the `verify` policy's push waits for its person (VERIFY_TIMEOUT_SECONDS), for VERIFY_TIMEOUT's next step. */
    readonly verifyWaitMs?: number;
    /** With REQUEST_OPEN: where the open request stands, when it was read. */
    readonly open?: Pick<OpenRequest, 'state' | 'until'>;
    /** With DIRECTORY_USER_REFUSED: several different people were refused alike of late (ResetFailure.widespread). */
    readonly widespread?: true;
  },
  words: SubjectWords,
  reader: Reader = 'person',
): FailureMessage {
  const dir = directoryFor(words, reader);
  const email = failure.email ? `*${escapeMrkdwn(failure.email)}*` : 'your Slack email';
  const again = `Run \`${words.command}\` again`;
  // A push's failure (VERIFY_*) carries its verifier's reason, never a key of the credential's: a
  // credential declaring the same word must not say a verifier's failure as its own.
  const credentials = failure.code.startsWith('VERIFY_') ? undefined : failure.reason;
  const own = credentials !== undefined ? words.refusals?.[credentials] : undefined;
  // A change made in steps stopped partway (a step unconfirmed, or the change failing after a step
  // was made): the credential says where, and what was and was not done, whatever the code.
  const step = credentials !== undefined ? words.unconfirmedSteps?.[credentials] : undefined;
  const after = failure.retryAt ? `after ${slackTime(failure.retryAt)}` : 'later';
  // The app's name where it is known ("the Okta Verify request"); else words that read as a
  // sentence without it ("the request to your sign-in app"), e.g. a record from a verifier no longer listed.
  const known = failure.verifierApp;
  const app = known ?? 'your sign-in app';
  const theRequest = known ? `the ${known} request` : 'the request to your sign-in app';
  const requests = known ? `${known} requests` : 'sign-in requests';
  // Who refuses a person is the provider ("Duo"), not its app on the phone ("Duo Mobile"); unknown
  // (a record from a verifier no longer listed): the sign-in app's words.
  const service = failure.verifierService;
  const change = changeOf(words);
  const reactivate = words.reactivateNext ?? (words.change ? 'Ask IT to reactivate it.' : `Ask IT to reactivate it; a new ${words.short} would not work until then.`);
  const lostFactor = known && failure.lostFactorCommand ? ` ${lostFactorLine(known, failure.lostFactorCommand)}` : '';
  // Said as it stands when read: approved, it is theirs to finish, never "waiting for an admin".
  const open = failure.open;
  // Its noun ("Okta MFA reset"), in sentences with no article before it ("a Okta MFA request" read badly).
  const asked = `${words.request} request`;
  const requestOpen: FailureMessage = !open
    ? { headline: `Your ${asked} is already waiting for an admin.`, next: 'You will get a direct message when it is decided; you can ask again after that.' }
    : {
        waiting: {
          headline: `Your ${asked} is already waiting for an admin.`,
          next: `You will get a direct message when it is decided; it expires at ${slackTime(open.until)} if nobody decides it. You can ask again after that. ${TAKE_IT_BACK}`,
        },
        approved: {
          headline: `An admin approved your ${asked}.`,
          next: `Finish it from the button in your direct message from Latchkey by ${slackTime(open.until)}; you can ask again after that.`,
        },
        finishing: { headline: `Your approved ${asked} is being finished now.`, next: 'Its result is shown where you finished it; you can ask again after that.' },
        // Its finish died midway: it never finishes by itself, and only an admin's new decision
        // moves it (the admins' Home tab lists it, with Review); either decision is sent to them.
        outcome_unknown: {
          headline: `Your approved ${asked} did not finish, so Latchkey cannot tell whether your ${words.short} was ${change.done}.`,
          next:
            `${onAdminsList('unfinished')} (ask one to look at it): an admin can approve it again, for you to finish it anew, ` +
            `or close it, and you will get a direct message either way. If nobody decides it by ${slackTime(open.until)}, you can ask again after that.`,
        },
        // A state these words cannot vouch for (one this version does not know): only that it holds their place, and until when.
        other: {
          headline: `Your ${asked} is already open, in a state this version of Latchkey cannot show.`,
          next: `You can ask again after ${slackTime(open.until)}; if you need it sooner, ask IT to check it with its reference.`,
        },
      }[open.state];
  const messages: Record<FailureCode, FailureMessage> = {
    SLACK_WRONG_WORKSPACE: {
      headline: 'Latchkey only serves members of its own Slack workspace.',
      next: `Ask IT in your home workspace to ${change.verb} it for you.`,
    },
    SLACK_USER_NOT_FOUND: {
      headline: 'Slack could not confirm who you are.',
      next: `${again} in a minute; if this keeps happening, contact IT.`,
    },
    SLACK_USER_DEACTIVATED: {
      headline: 'Your Slack account is deactivated, so Latchkey cannot act for it.',
      next: 'Contact IT.',
    },
    SLACK_USER_IS_BOT: { headline: `Bots and apps cannot use self-service ${change.plural}.`, next: 'A person must run the command.' },
    SLACK_USER_IS_GUEST: { headline: guestRefused(change.plural), next: guestNext(words) },
    SLACK_USER_NO_EMAIL: {
      headline: `Your Slack profile has no email Latchkey can see, so it cannot find your ${words.account}.`,
      next: 'Ask IT to check the email on your Slack profile.',
    },
    SLACK_EMAIL_UNCONFIRMED: {
      headline: `Slack has not confirmed the email address on your profile, so Latchkey cannot use it to find your ${words.account}. Nothing was changed.`,
      // Slack says this of some who joined through SSO, who have no such email: IT can set SLACK_EMAILS_VERIFIED_BY_SSO.
      next: `Confirm it in Slack (open the confirmation email Slack sent you), then run \`${words.command}\` again. If you sign in to Slack with your company's single sign-on, ask your IT team instead.`,
    },
    SLACK_UNAVAILABLE: {
      headline: 'Slack did not answer Latchkey just now. Nothing was changed.',
      next: `${again} in a few minutes.`,
    },
    SLACK_MISCONFIGURED: { headline: 'Latchkey is misconfigured.', next: OPERATOR_TOLD },
    DIRECTORY_USER_NOT_FOUND: {
      // What happened (no account there has the email as its primary one: an alias, which some directories
      // also find, never matches), not an account that was found without it. "Main email address": an
      // employee's words for a directory's primary email.
      headline: `Latchkey cannot find your ${words.account}: no ${words.account} has your Slack email${failure.email ? ` ${email}` : ''} as its main email address.`,
      next: `If yours has a different main email address, ask IT to make it the same as your Slack email; if you have no ${words.account}, ask IT to add you.`,
    },
    DIRECTORY_USER_AMBIGUOUS: {
      headline: `More than one ${words.account} has the email ${email}, so Latchkey won't guess which is yours.`,
      next: 'Ask IT to fix the duplicate.',
    },
    // Suspended or disabled, the next step is the same: IT must turn the account back on first.
    DIRECTORY_USER_SUSPENDED: { headline: `Your ${words.account} is suspended.`, next: reactivate },
    DIRECTORY_USER_DISABLED: { headline: `Your ${words.account} is disabled.`, next: reactivate },
    DIRECTORY_USER_NOT_A_PERSON: {
      headline: `${email} is a shared, resource or system account in ${dir}; those are never ${change.done} by self-service.`,
      next: 'Ask IT.',
    },
    DIRECTORY_USER_NOT_ACTIVATED: {
      headline: `Your ${words.account} is not activated yet, so there is nothing to ${change.verb}.`,
      next: `Finish activating it from the invitation ${dir} sent you, or ask IT to send a new one.`,
    },
    // The directory refused several different people alike of late: most likely our own setup (an app
    // that lost its role), of which an operator was alerted (WidespreadRefusals), not their account.
    DIRECTORY_USER_REFUSED: failure.widespread ? {
      headline: `${dir} is refusing Latchkey's ${change.plural} for several people, not only you: most likely a problem with Latchkey's setup, not with your account. Nothing was changed.`,
      next: `An admin has been alerted. ${again} later, or ask IT to ${change.verb} it for you.`,
    } : own ? { headline: own.headline, next: own.next } : {
      headline: `Your ${words.account} cannot be ${change.done} by self-service.`,
      next: 'Contact IT.',
    },
    NOTHING_TO_CHANGE: own ? { headline: own.headline, next: own.next } : {
      headline: `There is nothing to ${change.verb}: your ${words.account} is already as asked.`,
      next: 'Nothing more to do.',
    },
    DIRECTORY_USER_PRIVILEGED: {
      headline: `Your ${words.account} has an admin role; admin accounts are never ${change.done} by self-service.`,
      next: `Ask another admin, or IT, to ${change.verb} it.`,
    },
    DIRECTORY_THROTTLED: {
      headline: `${dir} is busy and asked Latchkey to slow down. Nothing was changed.`,
      next: `${again} in a few minutes.`,
    },
    DIRECTORY_UNAVAILABLE: {
      headline: `${dir} is not answering right now. Nothing was changed.`,
      next: `${again} in a few minutes; if it keeps failing, contact IT.`,
    },
    // Never "nothing was changed": the change was sent, and may have been made. "Did not confirm":
    // true of a change never answered and of one answered 500, 502 or 504 (failed midway).
    DIRECTORY_OUTCOME_UNKNOWN: {
      headline: `${dir} did not confirm the ${change.verb}, so Latchkey cannot tell whether your ${words.short} was ${change.done}.`,
      next: words.unconfirmedNext ?? (words.change
        ? `${again} in a few minutes; if it keeps failing, contact IT and quote the reference below.`
        : `Your old ${words.short} may no longer work. ${again} in a few minutes for a new one; if it keeps failing, contact IT and quote the reference below.`),
    },
    DIRECTORY_REJECTED: {
      headline: `${dir} refused the change.`,
      next: `${again} later; if it keeps happening, contact IT and quote the reference below.`,
    },
    DIRECTORY_MISCONFIGURED: { headline: 'Latchkey is misconfigured.', next: OPERATOR_TOLD },
    DIRECTORY_NOT_ENABLED: {
      headline: `${words.what} ${change.plural} are not enabled in this workspace.`,
      next: words.change ? 'Ask IT.' : 'Ask IT how to reset it.',
    },
    REQUEST_OPEN: requestOpen,
    LICENSE_REQUEST_OPEN: requestOpen,
    NOT_ADMIN: { headline: 'Only Latchkey admins can review requests.', next: 'Ask an admin to review it.' },
    ADMIN_IS_GUEST: { headline: `${GUEST_ADMIN.headline} Nothing was changed.`, next: GUEST_ADMIN.next },
    ADMIN_GROUP_UNREADABLE: { headline: `${ADMIN_GROUP_UNREADABLE.headline} Nothing was changed.`, next: ADMIN_GROUP_UNREADABLE.next },
    SELF_REVIEW: { headline: 'You cannot review your own request.', next: 'Another admin must decide it.' },
    REQUEST_NOT_FOUND: {
      headline: 'Latchkey cannot find that request.',
      next: `Ask the requester to send it again with \`${words.command}\`.`,
    },
    REQUEST_DECIDED: { headline: 'This request has already been decided.', next: 'Nothing more to do.' },
    REQUEST_WITHDRAWN: { headline: 'Its requester withdrew this request, so nothing was changed.', next: 'Nothing more to do.' },
    APPROVAL_REVOKED: { headline: 'An admin revoked the approval of this request, so nothing was changed.', next: `To ask again, run \`${words.command}\`; an admin must approve it again.` },
    FINISH_STARTED: { headline: 'Its requester had already started finishing it, so the revoke changed nothing.', next: 'Nothing more to do.' },
    // A push's wait ended on our own read (CLOSE_UNREAD): the person may have approved, and nothing came of it.
    STORE_UNAVAILABLE:
      failure.reason === CLOSE_UNREAD
        ? {
            headline: `Latchkey could not check its own records while it waited for ${theRequest}, so nothing was changed.`,
            next: `An admin has been alerted. If you approved it, approving changed nothing. ${again} in a few minutes.`,
          }
        : {
            headline: 'Latchkey could not save the request, so it changed nothing.',
            next: 'An admin has been alerted. Try again in a few minutes.',
          },
    // Never "changed nothing": the write was sent, and may have been made.
    STORE_OUTCOME_UNKNOWN: {
      headline: 'Latchkey could not tell whether its change was saved.',
      next: 'An admin has been alerted. Try again in a few minutes: it then says where it stands.',
    },
    RATE_LIMITED: {
      headline: words.limitReached ?? `You have started as many ${words.short} ${change.plural} as Latchkey allows in an hour.`,
      next: `You can try again ${after}. If you are locked out now, contact IT.`,
    },
    RESETS_PAUSED: {
      headline: `Latchkey has paused ${change.plural} for a moment: there were unusually many in the last minute. Nothing was changed.`,
      next: `Try again ${after}. IT has been alerted.`,
    },
    VERIFY_NO_FACTOR: {
      headline: `${capitalized(change.doing)} your ${words.short} needs a push to your phone, and you have no ${known ?? 'sign-in app'} set up to receive one. Nothing was changed.`,
      next: `Set up ${app} on your phone (IT can help you enrol), then run \`${words.command}\` again; or ask IT to ${change.verb} it for you.${lostFactor}`,
    },
    // The verifier refuses the person (their account there locked out or disabled): never "set up the
    // app", which they may have; nothing a new phone would fix, so no pointer to the factor's reset.
    VERIFY_USER_REFUSED: {
      headline: `${service ?? 'Your sign-in app'} isn't letting you sign in right now (your ${service ? `${service} account` : 'account there'} may be locked or disabled), so Latchkey can't send the push to your phone. Nothing was changed.`,
      next: `Ask IT to check your ${service ? `${service} account` : 'account in your sign-in app'}, then run \`${words.command}\` again; or ask IT to ${change.verb} it for you.`,
    },
    VERIFY_REJECTED: {
      headline: `${capitalized(theRequest)} was rejected on your phone, so nothing was changed.`,
      // A mis-tap (a wrong number picked) named as the verifier names it; where it is not known (a record
      // of a verifier no longer listed), said as a plain rejection.
      next:
        `If you ${failure.verifierMistake ?? 'rejected it'} by mistake, run \`${words.command}\` again and approve it. ` +
        "If it wasn't you, someone may be using your Slack account: contact IT now.",
    },
    VERIFY_TIMEOUT: {
      headline: `You didn't approve ${theRequest} in time, so nothing was changed.`,
      // The wait as configured; where it is not known (the policy since turned off), no length is promised.
      next: `${again} and approve the request on your phone ${failure.verifyWaitMs ? `within ${waitWords(failure.verifyWaitMs)}` : 'as soon as it arrives'}.${lostFactor}`,
    },
    VERIFY_CANCELLED: {
      headline: `You closed the window before approving, so ${theRequest} was cancelled and nothing was changed.`,
      next: `${again} if you still want to.`,
    },
    // Sent (SENT_UNANSWERED), it may be on the phone: approving it would change nothing.
    VERIFY_UNAVAILABLE:
      failure.reason === SENT_UNANSWERED
        ? {
            headline: `Latchkey sent ${theRequest} to your phone, but could not hear back from ${app}. Nothing was changed.`,
            next: `If ${theRequest} shows on your phone, do not approve it: it would change nothing. ${again} in a few minutes; if it keeps happening, contact IT.`,
          }
        : {
            headline: `Latchkey could not send ${known ? `the ${known} request to your phone` : 'the request to your sign-in app'} just now. Nothing was changed.`,
            next: `${again} in a few minutes; if it keeps failing, contact IT.`,
          },
    VERIFY_MISCONFIGURED: { headline: `Latchkey could not reach ${app}: it is misconfigured.`, next: OPERATOR_TOLD },
    // The push may be on the phone (it was sent), but its answer was not followed: approving it changes nothing.
    VERIFY_ANSWER_UNTRUSTED: {
      headline: `Latchkey sent ${theRequest}, but the answer it got back was not for your request, so it stopped there. Nothing was changed.`,
      next: `If ${theRequest} shows on your phone, do not approve it: it would change nothing. An admin has been alerted; try again later, or ask IT to ${change.verb} it for you.`,
    },
    PUSH_LIMITED: {
      headline: `Latchkey has sent as many ${requests} to your phone as it allows in an hour. Nothing was changed.`,
      next: `You can try again ${after}. If you are locked out now, contact IT.`,
    },
    REQUEST_EXPIRED: { headline: 'This confirmation has expired. Nothing was changed.', next: `${again}.` },
    REQUEST_INVALID: {
      headline: 'This confirmation is not valid for your account. Nothing was changed.',
      next: `${again}.`,
    },
    REQUEST_ALREADY_USED: {
      headline: 'This confirmation was already used, so nothing more was changed.',
      next: words.change
        ? `If you did not see whether it was ${words.change.done}, run \`${words.command}\` again.`
        : `If you did not see your new ${words.short}, run \`${words.command}\` again for another.`,
    },
    AUDIT_UNAVAILABLE: {
      headline: 'Latchkey could not write its audit record, so it changed nothing.',
      next: `An admin has been alerted. ${again} in a few minutes.`,
    },
    OUT_OF_TIME: {
      headline: `Latchkey was held up and had too little time left to ${change.verb} your ${words.short} and show you the result. Nothing was changed.`,
      next: `${again} in a minute.`,
    },
    INTERNAL: { headline: 'Something went wrong inside Latchkey.', next: OPERATOR_TOLD },
  };
  return (!own && step) || messages[failure.code];
}

/**
 * An admin's Revoke that found another admin's revoke not yet told, and could not save its taking of
 * the telling (STORE_UNAVAILABLE), as his own Home tab line says it: no request was being saved
 * (STORE_UNAVAILABLE's own words), and it told nobody; what to do next, as the answer to his click
 * said it (its admins' message keeps *Revoke approval* until someone tells them).
 */
export const FOLLOW_UPS_NOT_SAVED: FailureMessage = {
  headline: 'Latchkey could not save what your Revoke was doing, so it told nobody.',
  next: "Try again in a few minutes with *Revoke approval* in its admins' message.",
};

/**
 * Where the `verify` policy's push cannot reach a person (a new phone, the app gone): the command
 * that resets the app's factor, named by the verifier's plug-in and served here. One wording
 * wherever it is given; `first`, a button to press before it (the challenge window's, which ends
 * the wait for a push that will not come).
 */
export function lostFactorLine(app: string, command: string, first?: string): string {
  return `New phone, or no ${app} any more? ${first ? `*${first}*, then use` : 'Use'} \`${command}\`.`;
}

/**
 * A stored failure's headline (an audit record's, a pending request's): its words, or, for a code
 * a past version wrote and this one no longer lists, the code as written. `reader`: as failureMessage's.
 */
export function recordedFailureHeadline(
  failure: { readonly code: string; readonly reason?: string; readonly verifierApp?: string; readonly verifierService?: string },
  words: SubjectWords,
  reader: Reader = 'person',
): string {
  // Said of then, not now: the request that was open may have been decided since.
  if (failure.code === 'REQUEST_OPEN' || failure.code === 'LICENSE_REQUEST_OPEN') return `Another ${words.request} request of yours was open.`;
  return isFailureCode(failure.code) ? failureMessage({ ...failure, code: failure.code }, words, reader).headline : `Recorded as ${recordedCode(failure.code)}.`;
}
