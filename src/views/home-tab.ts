import type { Button, HomeView, KnownBlock, ModalView } from '@slack/types';
import {
  APPROVED_WAITING_SHOWN,
  AWAITING_RETRY_SHOWN,
  HANDLED_NOTE_MAX_LENGTH,
  isReference,
  UNFINISHED_SHOWN,
  type Activity,
  type AdminParts,
  type Attention,
  type AttentionKind,
  type HandledResult,
  type HomeData,
  type Part,
  type TodayCounts,
} from '../flows/home-tab';
import type { Listed, OwnRequest } from '../flows/approvals/approvals';
import { UNKNOWN_STATUS, type PendingRequest } from '../flows/approvals/pending-request';
import { context, escapeMrkdwn, header, LIMITS, modal, plain, progressView, quoted, referenceWords, section, slackDate, slackTime } from './blocks';
import type { AdminRefusal } from '../flows/admin-answer';
import { adminCheckingModal, adminRefusedModal } from './admin-refused';
import { countedRefusals, failureLabel } from './failure-labels';
import { ADMIN_LIST, adminGroupUnreadable, failureMessage, FOLLOW_UPS_NOT_SAVED, GUEST_ADMIN, guestAdminRefused, guestNotServed, misconfigured, recordedFailureHeadline } from './failure-message';
import { REVIEW_ACTION_ID } from './approval-message';
import { withdrawButton } from './approval-withdraw';
import { revokeButton } from './approval-revoke';
import { approvalStatusLine, decisionOf } from './approval-status';
import { wordsOf, type ApprovalKindWords, type ApprovalWords } from './approval-words';
import { capitalized, directoryFor, lineStart, type LicenseVocabulary, type SubjectWords } from './words';

const HOME_RESET_ACTION_PREFIX = 'home_reset_';
export const HOME_LICENSE_ACTION_ID = 'home_request_license';
export const HOME_SEARCH_ACTION_ID = 'home_search';
export const HOME_SETUP_CHECK_ACTION_ID = 'home_setup_check';
/** "Mark handled" on an item of Needs attention: its value names the item (AttentionTarget). */
export const HOME_ATTENTION_HANDLED_ACTION_ID = 'home_attention_handled';
/** The modal "Mark handled" opens: the admin's note of what was done. */
export const ATTENTION_HANDLED_FORM = { callbackId: 'attention_handled', note: 'note' } as const;

/**
 * An item of Needs attention, as its button and the modal it opens carry it: to be checked against
 * the audit log, never trusted. Its person, time and count (of a person's group) are for the modal
 * to say what it is about; the record's person is the audit log's.
 */
export interface AttentionTarget {
  readonly kind: string;
  readonly reference: string;
  readonly person?: string;
  readonly at?: string;
  readonly count?: number;
}

/** The Home tab's button for a credential: its action ID names the credential. */
export function homeResetActionId(credentialId: string): string {
  return `${HOME_RESET_ACTION_PREFIX}${credentialId}`;
}

/** How the tab names what it lists: each credential's button and words, and the license feature's. */
export interface HomeWords {
  /** By credential ID. */
  readonly credentials: Readonly<Record<string, { readonly button: string; readonly words: SubjectWords }>>;
  /**
   * By audit action: what a record of it is called ("meeting PIN reset", "License change request"), and
   * (`named`) what a step of a request whose subject is known is, in its noun ("Okta password reset request").
   */
  readonly actions: Readonly<
    Record<
      string,
      {
        readonly name: string;
        readonly words: SubjectWords;
        readonly named?: (subject: SubjectWords) => string;
        readonly approved?: (own: boolean) => string;
        readonly applied?: (by?: string) => string;
        /** A revoke's action: what a line of it is called whose person only told of another admin's revoke (followsUpRevoke). */
        readonly followUp?: { readonly name: string; readonly named?: (subject: SubjectWords) => string };
      }
    >
  >;
  readonly license: { readonly button: string; readonly vocabulary: LicenseVocabulary };
  /** Every served kind of pending request's words, and the heading of the person's own requests. */
  readonly approvals: { readonly words: ApprovalWords; readonly ownHeading: string };
  /** By the verifier's audit name: its app as people know it ("Okta Verify"). */
  readonly verifiers: Readonly<Record<string, string>>;
  /** By the verifier's audit name: how a person rejects its push by mistake (VerifierWords.mistake). */
  readonly verifierMistakes?: Readonly<Record<string, string>>;
  /** By the verifier's audit name: the provider, as people name their account there (VerifierWords.service). */
  readonly verifierServices?: Readonly<Record<string, string>>;
  /** By the verifier's audit name: its own reasons' labels (VerifierWords.reasons), for the admin's lists. */
  readonly verifierReasons?: Readonly<Record<string, Readonly<Record<string, { readonly label: string }>>>>;
  /** How long the `verify` policy's push waits (VERIFY_TIMEOUT_SECONDS), when it is configured: a push not answered in time whose record kept no wait says it. */
  readonly verifyWaitMs?: number;
}

// "cannot be shown" reads for a plural heading ("Your license change requests") as for a singular one.
const UNAVAILABLE = (what: string) => context(`:warning: ${what} cannot be shown right now. Open this tab again in a few minutes; if it keeps happening, tell IT.`);

/**
 * The Home tab when it could not be drawn at all (a bug of ours, or a read that failed where no
 * part of the tab caught it): said, with what to do, instead of the last tab published standing as
 * if it were today's.
 */
export function homeUnavailableView(): HomeView {
  return {
    type: 'home',
    blocks: [
      header('Latchkey'),
      section(':warning: Latchkey could not show your Home tab just now. Open it again in a minute; your commands (`/reset`) still work. If it keeps happening, tell IT.'),
    ],
  };
}

/**
 * The Home tab, from plain data. Each section is bounded (ten entries, five requests…), so the
 * whole stays well inside Slack's 100 blocks; the buttons come first, and a part that could not be
 * read says so instead of failing the tab.
 */
export function homeView(data: HomeData, words: HomeWords): HomeView {
  const blocks: KnownBlock[] = [header('Latchkey')];
  if (data.guest) {
    // Each button would be refused (SLACK_USER_IS_GUEST): none is offered, and one line says why.
    const refused = [...(data.credentials.length > 0 ? ['resets'] : []), ...(data.licenses ? ['license changes'] : [])];
    blocks.push(section(guestNotServed(refused.join(' or ') || 'resets')));
  } else {
    blocks.push(section('Reset your own credentials here, any time. What Latchkey shows you, only you see; a new secret is shown once and never stored.'));
    const buttons: Button[] = data.credentials.flatMap((id) => {
      const credential = words.credentials[id];
      return credential ? [{ type: 'button', action_id: homeResetActionId(id), text: plain(credential.button), value: id }] : [];
    });
    if (data.licenses) buttons.push({ type: 'button', action_id: HOME_LICENSE_ACTION_ID, text: plain(words.license.button), value: 'license' });
    if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'home_actions', elements: buttons });
  }

  // A guest can ask for nothing: a list of theirs shows only when it holds something (their refused
  // asks; what they asked as a member, still theirs to withdraw), never "Nothing yet", "None." or a
  // list that could not be read.
  const shown = (part: Part<readonly unknown[]>) => !data.guest || (part.ok && part.value.length > 0);
  const own: KnownBlock[] = [];
  if (shown(data.activity)) own.push(header('Your recent activity'), ...activityBlocks(data.activity, words, data.guest));
  if (data.requests && shown(data.requests)) own.push(header(words.approvals.ownHeading), ...ownRequestBlocks(data.requests, words.approvals, data.guest));
  if (own.length > 0) blocks.push({ type: 'divider' }, ...own);
  if (data.admin) blocks.push({ type: 'divider' }, ...adminBlocks(data.admin, data.requester.userId, words));
  else if (data.guestAdmin) blocks.push({ type: 'divider' }, section(`:warning: ${GUEST_ADMIN.headline} ${GUEST_ADMIN.next}`));
  else if (data.adminGroupUnreadable) blocks.push({ type: 'divider' }, section(`:warning: ${adminGroupUnreadable('This tab shows no admin sections meanwhile.')}`));

  if (blocks.length > LIMITS.blocks) blocks.splice(LIMITS.blocks - 1, blocks.length, context('There is more than fits here.'));
  return { type: 'home', blocks };
}

function activityBlocks(activity: Part<readonly Activity[]>, words: HomeWords, guest?: true): KnownBlock[] {
  if (!activity.ok) return [UNAVAILABLE('Your activity')];
  if (activity.value.length === 0) return [context('Nothing yet: what you do with Latchkey will show here.')];
  return activity.value.map((a) => section(activityLine(a, words, guest)));
}

function activityLine(a: Activity, words: HomeWords, guest?: true): string {
  const { name, what, subject } = recordOf(a, words);
  // The person's own line never names them to themself ("License request (Pro → Plus) for <@ADA>").
  const about = a.subject && a.subject.userId !== a.actor.userId ? ` for <@${a.subject.userId}>` : '';
  const verifierApp = a.verifier ? words.verifiers[a.verifier] : undefined;
  const verifierMistake = a.verifier ? words.verifierMistakes?.[a.verifier] : undefined;
  const verifierService = a.verifier ? words.verifierServices?.[a.verifier] : undefined;
  // A push they did not answer in time, rejected, or withdrew by closing its window: that nothing was
  // changed and what to do next too, as they were told then (run it again, and approve it on the
  // phone; and, for a rejection that was not theirs, contact IT now).
  // The wait its record kept, as their push had it; a record from before it was kept, the one configured now.
  const verifyWaitMs = a.verifyWaitMs ?? words.verifyWaitMs;
  const pushEnded =
    (a.errorCode === 'VERIFY_TIMEOUT' || a.errorCode === 'VERIFY_REJECTED' || a.errorCode === 'VERIFY_CANCELLED') && subject
      ? failureMessage({ code: a.errorCode, verifierApp, ...(verifierMistake && { verifierMistake }), ...(verifyWaitMs && { verifyWaitMs }) }, subject)
      : undefined;
  // Their Revoke that could not save its telling of another admin's revoke: said of that, never "could not save the request".
  const headline = notSavedFollowUps(a)
    ? `${FOLLOW_UPS_NOT_SAVED.headline} ${FOLLOW_UPS_NOT_SAVED.next}`
    : pushEnded
      ? `${pushEnded.headline} ${pushEnded.next}`
      : a.errorCode && subject && recordedFailureHeadline({ code: a.errorCode, reason: a.reason, verifierApp, ...(verifierService && { verifierService }) }, subject);
  const why = headline ? ` ${headline}` : '';
  // Their click that did nothing, another having told them, says so as the audit search does.
  const lost = lostFollowUps(a);
  // The person's own line: an approval that waits for them says so to them.
  // A guest's approval, of a kind its requester finishes: never "yours to finish" (their Finish is refused), but where its line says why.
  const approved = words.actions[a.action]?.approved && (guest ? `:warning: Approved, but a guest account cannot finish it: see ${words.approvals.ownHeading}` : words.actions[a.action]!.approved!(true));
  const state = lost?.state ?? activityState(a, why, approved, { own: true, applied: words.actions[a.action]?.applied, ...(subject && { directory: directoryFor(subject, 'person') }) });
  // Whose revoke their click told of, or could not (saying it as the audit search does, to them).
  const followedUp = a.followUpsFailed ? followUpsFailed(a, a.followUpsFailed, { own: true }) : revokeFollowedUp(a, { own: true });
  // Their Finish shares its request's reference and has a line of its own: said to be that request's, never read as a second one.
  const finishing = a.finishesApproval ? ', finishing your approved request' : '';
  return `*${name}*${what}${about}${finishing} · ${state}\n${slackDate(new Date(a.at))} · Reference ${referenceWords(a.requestId)}${followedUp ? ` · ${followedUp}` : ''}`;
}

/**
 * Another admin's Revoke that lost the taking of a revoke's follow-ups to another click (the
 * requester's Finish, or a Revoke), which told them: on record as failed (APPROVAL_REVOKED), but
 * nothing failed and it did nothing. Its line, on its admin's Home tab as in the audit search, says
 * so (`state`), and whose revoke it was after its reference (`revoked`): never ":x: Failed" with
 * "approval revoked by an admin", nor "another click" beside whose revoke it was. It names neither
 * its admin nor its requester, whom the line names (or, on their own tab, does not) already.
 */
export function lostFollowUps(a: Activity): { readonly state: string; readonly revoked: string } | undefined {
  const failed = a.followUpsFailed;
  if (failed?.code !== 'APPROVAL_REVOKED' || a.subject === undefined || a.subject.userId === a.actor.userId) return undefined;
  return {
    state: ':heavy_minus_sign: Nothing done: another click had already told its requester and the admins',
    revoked: `Revoked by ${failed.revokedBy ? `<@${failed.revokedBy}>` : 'an admin'}`,
  };
}

/**
 * Another admin's Revoke, on a line of that click alone, that could not save its taking of a revoke's
 * follow-ups (STORE_UNAVAILABLE): no request was being saved, and it told nobody (FOLLOW_UPS_NOT_SAVED).
 */
function notSavedFollowUps(a: Activity): boolean {
  return a.followUpsFailed?.code === 'STORE_UNAVAILABLE' && a.errorCode === 'STORE_UNAVAILABLE' && a.subject !== undefined && a.subject.userId !== a.actor.userId;
}

/**
 * A click that could not do another admin's revoke's follow-ups: whose revoke it was, as a line of
 * follow-ups done says it (revokeFollowedUp), and whom it could not tell. The requester's Finish, on
 * the line of their request (when and how it failed); another admin's Revoke, on a line of that click
 * alone, whose state says how it failed, or that it did nothing (lostFollowUps). On the person's own
 * Home tab (`own`) their click is "you"/"your", as everywhere else there; the audit search's line
 * names them already, so its click is "this" one. The revoking admin is named once: not again when
 * the line's state names them.
 */
export function followUpsFailed(a: Activity, failed: NonNullable<Activity['followUpsFailed']>, { own = false } = {}): string {
  const lost = lostFollowUps(a);
  if (lost) return lost.revoked;
  const told =
    a.subject && a.subject.userId !== a.actor.userId
      ? `${own ? 'you' : 'this Revoke'} could not tell its requester and the admins`
      : `${own ? 'your' : 'this'} Finish could not tell the admins ${slackDate(new Date(failed.at))}: ${failureLabel(failed.code)}`;
  if (failed.revokedBy && statesRevoker(a, failed.revokedBy)) return capitalized(told);
  return `Revoked by ${failed.revokedBy ? `<@${failed.revokedBy}>` : 'an admin'}; ${told}`;
}

/**
 * A line of a revoke's follow-ups only: whose revoke it was, never read as the line's person's own
 * (the Home tab's and the audit search's lines say it alike). Its requester's Finish told the admins
 * (its answer told them); another admin's Revoke told both. The revoking admin's own follow-up is
 * their revoke, as the line says: nothing more. On the person's own Home tab (`own`) they are "you",
 * as everywhere else there; the audit search's line names them already ("by <@MAX>"), so its click
 * is "this" one, never a second mention (nor "their", which could be read as the revoker's).
 */
export function revokeFollowedUp(a: Activity, { own = false } = {}): string | undefined {
  if (!a.revokedBy || a.revokedBy === a.actor.userId) return undefined;
  const requester = a.subject === undefined || a.subject.userId === a.actor.userId;
  const told = requester ? `${own ? 'your' : 'this'} Finish only told the admins` : `${own ? 'you' : 'this Revoke'} only told its requester and the admins`;
  // The line's state names the revoking admin already ("Approved, then revoked by <@ADA>…"): once.
  return statesRevoker(a, a.revokedBy) ? capitalized(told) : `Revoked by <@${a.revokedBy}>; ${told}`;
}

/** Whether the line's state (activityState) names `admin` as the one who revoked its approval. */
function statesRevoker(a: Activity, admin: string): boolean {
  const revoked = a.standing === 'REVOKED_OUTCOME_UNKNOWN' || a.revoked === true || (a.state === 'succeeded' && a.standing === 'REVOKED');
  return revoked && a.revoker === admin && a.state !== 'failed' && a.state !== 'refused' && a.state !== 'partial';
}

/**
 * What a record is called, what it was about (after its name), and whose words tell its failures:
 * a license step names the change asked for; an approved reset's step, its credential, in the
 * credential's own words (its kind's are any credential's).
 */
export function recordOf(a: Activity, words: HomeWords): { readonly name: string; readonly what: string; readonly subject?: SubjectWords } {
  const action = words.actions[a.action];
  // Another admin's revoke, only told of: never titled as the line's person's revoke ("approval revoked" by them).
  const title = (followsUpRevoke(a) && action?.followUp) || action;
  const credential = a.pendingRequestId && a.credential ? words.credentials[a.credential] : undefined;
  // In the credential's noun, a step's name says what it was about: nothing after it.
  const named = credential && title?.named?.(credential.words);
  const about = credential && !named ? ` (${credential.words.what})` : '';
  const what = a.licenseTo ? ` (${a.licenseFrom ? `${a.licenseFrom} → ` : ''}${a.licenseTo})` : about;
  return { name: labelOf(named || title?.name, a.action), what, subject: credential?.words ?? action?.words };
}

/**
 * Whether a line's revoke was another admin's, its person's click having only told of it, or tried
 * to (revokeFollowedUp, followUpsFailed): its title then names what they did, as its details do.
 */
function followsUpRevoke(a: Activity): boolean {
  const revoker = a.revokedBy ?? a.followUpsFailed?.revokedBy;
  return revoker !== undefined && revoker !== a.actor.userId;
}

/** A record's name where it starts a line or a part of one, capitalised ("Meeting PIN reset"); an action no words name, as recorded. */
function labelOf(name: string | undefined, action: string): string {
  // No action at all: a record this version cannot read, whose action was no word it knows (AuditEvent.unreadable).
  return name === undefined ? action || 'Audit record' : capitalized(name);
}

/** How a push its person ended on their phone begins its line on their Home tab, in place of ":x: Failed.". */
const PUSH_ENDED: Partial<Record<string, string>> = { VERIFY_REJECTED: ':no_entry: Rejected.', VERIFY_TIMEOUT: ':zzz: Not answered.' };

/**
 * Where the thing stands: a request sent is not a request done, and an approval says whether its
 * change was made. `approved`: how an approved request stands while it waits for its requester to
 * finish it, for a kind they finish (HomeWords.actions' `approved`); else it is being applied.
 * `own`: the line is on its person's own Home tab, where they are "you". `applied`: how an applied
 * request stands, for a kind its requester finishes (HomeWords.actions' `applied`); else "Approved and applied".
 * `directory`: the directory its change goes to, in its credential's words, for a change never sent.
 */
export function activityState(
  a: Activity,
  why: string,
  approved?: string,
  { own = false, applied, directory }: { own?: boolean; applied?: (by?: string) => string; directory?: string } = {},
): string {
  // Which admin revoked it, as the request's own line and the follow-ups' say ("an admin" only when no record names them).
  // The line's own person (their revoke, or their decision they took back) is named once: "you" on
  // their own tab; in the audit search, whose line names them already ("by <@MAX>"), "this admin".
  const revoker = !a.revoker ? 'an admin' : a.revoker === a.actor.userId ? (own ? 'you' : 'this admin') : `<@${a.revoker}>`;
  const revokedOutcomeUnknown = `:warning: Approved again, then revoked by ${revoker}; the earlier change may have been made: its request line says how IT can check it`;
  const revoked = `:no_entry: Approved, then revoked by ${revoker}; nothing was changed`;
  // A kind its requester finishes: they made the change (a decision's line is about them, its subject).
  // "By you" on their own line of their own tab; anywhere else the line names them already (its
  // person, "by <@ANN>", or whom it is for, "for <@ANN>"), never twice.
  const finisher = a.subject?.userId ?? a.actor.userId;
  const done = applied ? applied(own && finisher === a.actor.userId ? 'you' : undefined) : ':white_check_mark: Approved and applied';
  // Approved again after a finish whose outcome was unknown, then revoked: this approval changed nothing, the earlier one may have.
  if (a.standing === 'REVOKED_OUTCOME_UNKNOWN') return revokedOutcomeUnknown;
  // Its approval taken back before its requester finished it: whatever the decision was, nothing was changed.
  if (a.revoked || (a.state === 'succeeded' && a.standing === 'REVOKED')) return revoked;
  if (a.state === 'succeeded' && a.decision === 'deny') return ':no_entry: Denied';
  if (a.state === 'succeeded' && a.decision === 'approve') {
    if (a.applied === 'succeeded') return done;
    if (a.applied === 'failed') return `:warning: Approved, but the change failed.${why}`;
    if (a.applied === 'not_sent') return ':zzz: Approved, but not finished: a Finish stopped before anything was changed, and none after it is on record; nothing was changed';
    if (a.applied === 'unknown') return ':grey_question: Approved; whether the change was made is unknown: IT can check it with the reference';
    // No change tried yet: a kind whose requester finishes it (an approved reset), or one being applied.
    // Older than the admin's week, and its request unread: a revoke by another admin would not show here.
    if (a.revokeUnread) return ':white_check_mark: Approved; whether another admin revoked it later could not be read: search the audit log for its reference';
    return ':white_check_mark: Approved';
  }
  if (a.withdrawn) return ':leftwards_arrow_with_hook: Withdrawn; nothing was changed';
  if (a.state === 'succeeded' && a.pendingRequestId) {
    const standing: Record<NonNullable<Activity['standing']>, string> = {
      PENDING: ':hourglass: Waiting for an admin',
      APPROVED: approved ?? ':hourglass_flowing_sand: Approved; the change is being applied',
      FINISHING: ':hourglass_flowing_sand: Approved; the change is being made',
      APPLIED: done,
      // Said for every kind: who can retry, and how, is the kind's (the request's own line says it).
      APPLY_FAILED: ':warning: Approved, but the change was not made',
      // The directory did not confirm the change (no answer, or a 500, 502 or 504): never "not made".
      APPLY_UNANSWERED: ':warning: Approved, but the directory did not confirm the change: it may or may not have been made',
      DENIED: ':no_entry: Denied',
      EXPIRED: ':zzz: Expired; nothing was changed',
      WITHDRAWN: ':leftwards_arrow_with_hook: Withdrawn; nothing was changed',
      REVOKED: revoked,
      UNKNOWN: ':grey_question: In a state this version of Latchkey does not know',
      OUTCOME_UNKNOWN: ':grey_question: Approved; the change did not finish and its outcome is unknown: an admin can approve it again',
      // The directory in its credential's words (`directory`), as the review says it.
      NEVER_APPLIED: `:warning: Approved, but never applied: Latchkey has no record of applying it, so nothing was sent${directory ? ` to ${directory}` : ''}; an admin can approve it again`,
      CLOSED_OUTCOME_UNKNOWN: ':warning: Closed by an admin; the earlier change may have been made: its request line says how IT can check it',
      ENDED_OUTCOME_UNKNOWN: ':warning: Approved again, but not finished; the earlier change may have been made: its request line says how IT can check it',
      REVOKED_OUTCOME_UNKNOWN: revokedOutcomeUnknown,
    };
    return a.standing ? standing[a.standing] : ':outbox_tray: Sent to the admins';
  }
  const state: Record<Activity['state'], string> = {
    succeeded: ':white_check_mark: Done',
    partial: ':white_check_mark: Done, but a step after it did not finish: IT has been alerted',
    // A push rejected on the phone, or not answered in time, is no failure (the admins' counts keep
    // each apart): said as what it is. A rejection may be someone else's doing: never softened.
    failed: `${PUSH_ENDED[a.errorCode ?? ''] ?? ':x: Failed.'}${why}`,
    refused: `:no_entry_sign: Not done.${why}`,
    // On its person's own tab, a push they withdrew says so and what next, as a rejected one does
    // (`why`); the audit search says how it ended in its own words.
    cancelled: own && why ? `:leftwards_arrow_with_hook: Cancelled.${why}` : ':leftwards_arrow_with_hook: Cancelled',
    unknown: ':grey_question: Outcome unknown: IT can check it with the reference',
    in_progress: ':hourglass_flowing_sand: In progress',
    // Its fields by name only (the schema's own words), never what they hold: a newer version or a hand edit wrote it.
    unreadable: `:grey_question: A record this version of Latchkey cannot read (its ${(a.unreadable ?? ['record']).map((f) => `\`${f}\``).join(', ')}): IT can look it up with the reference`,
  };
  return state[a.state];
}

function ownRequestBlocks(requests: Part<readonly OwnRequest[]>, approvals: HomeWords['approvals'], guest?: true): KnownBlock[] {
  if (!requests.ok) return [UNAVAILABLE(approvals.ownHeading)];
  if (requests.value.length === 0) return [context('None.')];
  return requests.value.map((r) => {
    const words = wordsOf(approvals.words, r.kind);
    // Approved, of a kind they finish, and not died midway (decidable): theirs to finish, as from their DM.
    const finish = r.status === 'APPROVED' && !r.decidable ? words.finishButton?.(r) : undefined;
    // A guest's Finish is refused (SLACK_USER_IS_GUEST): none is offered, and its line says why and
    // what to do in the refusal's words, never "finish it by …".
    const refused = finish && guest ? failureMessage({ code: 'SLACK_USER_IS_GUEST' }, words.subjectOf(r)) : undefined;
    const { by, when } = decisionOf(r);
    const status = refused ? `:warning: Approved by ${by}${when}, but you cannot finish it: ${refused.headline} ${refused.next}` : approvalStatusLine(r, words, r.decidable, true);
    // Their own tab: they are "you" in it. Named as what it is, each kind's among the others'.
    const line = section(`${lineStart(words.listed?.(r) ?? words.summary(r))} · requested at ${slackTime(new Date(r.createdAt))}\n${status}`);
    // Still waiting for a decision (one past its time is shown EXPIRED): theirs to withdraw.
    if (r.status === 'PENDING') return { ...line, accessory: withdrawButton(r) };
    return finish && !refused ? { ...line, accessory: finish } : line;
  });
}

function adminBlocks(admin: AdminParts, viewer: string, words: HomeWords): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  // First, and only when there are some: nothing but an admin's new decision moves them on.
  blocks.push(
    ...awaitingDecisionBlocks(admin.unfinished, UNFINISHED_SHOWN, viewer, words, {
      heading: 'Did not finish: outcome unknown',
      unavailable: `The ${ADMIN_LIST.unfinished}`,
      lead:
        ':warning: Each of these changes stopped midway, so nobody knows whether it was made, and it stays so until an admin decides it again. ' +
        'Check the change with the reference its line gives, then *Review* it: approve it to make the change anew, or deny it to close it.',
    }),
    ...awaitingDecisionBlocks(admin.awaitingRetry, AWAITING_RETRY_SHOWN, viewer, words, {
      heading: 'Failed: waiting for a retry',
      unavailable: `The ${ADMIN_LIST.failed}`,
      lead:
        ':warning: Each of these changes was approved, but applying it failed, and it waits until an admin decides it again. ' +
        'Its line says why, and whether the change may have been made: put that right first (or wait until the directory answers again), ' +
        'then *Review* it: approve it again to retry the change, or deny it to close it (its requester is told).',
    }),
  );
  if (admin.pending) {
    blocks.push(header('Waiting for review'));
    if (!admin.pending.ok) blocks.push(UNAVAILABLE('The review queue'));
    else if (admin.pending.value.requests.length === 0) blocks.push(context('No request is waiting.'));
    else blocks.push(...admin.pending.value.requests.map((r) => pendingBlock(r, viewer, words.approvals.words)));
    if (admin.pending.ok) blocks.push(...approvedWaitingBlocks(admin.pending.value.approved, viewer, words.approvals.words));
  }

  blocks.push(header('Today'));
  blocks.push(...(admin.today.ok ? todayBlocks(admin.today.value, words) : [UNAVAILABLE("Today's activity")]));

  blocks.push(header('Needs attention (7 days)'));
  if (!admin.attention.ok) blocks.push(UNAVAILABLE('This list'));
  else {
    const { items, more, handled, unreadableMore } = admin.attention.value;
    if (items.length === 0) {
      // The empty state; with items marked handled (counted below), in words still true of them.
      blocks.push(
        context(
          handled > 0
            ? 'Nothing needs attention: every reset of the last 7 days that has no outcome or alerted an operator, and every push rejected or at its limit, was marked handled.'
            : 'Nothing: every reset of the last 7 days has its outcome, none alerted an operator, and no push was rejected.',
        ),
      );
    } else {
      // The admin's own (a push they rejected: someone may hold their session) is another admin's to mark.
      blocks.push(
        ...items.map((a) =>
          a.actor.userId === viewer
            ? section(`${attentionLine(a, words)}\n_Your own: another admin marks it handled._`)
            : // A record with no reference or workspace to read cannot be named to mark it (markHandled
              // checks the item against its reference's records of the admin's workspace): it leaves with its 7 days.
              a.kind !== 'unreadable' || (isReference(a.requestId) && a.actor.teamId !== '')
              ? { ...section(attentionLine(a, words)), accessory: markHandledButton(a) }
              : section(attentionLine(a, words)),
        ),
      );
      if (more > 0) {
        const unread = unreadableMore ? ` ${unreadableMore} of them ${unreadableMore === 1 ? 'is a record' : 'are records'} this version of Latchkey cannot read: \`npm run audit -- export\` for the 7 days lists each (phase unreadable).` : '';
        blocks.push(context(`…and ${more} more: \`npm run audit -- unknown --days 7\` lists every attempt with no outcome.${unread}`));
      }
    }
    // Nothing leaves the list unsaid: one line, with where to read who marked what.
    if (handled > 0) {
      blocks.push(
        context(
          `:heavy_check_mark: ${handled} marked handled in the last 7 days: *Search the audit log* (everyone, or the item's reference) shows who marked each, when, and what they did.`,
        ),
      );
    }
  }
  blocks.push({
    type: 'actions',
    block_id: 'home_admin',
    elements: [
      { type: 'button', action_id: HOME_SEARCH_ACTION_ID, text: plain('Search the audit log'), value: 'search' },
      { type: 'button', action_id: HOME_SETUP_CHECK_ACTION_ID, text: plain('Setup check'), value: 'setup_check' },
    ],
  });
  return blocks;
}

/**
 * Requests besides the queue that wait for an admin's new decision (`part`, oldest first): shown
 * only when there are some, or as unavailable, each with its line (what happened) and Review, the
 * first `shown` of them, then how many more.
 */
function awaitingDecisionBlocks(
  part: Part<Listed> | undefined,
  shown: number,
  viewer: string,
  words: HomeWords,
  text: { readonly heading: string; readonly unavailable: string; readonly lead: string },
): KnownBlock[] {
  if (!part || (part.ok && part.value.requests.length === 0)) return [];
  if (!part.ok) return [header(text.heading), UNAVAILABLE(text.unavailable)];
  const { requests, atLeast } = part.value;
  const more = requests.length - shown;
  // Counted up to the read's bound: past it, the count is a floor, and said so.
  const howMany = more > 0 ? `…and ${atLeast ? 'at least ' : ''}${more} more` : atLeast ? '…and perhaps more' : undefined;
  return [
    header(text.heading),
    context(text.lead),
    ...requests.slice(0, shown).map((r) => pendingBlock(r, viewer, words.approvals.words, { withLine: true })),
    ...(howMany ? [context(`${howMany}: each shows here as the ones above are decided.`)] : []),
  ];
}

/**
 * Whose request a row of the admins' lists is and what it is, each kind's among the others':
 * "<@ANN>'s *license change*: *Basic* → *Pro*", as "<@ANN>'s *meeting PIN reset*". The mention is
 * not in bold: mrkdwn's bold may not close before "'s", and a mention stands out already.
 */
function whoseListed(r: PendingRequest, words: ApprovalKindWords): string {
  return `<@${r.requester.userId}>'s ${words.listed?.(r) ?? words.summary(r)}`;
}

/**
 * Approved requests waiting for their requester to finish them (oldest first), only when there
 * are some: who, what, who approved it and when, and by when it must be finished, each with the
 * channel message's Revoke approval (the admin's own, which another admin revokes, without it);
 * the first APPROVED_WAITING_SHOWN, then how many more.
 */
function approvedWaitingBlocks(approved: Listed, viewer: string, words: ApprovalWords): KnownBlock[] {
  const { requests, atLeast } = approved;
  if (requests.length === 0) return [];
  const more = requests.length - APPROVED_WAITING_SHOWN;
  const howMany = more > 0 ? `…and ${atLeast ? 'at least ' : ''}${more} more` : atLeast ? '…and perhaps more' : undefined;
  return [
    header('Approved: waiting for the requester to finish'),
    ...requests.slice(0, APPROVED_WAITING_SHOWN).map((r): KnownBlock => {
      const kindWords = wordsOf(words, r.kind);
      const text = `${whoseListed(r, kindWords)} · ${slackDate(new Date(r.createdAt))}\n${approvalStatusLine(r, kindWords, false)}`;
      if (r.requester.userId === viewer) return section(`${text}\n_Your own request: another admin can revoke its approval._`);
      return { type: 'section', text: { type: 'mrkdwn', text }, accessory: revokeButton(r) };
    }),
    ...(howMany ? [context(`${howMany}: each shows here as the ones above are finished, revoked or expire.`)] : []),
  ];
}

/**
 * One request in the queue. The admin's own has no Review button (nobody decides their own
 * request, so it could only refuse) and says so. One in a status this version does not know (a
 * newer version put it in the queue) says so, with no Review: nobody can decide it here. One that
 * did not finish, or failed (`withLine`), has its line: what is unknown and the reference to check
 * it with, or why the change failed.
 */
function pendingBlock(r: PendingRequest, viewer: string, words: ApprovalWords, { withLine = false } = {}): KnownBlock {
  const reason = escapeMrkdwn(r.reason.length > 200 ? `${r.reason.slice(0, 199)}…` : r.reason).replace(/\n/g, ' ');
  const kindWords = wordsOf(words, r.kind);
  const head = `${whoseListed(r, kindWords)} · ${slackDate(new Date(r.createdAt))}`;
  const asked = `${head}${reason ? `\n>${reason}` : ''}`;
  if (r.status === UNKNOWN_STATUS) return section(`${asked}\n${approvalStatusLine(r, kindWords, false)}`);
  const text = withLine ? `${asked}\n${approvalStatusLine(r, kindWords, true)}` : asked;
  if (r.requester.userId === viewer) {
    return { type: 'section', text: { type: 'mrkdwn', text: `${text}\n_Your own request: another admin decides it._` } };
  }
  return {
    type: 'section',
    text: { type: 'mrkdwn', text },
    accessory: { type: 'button', action_id: REVIEW_ACTION_ID, text: plain('Review'), value: r.id },
  };
}

function todayBlocks(today: TodayCounts, words: HomeWords): KnownBlock[] {
  // A rejected push is no failure but a security event: counted on its own, as are a push nobody
  // answered in time and a push its person withdrew.
  const pushes = (r: TodayCounts['resets'][number]) =>
    ([['VERIFY_REJECTED', r.rejected], ['VERIFY_TIMEOUT', r.timedOut], ['VERIFY_CANCELLED', r.cancelled]] as const)
      .filter(([, count]) => count > 0)
      .map(([code, count]) => `, ${countedRefusals(code, count)}`)
      .join('');
  const resets = today.resets.map(
    (r) =>
      `*${labelOf(words.actions[r.action]?.name, r.action)}*: ${r.succeeded} done${r.failed > 0 ? `, ${r.failed} failed` : ''}${r.unknown > 0 ? `, ${r.unknown} outcome unknown` : ''}${r.unreadable ? `, ${r.unreadable} outcome this version cannot read` : ''}${pushes(r)}`,
  );
  // A request with nothing to change (an unlock of an account not locked) was no refusal: said apart.
  // A directory's own reasons, in each credential's words (by its audit action).
  const counted = (r: TodayCounts['refusals'][number]) => countedRefusals(r.code, r.count, (r.reasons ?? []).map((x) => ({ reason: x.reason, words: words.actions[x.action]?.words })));
  const refusals = today.refusals.filter((r) => r.code !== 'NOTHING_TO_CHANGE').map(counted);
  const unchanged = today.refusals.find((r) => r.code === 'NOTHING_TO_CHANGE');
  return [
    section(resets.length > 0 ? resets.join('\n') : 'No reset yet today.'),
    context(
      `${refusals.length > 0 ? `Refused: ${refusals.join(', ')}.` : 'Nobody was refused.'}` +
        `${unchanged ? ` ${countedRefusals(unchanged.code, unchanged.count)} (already as asked).` : ''} Counted since midnight UTC (${today.day}).`,
    ),
  ];
}

function attentionLine(a: Attention, words: HomeWords): string {
  if (a.kind === 'unreadable') {
    // Its fields by name only, never what they hold; its person and action only where they read as such (readAuditItem).
    const fields = (a.unreadable ?? ['record']).map((f) => `\`${f}\``).join(', ');
    const what = [...(a.action ? [labelOf(words.actions[a.action]?.name, a.action)] : []), ...(a.actor.userId ? [`by <@${a.actor.userId}>`] : [])].join(' ');
    const when = a.at && !Number.isNaN(Date.parse(a.at)) ? slackDate(new Date(a.at)) : 'time unreadable';
    return (
      `:grey_question: *A record this version of Latchkey cannot read* (its ${fields})${what ? ` · ${what}` : ''} · ${when}\n` +
      (isReference(a.requestId)
        ? `A newer version may have written it, or someone edited the table: look it up with its reference ${referenceWords(a.requestId)}: *Search the audit log*, or \`npm run audit -- export\` for its day.`
        : `A newer version may have written it, or someone edited the table. It has no reference this version can read: \`npm run audit -- export\` for its day lists it (phase unreadable) by its key.`)
    );
  }
  const name = labelOf(words.actions[a.action]?.name, a.action);
  const app = (a.verifier && words.verifiers[a.verifier]) ?? 'the verifier app';
  if (a.kind === 'push_rejected') {
    // One line a person: how many, and the latest's time and reference.
    const several = a.count !== undefined && a.count > 1;
    return (
      `:rotating_light: *Push rejected in ${app}*${several ? ` ${a.count} times` : ''} · ${name} by <@${a.actor.userId}> · ${several ? 'latest ' : ''}${slackDate(new Date(a.at))}\n` +
      `Nothing was changed, but someone else may be using their Slack account: ask them, by another way than Slack, whether they asked. Reference${several ? ' of the latest' : ''} ${referenceWords(a.requestId)}`
    );
  }
  if (a.kind === 'push_limited') {
    const times = a.count && a.count > 1 ? ` (${a.count} times)` : '';
    return (
      `:rotating_light: *Push limit reached*${times} · ${name} by <@${a.actor.userId}> · ${slackDate(new Date(a.at))}\n` +
      `Asked for more pushes to their phone than an hour allows: someone may be pushing them to approve one by habit. Reference ${referenceWords(a.requestId)}`
    );
  }
  const what =
    a.kind === 'unknown_outcome'
      ? ':grey_question: *Outcome unknown*'
      : a.kind === 'incomplete'
        ? ':warning: *Done, but a step after the change failed*'
        : `:rotating_light: *Failed: ${failureLabel(a.errorCode ?? 'INTERNAL')}*`;
  return `${what} · ${name} by <@${a.actor.userId}> · ${slackDate(new Date(a.at))}\nReference ${referenceWords(a.requestId)}`;
}

/** What each kind of Needs attention item is called, in the modal that marks it and the audit search. */
export const ATTENTION_KIND_NAMES: Readonly<Record<AttentionKind, string>> = {
  push_rejected: 'Push rejected',
  push_limited: 'Push limit reached',
  unknown_outcome: 'Outcome unknown',
  operator_failure: 'Failed, an operator was alerted',
  incomplete: 'Done, but a step after the change failed',
  unreadable: 'A record this version cannot read',
};

export function attentionKindName(kind: string): string {
  return (ATTENTION_KIND_NAMES as Record<string, string>)[kind] ?? kind;
}

function markHandledButton(a: Attention): Button {
  const target: AttentionTarget = { kind: a.kind, reference: a.requestId, ...(a.actor.userId && { person: a.actor.userId }), at: a.at, ...(a.count !== undefined && a.count > 1 && { count: a.count }) };
  return { type: 'button', action_id: HOME_ATTENTION_HANDLED_ACTION_ID, text: plain('Mark handled'), value: JSON.stringify(target) };
}

const HANDLED_TITLE = 'Mark handled';

/** The modal Mark handled opens: the item (whom it is about, when), and the admin's note of what was done (needed). */
export function attentionHandledForm(target: AttentionTarget): ModalView {
  const several = target.kind === 'push_rejected' || target.kind === 'push_limited';
  const times = target.count !== undefined && target.count > 1;
  const about = [
    `*${attentionKindName(target.kind)}*${times ? ` ${target.count} times` : ''}`,
    ...(target.person ? [`about <@${target.person}>`] : []),
    ...(target.at ? [`${times ? 'latest ' : ''}${slackDate(new Date(target.at))}`] : []),
  ].join(' · ');
  return modal({
    title: HANDLED_TITLE,
    close: 'Cancel',
    submit: 'Mark handled',
    callbackId: ATTENTION_HANDLED_FORM.callbackId,
    privateMetadata: JSON.stringify(target),
    blocks: [
      section(`${about}\nReference${times ? ' of the latest' : ''} ${referenceWords(target.reference)}`),
      {
        type: 'input',
        block_id: ATTENTION_HANDLED_FORM.note,
        optional: false,
        label: plain('What was done'),
        hint: plain('Whom you asked and what they said, or what you checked. Kept in the audit log with your name, for admins and reviewers to read. Never write a password or PIN here.'),
        element: { type: 'plain_text_input', action_id: ATTENTION_HANDLED_FORM.note, multiline: true, max_length: HANDLED_NOTE_MAX_LENGTH },
      },
      context(
        `It leaves Needs attention for every admin, counted there as handled.${several ? ' If the same person has it again later, it shows again.' : ''}`,
      ),
    ],
  });
}

/** In place of the note's form for someone who may not mark it (not an admin, a guest named one, the admin group unreadable, or Slack not saying): why, nothing to submit. */
export function attentionHandledRefused(code: AdminRefusal): ModalView {
  return adminRefusedModal(HANDLED_TITLE, code, { may: 'mark an item handled', unchanged: 'Nothing was marked.' });
}

/** The note's modal, opened at the click, while whether the clicker may mark it is asked. */
export function attentionHandledCheckingView(): ModalView {
  return adminCheckingModal(HANDLED_TITLE);
}

export function attentionHandledProgressView(): ModalView {
  return progressView(HANDLED_TITLE, 'Recording it…');
}

/** The note's problem, said on the form. */
export const HANDLED_NOTE_PROBLEMS: Readonly<Record<'NOTE_MISSING' | 'NOTE_TOO_LONG', string>> = {
  NOTE_MISSING: 'Say what was done: for example, whom you asked and what they said.',
  NOTE_TOO_LONG: `Keep it to ${HANDLED_NOTE_MAX_LENGTH} characters.`,
};

/** How marking it ended: marked, or why nothing was written. */
export function attentionHandledResultView(result: HandledResult): ModalView {
  const text = result.ok
    ? ':heavy_check_mark: Marked handled. It has left Needs attention for every admin; *Search the audit log* shows who marked it, when, and the note.'
    : result.code === 'ALREADY_HANDLED'
      ? `:information_source: It was already marked handled by <@${result.by}> at ${slackTime(new Date(result.at))}. Nothing more was written.`
      : {
          NOT_ADMIN: ':warning: Only Latchkey admins can mark an item handled.',
          ADMIN_IS_GUEST: `:warning: ${guestAdminRefused('Nothing was marked.')}`,
          ADMIN_GROUP_UNREADABLE: `:warning: ${adminGroupUnreadable('Nothing was marked.')}`,
          SLACK_UNAVAILABLE: ':warning: Slack did not answer whether you are an admin, so nothing was marked. Try again in a few minutes.',
          SLACK_MISCONFIGURED: `:warning: ${misconfigured('Nothing was marked.')}`,
          STORE_UNAVAILABLE: ':warning: The audit log could not be read just now, so nothing was marked. Try again in a few minutes.',
          AUDIT_UNAVAILABLE: ':warning: The audit log could not be written just now, so nothing was marked: it is still on the list. Try again in a few minutes.',
          NOT_AN_ITEM: ':warning: That is not on the Needs attention list of the last 7 days, so nothing was marked. Open the Home tab again to see the list as it is now.',
          NOTE_MISSING: ':warning: A note of what was done is needed, so nothing was marked. Open the Home tab again and say what was done.',
          NOTE_TOO_LONG: `:warning: The note is longer than ${HANDLED_NOTE_MAX_LENGTH} characters, so nothing was marked.`,
          OWN_ITEM: ':warning: This one is about you, so another admin marks it handled. Nothing was marked.',
        }[result.code];
  return modal({ title: HANDLED_TITLE, close: 'Close', blocks: [section(text)] });
}

/**
 * An admin's marking of an item handled, as the audit search shows it: when, who, which item (its
 * kind, its person, its reference: pasted, it finds the item's own records), and their note.
 */
export function handledLine(row: Activity, handled: NonNullable<Activity['handled']>): string {
  const about = row.subject ? ` · about <@${row.subject.userId}>` : '';
  const note = handled.note ? `>${quoted(handled.note).replace(/\n/g, ' ')}` : '_No note._';
  return `${slackDate(new Date(row.at))} · *Marked handled* by <@${row.actor.userId}> · ${attentionKindName(handled.kind)}${about}\n${note}\nReference \`${handled.reference}\``;
}
