import { adminAnswer, type AdminAnswer, type AdminRefusal } from './admin-answer';
import { asFailure, currentCode, describeError, isFailureCode, LatchkeyFailure, needsOperator } from './failure';
import { APPLY_ACTIONS, APPROVAL_ACTIONS, REVOKE_ACTIONS, WITHDRAW_ACTIONS } from './approvals/kinds';
import { asItStands, type AfterRead, type AwaitingRetry, type Listed, type OwnRequest, type OwnRequests, type SettledOnRead, type SettledOnRecord, type Waiting } from './approvals/approvals';
import { closedOutcomeUnknown, endedAfterUnknownOutcome, neverAppliedOnRecord, type PendingRequest } from './approvals/pending-request';
import type { Admins, AuditEvent, AuditLog, AuditReader, Clock, Logger, Requester } from './ports';
import type { KnownGuests } from './known-guests';
import { dayOfShortForm, newRequestId, REQUEST_ID_SHAPE } from './request-id';
import { OUTCOME_GRACE_MS, unknownOutcomes } from './unknown-outcomes';
import { servesRequest, type Workspace } from './workspace';
import { compareText } from './text-order';
import { settledWithin } from '../settled-within';

/** A part of the tab that could be read, or could not (the rest is still shown). */
export type Part<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/**
 * One thing the person did, its records taken together: a reset's attempt and outcome, or the
 * steps of one pending request they took part in (an admin's decision and the change it applied).
 */
export interface Activity {
  /**
   * The reference to quote to IT: a pending request's own, for its steps (each names it, so a
   * look-up by it finds them all, and it is the one its requester was shown); else the request's.
   */
  readonly requestId: string;
  /** The first step's action: what the person did. */
  readonly action: string;
  /** When it started. */
  readonly at: string;
  /**
   * How the last step ended. partial: done, but a step after the change failed (and an operator
   * was alerted). A pending request's own step succeeding means it was sent, not that it is done:
   * `standing` says where the request is.
   */
  readonly state: 'succeeded' | 'partial' | 'failed' | 'refused' | 'cancelled' | 'unknown' | 'in_progress' | 'unreadable';
  /**
   * unreadable: a record of the line is one this version cannot read (AuditEvent.unreadable), whose
   * fields these are by name (never their values): its steps are not guessed at.
   */
  readonly unreadable?: readonly string[];
  /** The pending request the steps belong to, and where it stands now when that could be read. */
  readonly pendingRequestId?: string;
  /**
   * OUTCOME_UNKNOWN: being finished or applied for longer than any change takes (it died midway),
   * which an admin can decide again; CLOSED_OUTCOME_UNKNOWN: denied then, so the change may have been made;
   * ENDED_OUTCOME_UNKNOWN: approved again then, and expired or failed without its new finish, so the earlier change may have been made;
   * REVOKED_OUTCOME_UNKNOWN: approved again then, and revoked by an admin, so the earlier change may have been made (also known from the revoke's own record);
   * APPLY_UNANSWERED: its change was sent and not confirmed (DIRECTORY_OUTCOME_UNKNOWN: no answer, or a 500, 502 or 504), so it may have been made.
   * NEVER_APPLIED: an OUTCOME_UNKNOWN approval whose record showed no apply began (neverAppliedOnRecord): nothing was sent.
   */
  readonly standing?: PendingRequest['status'] | 'OUTCOME_UNKNOWN' | 'NEVER_APPLIED' | 'CLOSED_OUTCOME_UNKNOWN' | 'ENDED_OUTCOME_UNKNOWN' | 'REVOKED_OUTCOME_UNKNOWN' | 'APPLY_UNANSWERED';
  /** An approval's change: how applying it ended, when it was tried. */
  /** not_sent: its requester's latest Finish stopped before anything was sent, the approval handed back (handedBack). */
  readonly applied?: 'succeeded' | 'failed' | 'unknown' | 'not_sent';
  /** Who did it, and in which directory account: what an operator looking into it needs. */
  readonly actor: Requester;
  readonly directory?: string;
  readonly directoryUserId?: string;
  /** The change was made but could not be shown to the person (Slack failed). */
  readonly deliveryFailed?: boolean;
  readonly licenseFrom?: string;
  /** partial: the steps after the change that failed. */
  readonly incomplete?: AuditEvent['incomplete'];
  /** As recorded: a code this version no longer lists is kept (see AuditEvent). */
  readonly errorCode?: string;
  /** With DIRECTORY_USER_REFUSED: the credential's own reason. */
  readonly reason?: string;
  /** The `verify` policy's: the verifier's audit name, so a failed push can name its app. */
  readonly verifier?: string;
  /** The `verify` policy's: how long its push waited, as its record says (none before it was kept), for a push not answered in time to say it. */
  readonly verifyWaitMs?: number;
  /**
   * A credential change's policy, as its records say it (written since it was kept; a word a newer
   * version wrote is kept as written), for the audit search to say what proof allowed it.
   */
  readonly policy?: string;
  /** The `verify` policy's push, once sent: what the verifier's own log knows it by, for a reviewer to find it there. */
  readonly verifierFactorId?: string;
  readonly verifierTransactionId?: string;
  /**
   * A change its requester made with Finish, of a request an admin approved: under that request's
   * reference, as a line of its own (what the change did), beside the request's line (where it stands);
   * on its person's own Home tab, only when it says more than that line (oneLinePerRequest).
   */
  readonly finishesApproval?: true;
  /** An approved reset's steps: which credential (its registry ID), for the views to name in its plug-in's words. */
  readonly credential?: string;
  /** License steps: whom a decision was about, what was asked for, what was decided. */
  readonly subject?: Requester;
  readonly licenseTo?: string;
  readonly decision?: 'approve' | 'deny';
  /** An admin's decision: what they wrote to its requester (a denial's reason), as its record keeps it. */
  readonly comment?: string;
  /**
   * A request's line, in the audit search: who decided it, how and when, as the decision's own record
   * says (it is audited under the admin, not the requester). The latest decision when there were two.
   */
  readonly decidedBy?: { readonly userId: string; readonly decision: 'approve' | 'deny'; readonly at: string };
  /** A pending request its requester withdrew (their withdraw's record says it was written). */
  readonly withdrawn?: boolean;
  /** An approved request whose approval an admin revoked before its requester finished it (the revoke's record says it was written). */
  readonly revoked?: boolean;
  /**
   * An admin's own approval, decided before the week their tab reads, whose request the approvals
   * store could not say of (gone, or the read failed): whether another admin revoked it is not known.
   */
  readonly revokeUnread?: true;
  /**
   * A line of a revoke's follow-ups only (another admin's Revoke, or the requester's Finish, told of a
   * revoke whose own click could not tell it was made): the admin whose revoke it was, as its record names them.
   */
  readonly revokedBy?: string;
  /**
   * An approval revoked (`revoked`, or standing REVOKED or REVOKED_OUTCOME_UNKNOWN): the admin who
   * revoked it, as the store or the revoke's record names them (a follow-up's record, its revokedBy).
   */
  readonly revoker?: string;
  /** An admin's `attention_handled`: the Needs attention item they marked handled, and their note. */
  readonly handled?: { readonly reference: string; readonly kind: string; readonly note?: string };
  /**
   * A revoke of this approval, by the line's person, that changed nothing (its requester's finish had
   * started, say): its last failure's code and time, for a reviewer to see it was tried. Only on a line
   * of other steps too (the admin's decision): a line of the revoke alone says it failed itself.
   */
  readonly revokeFailed?: { readonly code: string; readonly at: string };
  /**
   * The request's own requester's Finish that found it revoked by a click that could not tell it
   * was (revokedBy's) and could not do that revoke's follow-ups (telling the admins): its last
   * failure's code and time, and whose revoke it was. Never a revoke of theirs (revokeFailed): only
   * an admin tries one. Not once a Finish of theirs did them. Likewise on a line of another admin's
   * Revoke alone that could not do them (the line's own state says how it failed).
   */
  readonly followUpsFailed?: { readonly code: string; readonly at: string; readonly revokedBy?: string };
  /**
   * A request line, in the audit search, whose end nothing read says: no decision or withdrawal of it
   * on record, and not where it stands. not_kept: the approvals store no longer holds it (kept 90 days
   * past its time) and the records of the week after it (ofReferences) hold none: it may have expired,
   * or been decided later. unread: the store or those records could not be read just now.
   */
  readonly endUnknown?: 'not_kept' | 'unread';
}

export interface TodayCounts {
  /** The UTC day counted (YYYY-MM-DD). */
  readonly day: string;
  /**
   * Resets by credential action: how many succeeded, how many failed, and how many may or may not
   * have been made (unknown: the directory did not confirm the change, or the attempt has no outcome
   * past the grace), which are not failures: a reviewer checks each (Needs attention). A push the
   * person rejected is no failure either but a security event (someone else may hold their Slack
   * session), counted on its own; a push they withdrew by closing the waiting modal is their change
   * of mind, counted too, apart; and so is a push nobody answered in time (timedOut): nothing of
   * Latchkey's failed, the person did not answer.
   */
  readonly resets: readonly {
    readonly action: string;
    readonly succeeded: number;
    readonly failed: number;
    readonly unknown: number;
    readonly rejected: number;
    readonly timedOut: number;
    readonly cancelled: number;
    /**
     * Attempts whose outcome is on file but one this version cannot read (unknownOutcomes): neither
     * done, failed nor unknown, counted apart; the record is in Needs attention.
     */
    readonly unreadable?: number;
  }[];
  /**
   * Requests turned away before any change, by reason (a code's old name counted under its new:
   * currentCode), most frequent first. A refusal for a reason
   * of its credential's own (DIRECTORY_USER_REFUSED) gives the reasons it was counted for, each once
   * with its credential's action: the credential's words name them.
   */
  readonly refusals: readonly { readonly code: string; readonly count: number; readonly reasons?: readonly { readonly action: string; readonly reason: string }[] }[];
}

/** What Needs attention lists, by kind (Attention.kind); an admin's marking of one handled names its kind. */
export const ATTENTION_KINDS = ['push_rejected', 'push_limited', 'unknown_outcome', 'operator_failure', 'incomplete', 'unreadable'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];
export const isAttentionKind = (kind: string): kind is AttentionKind => (ATTENTION_KINDS as readonly string[]).includes(kind);
/** The audit action of an admin marking a Needs attention item handled. */
export const ATTENTION_HANDLED_ACTION = 'attention_handled';
/** What was done, in the admin's words: a few sentences. */
export const HANDLED_NOTE_MAX_LENGTH = 500;
/**
 * Why a note cannot be kept, if it cannot: checked on the form, and again when it is written. One is
 * needed: an item leaves the list on an admin's word, so the log says what that word was (a rejected
 * push dismissed with nothing said would leave no trace of whether anyone asked the person).
 */
export function handledNoteProblem(note: string | undefined): 'NOTE_MISSING' | 'NOTE_TOO_LONG' | undefined {
  const text = (note ?? '').trim();
  if (text.length === 0) return 'NOTE_MISSING';
  return text.length > HANDLED_NOTE_MAX_LENGTH ? 'NOTE_TOO_LONG' : undefined;
}

export type { AdminAnswer, AdminRefusal } from './admin-answer';

/**
 * Marking an item handled: done, or why not. NOT_AN_ITEM: the reference and kind name nothing on
 * the Needs attention list of this workspace (made up, of another kind, or past the 7 days).
 * OWN_ITEM: the item is the admin's own (a push they rejected may mean someone holds their Slack
 * session, and that session must not be the one to clear it): another admin marks it.
 */
export type HandledResult =
  | { readonly ok: true; readonly item: Attention }
  | { readonly ok: false; readonly code: AdminRefusal | 'STORE_UNAVAILABLE' | 'AUDIT_UNAVAILABLE' | 'NOT_AN_ITEM' | 'NOTE_MISSING' | 'NOTE_TOO_LONG' | 'OWN_ITEM' }
  | { readonly ok: false; readonly code: 'ALREADY_HANDLED'; readonly by: string; readonly at: string };

/**
 * Something an admin should look at: a change that may or may not have happened, a failure that
 * alerted an operator, or a security event (a push rejected on the person's phone, a person sent
 * as many pushes as the limit allows).
 */
export interface Attention {
  readonly requestId: string;
  readonly action: string;
  readonly at: string;
  readonly actor: Requester;
  /**
   * incomplete: the change was made but a step after it failed (a partial outcome). push_rejected:
   * the person rejected a push, so someone else may hold their Slack session. push_limited: the
   * person was refused for the push limit. Both once a person, at the newest (its time, credential
   * and reference), with `count`: how many times in the 7 days. unreadable: a record this version
   * cannot read (a newer version's, a hand edit, tampering), once a reference, with `unreadable`.
   */
  readonly kind: AttentionKind;
  readonly errorCode?: string;
  /** The verifier's audit name, so the push can name its app. */
  readonly verifier?: string;
  readonly count?: number;
  /** Of an unreadable item: the names of the fields this version could not read (AuditEvent.unreadable), never their values. */
  readonly unreadable?: readonly string[];
}

export interface AdminParts {
  /**
   * With approvals on: the changes that did not finish (their outcome unknown), oldest first, which
   * wait for an admin's new decision as much as `pending` does. All of them, up to the read's bound
   * (Listed.atLeast past it): the tab shows the first UNFINISHED_SHOWN, and afterOpen has each one's
   * channel message say so.
   */
  readonly unfinished?: Part<Listed>;
  /**
   * With approvals on: the changes that failed (APPLY_FAILED, of a kind the admin's click applies),
   * oldest first, which wait for an admin to retry or deny them. All of them, up to the read's bound
   * (Listed.atLeast past it): the tab shows the first AWAITING_RETRY_SHOWN, and how many more.
   * Those past their request's time are left out (`lapsed`), and afterOpen closes them.
   */
  readonly awaitingRetry?: Part<AwaitingRetry>;
  /**
   * With approvals on: the live requests waiting for a decision, of every kind, oldest first. Those
   * read past their time are left out (`expiring`), and afterOpen expires them. Read with them
   * (`approved`): the approved ones waiting for their requester to finish them, which an admin may
   * revoke; the tab shows the first APPROVED_WAITING_SHOWN.
   */
  readonly pending?: Part<Waiting>;
  readonly today: Part<TodayCounts>;
  /**
   * The first ATTENTION_SHOWN items not marked handled, how many more, and how many items admins
   * marked handled in the 7 days (each in the audit log, with who, when and their note).
   * unreadableMore: how many of the more are records this version cannot read (listed last).
   */
  readonly attention: Part<{ readonly items: readonly Attention[]; readonly more: number; readonly handled: number; readonly unreadableMore?: number }>;
}

export interface HomeData {
  readonly requester: Requester;
  /** The enabled credentials, by ID, in the registry's order: one button each. */
  readonly credentials: readonly string[];
  readonly licenses: boolean;
  readonly activity: Part<readonly Activity[]>;
  /** With approvals on: the person's own requests, of every kind, newest first. */
  readonly requests?: Part<readonly OwnRequest[]>;
  /** With approvals on: the person's own failed changes past their request's time, still listed as failed, shown or not (OwnRequests.lapsed), which afterOpen closes. */
  readonly ownLapsed?: readonly PendingRequest[];
  /** With approvals on: the person's own requests read waiting past their time, shown or not (OwnRequests.expiring), which afterOpen expires. */
  readonly ownExpiring?: readonly PendingRequest[];
  /** With approvals on: the person's own requests decided by a click that could not tell it was (OwnRequests.decidedUntold), which afterOpen follows up. */
  readonly ownDecidedUntold?: readonly PendingRequest[];
  /** With approvals on: the applies this open settled from the audit record before drawing (settleOnRead), whose requesters and messages afterOpen tells. */
  readonly settled?: readonly SettledOnRecord[];
  /** For admins only, decided when the tab is opened. */
  readonly admin?: AdminParts;
  /** Slack says the person is a guest (KnownGuests): the tab offers them no reset or license change, and says why. */
  readonly guest?: true;
  /** Named an admin, but a guest in Slack (Admins, asked now): no admin section, and the tab says why and what to do. */
  readonly guestAdmin?: true;
  /**
   * The admin group cannot be read for our setup, and the person was named an admin when it was
   * last read (Admins.namedWhenLastRead): no admin section, and the tab says why.
   */
  readonly adminGroupUnreadable?: true;
  /**
   * The tab read once a late admin check answered for an admin (HomeOpened.adminLater): the
   * person's own parts are as the tab published before read them, and were followed up with it
   * (afterOpen does the admin sections' follow-ups only).
   */
  readonly ownFollowedUp?: true;
  readonly now: Date;
}

/**
 * The person's tab as read now, and, when the admin check had not answered within
 * ADMIN_CHECK_WAIT_MS (`data` has no admin sections), their admin tab once it says yes, or the tab
 * that says why a named admin has none (a guest; the group unreadable): undefined for a no, any
 * other failure, or a tab that could not be read (said in the log). Never rejects.
 */
export interface HomeOpened {
  readonly data: HomeData;
  readonly adminLater?: Promise<HomeData | undefined>;
}

/** What the admin check said (Admins.isAdmin; never thrown): yes, no (undefined), or why not, for the tab to say. */
type AdminCheck = true | 'ADMIN_IS_GUEST' | 'ADMIN_GROUP_UNREADABLE' | undefined;

/** The admin's parts, and what their own lines read with them (HomeTab.adminParts). */
interface AdminRead {
  readonly parts: AdminParts;
  readonly revokes: readonly AuditEvent[];
  readonly older: OlderApprovals;
}

/** What the tab shows of the admin check: the admin's parts, or why not, or nothing. */
type AdminShown = AdminRead | Exclude<AdminCheck, true>;

/** The person's own reads, which a late admin tab draws from as the tab before it did. */
interface OwnRead {
  readonly events: Part<AuditEvent[]>;
  readonly own: Part<OwnRequests> | undefined;
  readonly guest: boolean;
}

const NOTHING_SETTLED: SettledOnRead = { standing: [], settled: [], found: [] };

interface SearchQuery {
  /** Absent: everyone in the admin's workspace, over at most EVERYONE_MAX_DAYS. */
  readonly person?: string;
  /** The first and the last UTC day searched (YYYY-MM-DD), both included. */
  readonly from: string;
  readonly to: string;
  readonly after?: string;
}

/**
 * A person's confirmations opened and closed without a click on one page of a search: nothing was
 * changed or asked, so they are one line, not one each, and still each on record for a reviewer.
 */
export interface ClosedUnclicked {
  readonly actor: Requester;
  /** By action, most first. */
  readonly actions: readonly { readonly action: string; readonly count: number }[];
  /** Newest first. */
  readonly references: readonly string[];
}

/**
 * The UTC days a short form was looked for on (lookUpEnd), and why those: the days picked, the last
 * EVERYONE_MAX_DAYS when none were, or the day pasted with it ("39c384, 6 Dec UTC").
 */
export interface ShortFormDays {
  readonly from: string;
  readonly to: string;
  readonly chosen: 'picked' | 'recent' | 'pasted';
}

export type SearchResult =
  // beyond: more requests end with a short form than SEARCH_PAGE, the newest shown. days: a short form's (lookUpEnd).
  | { readonly ok: true; readonly rows: readonly Activity[]; readonly closed?: readonly ClosedUnclicked[]; readonly next?: string; readonly beyond?: true; readonly days?: ShortFormDays }
  | { readonly ok: false; readonly code: AdminRefusal | 'STORE_UNAVAILABLE' | 'REQUEST_INVALID' };

/** The approvals capability, as the Home tab reads it (Approvals). */
interface ApprovalQueue {
  waiting(limit: number): Promise<Waiting>;
  unfinished(): Promise<Listed>;
  awaitingRetry(): Promise<AwaitingRetry>;
  mine(requester: Requester, limit: number): Promise<OwnRequests>;
  standing(ids: readonly string[]): Promise<(PendingRequest & { readonly decidable: boolean })[]>;
  settleOnRead(requests: readonly PendingRequest[]): Promise<SettledOnRead>;
  afterRead(after: AfterRead): Promise<void>;
  closeLapsedRetries(requests: readonly PendingRequest[]): Promise<void>;
  expireDue(requests: readonly PendingRequest[]): Promise<void>;
  followUpDecisions(requests: readonly PendingRequest[], viewer: Requester): Promise<void>;
}

interface HomeTabDeps {
  readonly credentials: readonly string[];
  /** Read for the tab and the search; written to when an admin marks a Needs attention item handled. */
  readonly audit: AuditReader & AuditLog;
  /** With approvals on. */
  readonly requests?: ApprovalQueue;
  /** License requests are on: the tab has their button. */
  readonly licenses?: boolean;
  /** Who is an admin; undefined when none is configured. */
  readonly admins?: Admins;
  /** Who is a guest, offered nothing to do: Slack's answer, kept a few minutes. */
  readonly guests: KnownGuests;
  readonly workspace: Workspace;
  readonly clock: Clock;
  readonly logger: Logger;
}

export const RECENT_ACTIVITY = 10;
export const OWN_REQUESTS = 5;
export const PENDING_SHOWN = 10;
export const UNFINISHED_SHOWN = 5;
export const AWAITING_RETRY_SHOWN = 5;
/** Approved requests waiting for their requester to finish them (Waiting.approved), each with Revoke, before "…and N more". */
export const APPROVED_WAITING_SHOWN = 5;
/**
 * How long the tab waits for Slack to say whether the person is a guest, asked together with its
 * own reads: past it, the tab is a member's (a click is still checked), not one kept waiting.
 */
export const GUEST_CHECK_WAIT_MS = 1_000;
/**
 * How long the tab waits for the admin check (Admins.isAdmin), asked together with its own reads:
 * past it, the tab is published as a member's, and published again with the admin sections once
 * the check says yes, or with the line saying why not for a named admin it refuses
 * (HomeOpened.adminLater). The check reads Slack whenever what the process keeps is old (the admin
 * group's list, usergroups.users.list, Tier 2; Slack's word that a named admin is no guest), which
 * Slack's client allows 5 s, 30 s when Slack rate-limits: an employee locked out, whose every open
 * may re-read the group, sees their buttons within a second, never the admin sections without a
 * yes (fail closed).
 */
export const ADMIN_CHECK_WAIT_MS = 1_000;
/** The admin check past ADMIN_CHECK_WAIT_MS. */
const LATE = 'late' as const;
const ATTENTION_DAYS = 7;
/**
 * Requests an admin's tab found gone from the approvals store that a process keeps knowing so
 * (HomeTab.approvalsBefore): a tab asks of at most RECENT_ACTIVITY, so this covers fifty admins'
 * tabs at once in about 26 KB (measured). Past it the first found is forgotten, and asked of again when shown.
 */
const GONE_KEPT = 500;
export const ATTENTION_SHOWN = 10;
/** A search's lines a page: counted in lines, as shown, not in records (a line takes one to four). */
export const SEARCH_PAGE = 20;
/** As long as the audit log keeps records (AUDIT_RETENTION_DAYS' maximum). */
export const SEARCH_MAX_DAYS = 400;
/**
 * Everyone's records (no person picked): a week at most, read as the Home tab's week is, one Query
 * of the by-day index a day, a page at a time.
 */
export const EVERYONE_MAX_DAYS = 7;

/**
 * The Home tab: what a person can do and has done, and for admins what waits for them. Every part
 * is read in one round of parallel queries (the admin's parts as soon as the admin check answers,
 * which is usually from memory: Slack is asked whether a named admin is a guest once a minute at
 * most; past ADMIN_CHECK_WAIT_MS, in a tab of their own published after; whether the person is a
 * guest, for what is offered, asked of Slack alongside), and a
 * part that cannot be read is shown as unavailable while the rest, the buttons first, still is.
 * Only a change whose outcome is unknown, read for the first time past its bound, costs a second
 * round (its audit record, and the write that settles it from there: Approvals.settleOnRead), so
 * the tab shows it as it stands; a tab with none makes no call more. And an admin's own approval
 * decided before the week their tab reads, of a kind its requester finishes, is read from the
 * approvals store once their records answer, beside the week's Queries (approvalsBefore), so that
 * another admin's revoke of it shows.
 */
export class HomeTab {
  /** Approved requests the approvals store no longer holds (approvalsBefore), oldest found first. */
  private readonly gone = new Set<string>();

  constructor(private readonly deps: HomeTabDeps) {}

  /** The tab's data for the person who opened it, or undefined when the request is not for this workspace. */
  async open(requester: Requester): Promise<HomeOpened | undefined> {
    const { deps } = this;
    if (!servesRequest(deps.workspace, requester)) {
      deps.logger.warn({ slackUserId: requester.userId, slackTeamId: requester.teamId }, 'home tab for another workspace ignored');
      return undefined;
    }
    const now = deps.clock.now();
    const latest = this.part('activity', requester, () => deps.audit.latestOf(requester, RECENT_ACTIVITY));
    const checked = this.adminCheck(requester);
    let late = false;
    const inTime = async (): Promise<AdminShown> => {
      const check = await settledWithin(checked, ADMIN_CHECK_WAIT_MS, LATE);
      if (check === LATE) late = true;
      return check === true ? this.adminParts(requester, now, latest) : check === LATE ? undefined : check;
    };
    const [events, own, adminRead, guest] = await Promise.all([
      latest,
      deps.requests ? this.part('own requests', requester, () => deps.requests!.mine(requester, OWN_REQUESTS)) : undefined,
      inTime(),
      // With the reads, never before them: users.info is no call the tab waits on in turn.
      deps.guests.isGuest(requester, GUEST_CHECK_WAIT_MS),
    ]);
    const mine: OwnRead = { events, own, guest };
    const { data, read } = await this.drawn(requester, now, mine, adminRead);
    if (!late) return { data };
    // Logged for everyone it happens to, employees too: it promises no admin section, only a tab published again for an admin.
    deps.logger.info(
      { slackUserId: requester.userId, waitMs: ADMIN_CHECK_WAIT_MS },
      'admin check did not answer in time: home tab published without admin sections; published again only if it finds an admin (with them, or saying why not)',
    );
    return { data, adminLater: this.adminLater(requester, now, latest, mine, read, checked) };
  }

  /**
   * The admin's tab, once an admin check that outlasted its wait says yes: its admin parts read
   * then, and the person's own as the tab before read them (and settled: `ownSettled`), as of that
   * tab's `now`. A check that refuses a named admin (a guest; the group unreadable) gives the tab
   * with the line that says why and what to do, as it would have in time: an admin is never left
   * with a member's tab that says nothing. Undefined for a no or any other failure: the member's
   * tab stands.
   */
  private async adminLater(
    requester: Requester,
    now: Date,
    latest: Promise<Part<AuditEvent[]>>,
    mine: OwnRead,
    ownSettled: SettledOnRead,
    checked: Promise<AdminCheck>,
  ): Promise<HomeData | undefined> {
    try {
      const check = await checked;
      if (check === undefined) return undefined;
      const shown: AdminShown = check === true ? await this.adminParts(requester, now, latest) : check;
      return (await this.drawn(requester, now, mine, shown, ownSettled)).data;
    } catch (err) {
      this.notDrawn(requester, err);
      return undefined;
    }
  }

  /**
   * The tab from its reads. Changes whose outcome is unknown here, which the audit record settles
   * (rare: none, no call), are drawn as they stand once settled, never as "outcome unknown"
   * (settleOnRead). `ownSettled`: the person's own were settled by a tab read before (a late admin
   * tab's), so only the admin's are, and the own parts' follow-ups are that tab's.
   */
  private async drawn(
    requester: Requester,
    now: Date,
    { events, own, guest }: OwnRead,
    adminRead: AdminShown,
    ownSettled?: SettledOnRead,
  ): Promise<{ data: HomeData; read: SettledOnRead }> {
    const { deps } = this;
    const admin = typeof adminRead === 'object' ? adminRead : undefined;
    const unfinishedRead = admin?.parts.unfinished?.ok ? admin.parts.unfinished.value.requests : [];
    const ownToSettle = ownSettled || !own?.ok ? [] : own.value.requests;
    // One whose record shows nothing was sent is drawn so (never applied), as its message will say.
    const fresh: SettledOnRead = deps.requests ? await deps.requests.settleOnRead([...ownToSettle, ...unfinishedRead]) : NOTHING_SETTLED;
    const read: SettledOnRead = ownSettled
      ? { standing: [...ownSettled.standing, ...fresh.standing], settled: fresh.settled, found: [...ownSettled.found, ...fresh.found] }
      : fresh;
    const { settled } = fresh;
    const requests: Part<readonly OwnRequest[]> | undefined = own && (own.ok ? { ok: true, value: own.value.requests.map((r) => asItStands(r, read)) } : own);
    const shown = typeof adminRead === 'string' ? adminRead : admin && withMoved(admin.parts, read);
    const followsOwn = ownSettled === undefined && own?.ok === true ? own.value : undefined;
    const activity: Part<readonly Activity[]> = events.ok
      ? {
          ok: true,
          value: oneLinePerRequest(
            activityOf(
              events.value.filter(madeOrAsked),
              now,
              [...(requests?.ok ? requests.value : []), ...(admin ? admin.older.standing : [])],
              admin ? admin.revokes : [],
              admin ? admin.older.unread : [],
            ),
          ).slice(0, RECENT_ACTIVITY),
        }
      : events;
    const data: HomeData = {
      requester,
      credentials: deps.credentials,
      licenses: deps.licenses === true,
      activity,
      ...(requests && { requests }),
      ...(followsOwn && followsOwn.lapsed.length > 0 && { ownLapsed: followsOwn.lapsed }),
      ...(followsOwn && followsOwn.expiring.length > 0 && { ownExpiring: followsOwn.expiring }),
      ...(followsOwn && followsOwn.decidedUntold.length > 0 && { ownDecidedUntold: followsOwn.decidedUntold }),
      ...(settled.length > 0 && { settled }),
      ...(shown === 'ADMIN_IS_GUEST' ? { guestAdmin: true as const } : shown === 'ADMIN_GROUP_UNREADABLE' ? { adminGroupUnreadable: true as const } : shown && { admin: shown }),
      ...(guest && { guest }),
      ...(ownSettled && { ownFollowedUp: true as const }),
      now,
    };
    return { data, read };
  }

  /**
   * What follows the tab's publication, never delaying it: the admins' message of each request
   * whose change's outcome is unknown shows it so, with Review: the person's own (their newest),
   * and, for an admin, every one that did not finish, however old, so no message still says it is
   * being made once any admin has opened the tab. And each failed change read past its request's
   * time (the person's own, and for an admin the failed list's) is closed: its message loses
   * Review and its requester is told to ask again. And each request read waiting past its time
   * (the person's own, shown or not, and for an admin the queue's) is expired: its message shows
   * it, and its requester is told. And each of the person's own requests decided by a click that
   * could not tell it was is told to them and the admins, as that click would have. And the
   * requester and admins' message of each apply this open settled from the record are told (the
   * first and this: Approvals.afterRead, as /request-license does it). Failures are logged, never thrown.
   */
  async afterOpen(data: HomeData): Promise<void> {
    const { requests, logger } = this.deps;
    if (!requests) return;
    const own = data.requests?.ok && !data.ownFollowedUp ? data.requests.value : [];
    const unfinished = data.admin?.unfinished?.ok ? data.admin.unfinished.value.requests : [];
    const lapsed = data.admin?.awaitingRetry?.ok ? (data.admin.awaitingRetry.value.lapsed ?? []) : [];
    const expiring = [...(data.ownExpiring ?? []), ...(data.admin?.pending?.ok ? data.admin.pending.value.expiring : [])];
    const after = (name: string, work: Promise<void>) =>
      work.catch((err: unknown) => logger.warn({ slackUserId: data.requester.userId, part: name, err: describeError(err) }, 'home tab follow-up failed'));
    await Promise.all([
      own.length + unfinished.length > 0 || data.settled ? after('read past the bound', requests.afterRead({ requests: [...own, ...unfinished], settled: data.settled ?? [] })) : undefined,
      (data.ownLapsed?.length ?? 0) + lapsed.length > 0 ? after('lapsed failed changes', requests.closeLapsedRetries([...(data.ownLapsed ?? []), ...lapsed])) : undefined,
      expiring.length > 0 ? after('expired requests', requests.expireDue(expiring)) : undefined,
      data.ownDecidedUntold ? after('decisions not yet told', requests.followUpDecisions(data.ownDecidedUntold, data.requester)) : undefined,
    ]);
  }

  /**
   * The person's tab could not be drawn as a whole (`err`: a read no part caught, the drawing, or
   * Slack refusing what was drawn): an alert for a fault of ours (INTERNAL and the other operator
   * codes), a warning otherwise. Logged, never thrown.
   */
  notDrawn(requester: Requester, err: unknown): void {
    const failure = asFailure(err);
    const fields = { slackUserId: requester.userId, err: describeError(err), code: failure.code };
    if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'could not draw the home tab');
    else this.deps.logger.warn(fields, 'could not draw the home tab');
  }

  /** Whether this person may see and do what admins do: asked again on every click. */
  async isAdmin(requester: Requester): Promise<boolean> {
    if (!this.deps.admins || !servesRequest(this.deps.workspace, requester)) return false;
    return this.deps.admins.isAdmin(requester.userId);
  }

  /** Whether this person may do what admins do (`action`), or why not: asked again on every click. */
  adminAnswer(requester: Requester, action: string): Promise<AdminAnswer> {
    return adminAnswer(() => this.isAdmin(requester), this.deps.logger, { slackUserId: requester.userId, action });
  }

  /** One page of a person's audit records, for an admin. */
  async search(admin: Requester, query: SearchQuery): Promise<SearchResult> {
    const { deps } = this;
    const refused = await this.adminRefused(admin, 'audit_search');
    if (refused) return refused;
    if (searchProblem(query.from, query.to, query.person ? SEARCH_MAX_DAYS : EVERYONE_MAX_DAYS)) return { ok: false, code: 'REQUEST_INVALID' };
    const { from, to } = utcDays(query.from, query.to);
    try {
      // People are looked up in the workspace the admin searches from.
      // A person's confirmations closed without a click are one line of the page.
      const lineOf = (e: AuditEvent) => (e.phase === 'cancelled' ? 'closed unclicked' : thingOf(e));
      // A requester's withdraw, however far from their request in the log, is shown on the request's line (withLaterSteps).
      const terms = { lines: SEARCH_PAGE, after: query.after, placeOf: requesterLaterStepOf };
      const page = query.person
        ? await deps.audit.search({ userId: query.person, teamId: admin.teamId }, from, to, { ...terms, lineOf })
        : await deps.audit.searchDays(admin.teamId, daysOf(from, to).reverse(), { ...terms, lineOf: (e) => `${e.actor.userId} ${lineOf(e)}` });
      deps.logger.info({ slackUserId: admin.userId, searched: query.person ?? 'everyone', records: page.events.length }, 'audit searched');
      const standing = await this.standingOf(admin, page.events);
      const people = [...new Set(page.events.map((e) => e.actor.userId))];
      const rows = await this.withLaterSteps(admin, page.events, standing);
      const closed = people.flatMap((person) => closedUnclicked(page.events.filter((e) => e.actor.userId === person && e.phase === 'cancelled')));
      return { ok: true, rows, ...(closed.length > 0 && { closed }), ...(page.next && { next: page.next }) };
    } catch (err) {
      // A page button this search did not make (AuditReader: REQUEST_INVALID): no fault of the log's.
      if (err instanceof LatchkeyFailure && err.code === 'REQUEST_INVALID') {
        deps.logger.info({ slackUserId: admin.userId, detail: err.detail }, 'audit search page refused: not a place this search made');
        return { ok: false, code: 'REQUEST_INVALID' };
      }
      deps.logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'audit search failed');
      return { ok: false, code: 'STORE_UNAVAILABLE' };
    }
  }

  /**
   * Every record of one request, by its whole reference, for an admin: whoever wrote them in this
   * workspace or, in an Enterprise Grid org, from any workspace of it (recordedHere: the requester's
   * steps and the admins' decisions), one line per person's request.
   */
  async lookUp(admin: Requester, reference: string): Promise<SearchResult> {
    const { deps } = this;
    const refused = await this.adminRefused(admin, 'audit_search');
    if (refused) return refused;
    if (!isReference(reference)) return { ok: false, code: 'REQUEST_INVALID' };
    try {
      const events = (await deps.audit.ofReferences([reference])).filter((e) => this.recordedHere(admin, e));
      deps.logger.info({ slackUserId: admin.userId, reference, records: events.length }, 'audit looked up');
      return { ok: true, rows: await this.linesOfRequests(admin, events) };
    } catch (err) {
      deps.logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'audit look-up failed');
      return { ok: false, code: 'STORE_UNAVAILABLE' };
    }
  }

  /**
   * Every request whose reference ends with `end` (a message's short reference, read out over the
   * phone) among the records written on the days picked (`from`, `to`), on the day pasted with it
   * (`on`: "6 Dec", as the message prints it, the latest such day up to today), or with neither on the
   * last EVERYONE_MAX_DAYS (today and the days before), for an admin: each request's records as its
   * whole reference finds them (lookUp), so two requests with the same end are both shown, each
   * under its own reference. The days are everyone's search's (EVERYONE_MAX_DAYS at most, one Query
   * of the by-day index a day, and one of the day after), and at most SEARCH_PAGE requests are read on.
   */
  async lookUpEnd(admin: Requester, query: { end: string; from?: string; to?: string; on?: string }): Promise<SearchResult> {
    const { deps } = this;
    const refused = await this.adminRefused(admin, 'audit_search');
    if (refused) return refused;
    const chosen = this.shortFormDays(query);
    if (!isReferenceEnd(query.end) || !chosen) return { ok: false, code: 'REQUEST_INVALID' };
    const { from, to } = utcDays(chosen.from, chosen.to);
    try {
      // The short form's day is its reference's, taken at the command; its records are written at the
      // click, up to a ticket's time later: past midnight, on the day after. So that day is read too (up
      // to today), as everyone's search reads it, for the references taken by the last day picked only.
      const picked = daysOf(from, to);
      const last = picked.at(-1)!;
      const after = new Date(to.getTime() + 1).toISOString().slice(0, 10);
      const days = after <= deps.clock.now().toISOString().slice(0, 10) ? [...picked, after] : picked;
      const ending = (await deps.audit.endingWith(days, query.end)).filter((r) => r.reference.slice(0, 10) <= last && this.recordedHere(admin, r.event));
      const all = [...new Set(ending.map((r) => r.reference))].sort((a, b) => compareText(b, a));
      const references = all.slice(0, SEARCH_PAGE);
      const events = references.length === 0 ? [] : (await deps.audit.ofReferences(references)).filter((e) => this.recordedHere(admin, e));
      deps.logger.info({ slackUserId: admin.userId, end: query.end, days, requests: all.length, records: events.length }, 'audit looked up by a reference\'s end');
      return { ok: true, rows: await this.linesOfRequests(admin, events), days: chosen, ...(all.length > references.length && { beyond: true as const }) };
    } catch (err) {
      deps.logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'audit look-up failed');
      return { ok: false, code: 'STORE_UNAVAILABLE' };
    }
  }

  /** The days lookUpEnd reads for a short form, or undefined when they cannot be read (as searchProblem, or no day of the calendar). */
  private shortFormDays(query: { from?: string; to?: string; on?: string }): ShortFormDays | undefined {
    const now = this.deps.clock.now();
    if (query.on !== undefined) {
      const on = dayOfShortForm(query.on, now);
      return on ? { from: on, to: on, chosen: 'pasted' } : undefined;
    }
    if (query.from === undefined && query.to === undefined) {
      const days = daysOf(new Date(now.getTime() - (EVERYONE_MAX_DAYS - 1) * 86_400_000), now);
      return { from: days[0]!, to: days.at(-1)!, chosen: 'recent' };
    }
    if (query.from === undefined || query.to === undefined || searchProblem(query.from, query.to, EVERYONE_MAX_DAYS)) return undefined;
    return { from: query.from, to: query.to, chosen: 'picked' };
  }

  /** Records read by their requests' references: one line per person's request, newest first. */
  private async linesOfRequests(admin: Requester, events: readonly AuditEvent[]): Promise<Activity[]> {
    const standing = (await this.standingOf(admin, events)) ?? [];
    const people = [...new Set(events.map((e) => e.actor.userId))];
    // Another admin's revoke of an approval is among the request's records: the approving admin's line says it too, stored or not.
    const revokes = events.filter(revokeOf);
    const rows = people.flatMap((person) => activityOf(events.filter((e) => e.actor.userId === person), this.deps.clock.now(), standing, revokes));
    return rows.sort((a, b) => compareText(b.at, a.at) || compareText(b.requestId, a.requestId));
  }

  /**
   * An admin marks an item of Needs attention handled, saying what was done (`note`, needed): it
   * leaves the list (attentionOf) and is counted as handled, and the audit log has who, when, which
   * item and the note. Whether they are an admin is asked again now. The item comes from a button's
   * value, so it is checked against the audit log: only a reference and kind that Needs attention
   * lists now, in the 7 days, are marked; anything else writes nothing. Checked against the records
   * the admin's look-up of the reference reads (recordedHere: their workspace's, or in an Enterprise
   * Grid org any workspace's of it, whose items every admin is shown), never only their own
   * workspace's, or such an item could never leave the list.
   */
  async markHandled(admin: Requester, target: { readonly kind: string; readonly reference: string }, note: string | undefined): Promise<HandledResult> {
    const { deps } = this;
    const refused = await this.adminRefused(admin, ATTENTION_HANDLED_ACTION);
    if (refused) return refused;
    const text = (note ?? '').trim();
    const { kind, reference } = target;
    const notAnItem = (): HandledResult => {
      deps.logger.warn({ slackUserId: admin.userId, kind: isAttentionKind(kind) ? kind : 'unknown', reference: isReference(reference) ? reference : 'invalid' }, 'mark handled refused: not an item of Needs attention');
      return { ok: false, code: 'NOT_AN_ITEM' };
    };
    const noteProblem = handledNoteProblem(text);
    if (noteProblem) return { ok: false, code: noteProblem };
    if (!isAttentionKind(kind) || !isReference(reference)) return notAnItem();
    const now = deps.clock.now();
    let events: AuditEvent[];
    try {
      events = (await deps.audit.ofReferences([reference])).filter((e) => this.recordedHere(admin, e));
    } catch (err) {
      deps.logger.warn({ slackUserId: admin.userId, err: describeError(err) }, 'mark handled: audit log unreadable');
      return { ok: false, code: 'STORE_UNAVAILABLE' };
    }
    const earlier = events.find((e) => e.action === ATTENTION_HANDLED_ACTION && e.handledRequestId === reference && e.attentionKind === kind);
    if (earlier) return { ok: false, code: 'ALREADY_HANDLED', by: earlier.actor.userId, at: earlier.at };
    const weekFrom = weekDays(now).at(-1)!;
    const item = attentionOf(events, now).items.find((a) => a.requestId === reference && a.kind === kind && a.at.slice(0, 10) >= weekFrom);
    if (!item) return notAnItem();
    if (item.actor.userId === admin.userId) {
      deps.logger.warn({ slackUserId: admin.userId, reference, kind }, 'mark handled refused: the item is their own');
      return { ok: false, code: 'OWN_ITEM' };
    }
    try {
      await deps.audit.record({
        requestId: newRequestId(now),
        phase: 'outcome',
        outcome: 'success',
        action: ATTENTION_HANDLED_ACTION,
        actor: admin,
        // An unreadable record's person, when it could not be read, is nobody to name.
        ...(item.actor.userId && item.actor.teamId && { subject: item.actor }),
        handledRequestId: reference,
        attentionKind: kind,
        note: text,
      });
    } catch (err) {
      // Nothing was marked: the item stays listed.
      deps.logger.error({ slackUserId: admin.userId, reference, err: describeError(err), alert: true }, 'mark handled: audit record could not be written');
      return { ok: false, code: 'AUDIT_UNAVAILABLE' };
    }
    // The note is typed text: the audit log keeps it, never a log line.
    deps.logger.info({ slackUserId: admin.userId, reference, kind }, 'needs attention item marked handled');
    return { ok: true, item };
  }

  /**
   * Whether a record read by a request's reference is one the admin's reads see (the look-up, a
   * requester's line, Mark handled): written in their workspace, or from any workspace of the
   * deployment's Enterprise Grid org (its signed enterprise.id, AuditEntry.actor), where an admin may
   * decide a request, or be shown an item of Needs attention, of another workspace of it.
   */
  private recordedHere(admin: Requester, e: AuditEvent): boolean {
    const org = this.deps.workspace.enterpriseId;
    return e.actor.teamId === admin.teamId || (org !== undefined && e.actor.enterpriseId === org);
  }

  /** Why this person may not do what admins do (`action`), if they may not: asked again on every search and click. */
  private async adminRefused(admin: Requester, action: string): Promise<{ ok: false; code: AdminRefusal } | undefined> {
    const answer = await this.adminAnswer(admin, action);
    return answer === 'ADMIN' ? undefined : { ok: false, code: answer };
  }

  /**
   * The page's lines, each person's request as it stands now: where the approvals store says
   * (`standing`; undefined: unread), and what the records of its later steps say, read by the
   * requests' references (one Query of the by-day index per day their steps can be on, for the whole
   * page): who decided it, how and when (the decision is audited under the admin who made it), and its
   * requester's own withdraw, which the search read past wherever it sits in the log
   * (LinesPage.placeOf), so the request is one line on one page. Not read for those the store says
   * nobody has decided. A request whose store entry is gone (kept 90 days past its time) says how it
   * ended as its records do: decided, withdrawn, revoked, its change applied or failed; and when they
   * say nothing of its end, that its end is not known (Activity.endUnknown), never that it waits.
   * An admin's approval whose request the store does not say of (gone, or unread) is read with them,
   * so that another admin's revoke of it shows on its line, as on the admin's Home tab; those records
   * unread, the line says its revoke could not be read (Activity.revokeUnread), never a bare "Approved".
   */
  private async withLaterSteps(admin: Requester, events: readonly AuditEvent[], standing: readonly PendingRequest[] | undefined): Promise<Activity[]> {
    const now = this.deps.clock.now();
    // `revokes` and `unread` as on an admin's Home tab (activityOf): another admin's revoke of the line's approval.
    const linesOf = (records: readonly AuditEvent[], revokes: readonly AuditEvent[] = [], unread: readonly string[] = []) =>
      [...new Set(records.map((e) => e.actor.userId))]
        .flatMap((person) => activityOf(records.filter((e) => e.actor.userId === person && e.phase !== 'cancelled'), now, standing ?? [], revokes, unread))
        .sort((a, b) => compareText(b.at, a.at) || compareText(b.requestId, a.requestId));
    // Another admin's revoke on the page (everyone's search of its day) needs no read.
    const onPage = events.filter(revokeOf);
    const rows = linesOf(events, onPage);
    const stored = new Map((standing ?? []).map((r) => [r.id, r]));
    const requests = rows.filter(
      (r) => r.pendingRequestId && !r.decision && !r.withdrawn && isRequestStep(r.action) && (!stored.has(r.pendingRequestId) || stored.get(r.pendingRequestId)!.decidedBy),
    );
    // An admin's approval that stood, as far as their own records say, whose request the store no
    // longer has (purged 90 days past its time) or could not say of: another admin's revoke of it is
    // on that admin's records, read with the requests' (the same Queries, a day each, for the page).
    const approvals = rows.flatMap((r) =>
      r.pendingRequestId && r.decision === 'approve' && r.state === 'succeeded' && !r.standing && !r.revoked && r.applied === undefined ? [r.pendingRequestId] : [],
    );
    /** A request line whose end nothing read says (`read`: whether the records of its later steps were). */
    const unknownEnd = (r: Activity, read: boolean): Activity =>
      r.pendingRequestId && isRequestStep(r.action) && r.state === 'succeeded' && !r.standing && !r.decision && !r.withdrawn && !r.revoked
        ? { ...r, endUnknown: standing && read ? 'not_kept' : 'unread' }
        : r;
    if (requests.length === 0 && approvals.length === 0) return rows.map((r) => unknownEnd(r, true));
    let records: AuditEvent[];
    try {
      records = (await this.deps.audit.ofReferences([...requests.map((r) => r.pendingRequestId!), ...approvals])).filter((e) => this.recordedHere(admin, e));
    } catch (err) {
      this.deps.logger.warn({ slackUserId: admin.userId, part: 'decisions', err: describeError(err) }, 'audit search without who decided the requests');
      // Never a bare "Approved" of an approval whose revoke, if any, was not read.
      return (approvals.length > 0 ? linesOf(events, onPage, approvals) : rows).map((r) => unknownEnd(r, false));
    }
    // Its requester's own later steps, on its line, unless the page has them already.
    const requester = new Map(requests.map((r) => [r.pendingRequestId!, r.actor.userId]));
    const read = new Set(events.map(recordKey));
    const later = records.filter((e) => {
      const place = requesterLaterStepOf(e);
      return place !== undefined && requester.get(place) === e.actor.userId && !read.has(recordKey(e));
    });
    const revokes = approvals.length > 0 ? records.filter(revokeOf) : [];
    const whole = later.length > 0 || revokes.length > 0 ? linesOf([...events, ...later], [...onPage, ...revokes]) : rows;
    /** Each request's latest record of a kind (`of`: the request it is of, if it is one), outcomes only. */
    const latest = (of: (e: AuditEvent) => string | undefined) => {
      const found = new Map<string, AuditEvent>();
      for (const e of records) {
        const id = e.phase === 'outcome' ? of(e) : undefined;
        const before = id === undefined ? undefined : found.get(id);
        if (id !== undefined && (!before || compareText(before.at, e.at) < 0)) found.set(id, e);
      }
      return found;
    };
    const decided = latest((e) => (e.decision && e.outcome === 'success' ? pendingOf(e) : undefined));
    // Used only where the store no longer says where it stands: an admin's apply, or its requester's finish (a change of its own, naming it).
    const changed = latest((e) => (APPLY_ACTIONS.includes(e.action) || !isApprovalStep(e.action) ? (e.approvalRequestId ?? e.licenseRequestId) : undefined));
    const revoked = latest((e) => (REVOKE_ACTIONS.includes(e.action) && e.outcome === 'success' ? pendingOf(e) : undefined));
    return whole.map((r) => {
      const d = r.pendingRequestId ? decided.get(r.pendingRequestId) : undefined;
      const decision = d?.decision;
      if (!d || !decision) return unknownEnd(r, true);
      // Where it stands, when the store still has it, says more than the decision (applied, expired…).
      // Its outcome written again once found made (AuditEntry.restated): made at its click, its attempt's time.
      const at = (d.restated && records.find((e) => e.requestId === d.requestId && e.phase === 'attempt')?.at) || d.at;
      const decidedBy = { userId: d.actor.userId, decision, at };
      if (r.standing || r.decision) return { ...r, decidedBy };
      const change = decision === 'approve' && isRequestStep(r.action) ? changed.get(r.pendingRequestId!) : undefined;
      return {
        ...r,
        decidedBy,
        decision,
        ...(change && {
          applied: change.outcome === 'success' || change.outcome === 'partial' ? 'succeeded' : change.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN' ? 'unknown' : handedBack(change) ? 'not_sent' : 'failed',
        }),
        ...(isRequestStep(r.action) && revoked.has(r.pendingRequestId!) && { revoked: true, revoker: revokerOf(revoked.get(r.pendingRequestId!)!) }),
      };
    });
  }

  /**
   * Where the pending requests these records are steps of stand now, so that a request's line says
   * how it ended (denied, applied…) as its requester's Home tab does, not only that it was sent.
   * Unread: undefined, and the lines say what the records say (or that their end could not be read).
   */
  private async standingOf(admin: Requester, events: readonly AuditEvent[]): Promise<(PendingRequest & { readonly decidable: boolean })[] | undefined> {
    const ids = [...new Set(events.flatMap((e) => pendingOf(e) ?? []))];
    if (!this.deps.requests || ids.length === 0) return [];
    return this.deps.requests.standing(ids).catch((err: unknown) => {
      this.deps.logger.warn({ slackUserId: admin.userId, part: 'request standing', err: describeError(err) }, 'audit search without where requests stand');
      return undefined;
    });
  }

  /**
   * Whether the person may see the admin sections, asked as every admin click asks (isAdmin), never
   * thrown: a failure is a no (not knowing is not being an admin), and one the tab says why of.
   */
  private async adminCheck(requester: Requester): Promise<AdminCheck> {
    const { deps } = this;
    try {
      return (await this.isAdmin(requester)) || undefined;
    } catch (err) {
      const code = asFailure(err).code;
      // A guest named an admin: no admin section, and one line says why (logged by Admins).
      if (code === 'ADMIN_IS_GUEST') return 'ADMIN_IS_GUEST';
      // Not knowing is not being an admin: the person's own parts are still shown.
      deps.logger.warn({ slackUserId: requester.userId, err: describeError(err) }, 'admin check failed; home tab without admin sections');
      // Our setup, not Slack's bad minute: one who was an admin when the group was last read is told
      // why their admin sections are gone (where an admin first notices); anyone else, a member as
      // far as this process knows, is shown no setup words.
      if (code === 'ADMIN_GROUP_UNREADABLE' && deps.admins?.namedWhenLastRead(requester.userId)) return 'ADMIN_GROUP_UNREADABLE';
      return undefined;
    }
  }

  /**
   * The admin's parts, once the admin check said yes, and the week's revokes they read (`revokes`,
   * for the admin's own lines: an approval of theirs another admin took back is on that admin's
   * records, not theirs); and their own approvals from before that week as stored now (`older`,
   * approvalsBefore), for the same.
   */
  private async adminParts(requester: Requester, now: Date, latest: Promise<Part<AuditEvent[]>>): Promise<AdminRead> {
    const { deps } = this;
    const days = weekDays(now);
    const week = Promise.all(days.map((day) => deps.audit.ofDay(day)));
    const [unfinished, awaitingRetry, pending, today, attention, revokes, older] = await Promise.all([
      deps.requests
        ? this.part('unfinished requests', requester, () => deps.requests!.unfinished())
        : undefined,
      deps.requests ? this.part('failed requests', requester, () => deps.requests!.awaitingRetry()) : undefined,
      deps.requests
        ? this.part('pending requests', requester, () => deps.requests!.waiting(PENDING_SHOWN))
        : undefined,
      this.part('today', requester, async () => todayCounts(days[0]!, (await week)[0]!, now)),
      this.part('needs attention', requester, async () => {
        const { items, handled } = attentionOf((await week).flat(), now);
        const unreadableMore = items.slice(ATTENTION_SHOWN).filter((a) => a.kind === 'unreadable').length;
        return { items: items.slice(0, ATTENTION_SHOWN), more: Math.max(0, items.length - ATTENTION_SHOWN), handled, ...(unreadableMore > 0 && { unreadableMore }) };
      }),
      // Unread, the admin's own lines say what their own records do. A revoke is written after the
      // approval it takes back, so that of any approval of the week is in it; an older approval's
      // is not, and the approvals store says it (approvalsBefore), read beside the week.
      week.then((days) => days.flat().filter(revokeOf), () => []),
      this.approvalsBefore(requester, `${days.at(-1)!}T00:00:00.000Z`, latest),
    ]);
    return { parts: { ...(unfinished && { unfinished }), ...(awaitingRetry && { awaitingRetry }), ...(pending && { pending }), today, attention }, revokes, older };
  }

  /**
   * The admin's own approvals decided before the week their tab reads (`weekFrom`), as the approvals
   * store has them now: another admin's revoke of one is on that admin's records, within the
   * approval's time to finish, so before the week too, and the week's read never holds it (the line
   * said "Approved" of an approval taken back). Only those whose change none of their own records
   * shows (a kind its requester finishes) and that they did not revoke themselves: none on most tabs,
   * at most RECENT_ACTIVITY reads at once, issued as soon as the person's records are read, beside the
   * week's Queries. `unread`: those the store could not say of (gone, or the read failed).
   *
   * One found gone is asked of no more by this process (`gone`): it was stored (an admin approved
   * it), so its absence from a consistent read is the store's purge, 90 days past its time, and no
   * write stores it again (a request is only created, under a new ID; every other write needs it
   * there). A read that failed teaches nothing: all of its requests are asked of again next time.
   */
  private async approvalsBefore(admin: Requester, weekFrom: string, latest: Promise<Part<AuditEvent[]>>): Promise<OlderApprovals> {
    const read = await latest;
    const ids = read.ok && this.deps.requests ? approvedBefore(read.value, admin, weekFrom) : [];
    const asked = ids.filter((id) => !this.gone.has(id));
    if (asked.length === 0) return { standing: [], unread: ids };
    try {
      const standing = await this.deps.requests!.standing(asked);
      const found = new Set(standing.map((r) => r.id));
      for (const id of asked) if (!found.has(id)) this.goneFrom(id);
      return { standing, unread: ids.filter((id) => !found.has(id)) };
    } catch (err) {
      this.deps.logger.warn({ slackUserId: admin.userId, part: 'approvals before the week', code: asFailure(err).code, err: describeError(err) }, 'home tab part unavailable');
      return { standing: [], unread: ids };
    }
  }

  private goneFrom(id: string): void {
    if (this.gone.size >= GONE_KEPT) this.gone.delete(this.gone.values().next().value!);
    this.gone.add(id);
  }

  private async part<T>(name: string, requester: Requester, read: () => Promise<T>): Promise<Part<T>> {
    try {
      return { ok: true, value: await read() };
    } catch (err) {
      this.deps.logger.warn({ slackUserId: requester.userId, part: name, code: asFailure(err).code, err: describeError(err) }, 'home tab part unavailable');
      return { ok: false };
    }
  }
}

/**
 * The admin's lists with the requests moved since they were read (settleOnRead): each leaves the
 * changes whose outcome is unknown (settled, or decided again: no longer unknown), and one settled
 * as a failed change that can be retried joins those, oldest first, as their list would have read it.
 * One found never applied (`neverApplied`) stays, as found.
 */
function withMoved(parts: AdminParts, read: SettledOnRead): AdminParts {
  const { standing, found } = read;
  if (standing.length === 0 && found.length === 0) return parts;
  const moved = new Set(standing.map((r) => r.id));
  const { unfinished, awaitingRetry } = parts;
  const retry = standing.filter((r) => r.status === 'APPLY_FAILED' && r.decidable);
  return {
    ...parts,
    ...(unfinished?.ok && {
      unfinished: { ok: true, value: { ...unfinished.value, requests: unfinished.value.requests.filter((r) => !moved.has(r.id)).map((r) => asItStands(r, read)) } },
    }),
    ...(awaitingRetry?.ok &&
      retry.length > 0 && {
        awaitingRetry: {
          ok: true,
          value: {
            ...awaitingRetry.value,
            requests: [...awaitingRetry.value.requests.filter((r) => !moved.has(r.id)), ...retry].sort((a, b) => compareText(a.createdAt, b.createdAt)),
          },
        },
      }),
  };
}

/** The UTC days Needs attention reads (YYYY-MM-DD), today first. */
function weekDays(now: Date): string[] {
  return Array.from({ length: ATTENTION_DAYS }, (_, i) => new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
}

/** A whole reference, as newRequestId makes it and every message quotes it. */
export function isReference(text: string): boolean {
  return REQUEST_ID_SHAPE.test(text) && !Number.isNaN(Date.parse(text.slice(0, 24)));
}

/**
 * A reference's end, as its short form is read out (the last 6 of its hex, lowercase) or more of it,
 * up to its whole 12: fewer would find too many requests of a day to tell apart.
 */
export function isReferenceEnd(text: string): boolean {
  return /^[0-9a-f]{6,12}$/.test(text);
}

/**
 * What the person's own activity lists: a confirmation closed before any click (a cancellation
 * takes the slot its attempt would have) changed nothing and left nothing to decide, and a switch
 * to "unlock only" shows as the unlock it was; an admin's marking of a Needs attention item
 * handled is no request of theirs. The audit search still shows them.
 */
const madeOrAsked = (e: AuditEvent): boolean => e.phase !== 'cancelled' && e.action !== ATTENTION_HANDLED_ACTION;

/** One person's confirmations closed without a click, as one line; none if there are none. */
function closedUnclicked(events: readonly AuditEvent[]): ClosedUnclicked[] {
  if (events.length === 0) return [];
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  return [
    {
      actor: events[0]!.actor,
      actions: [...counts.entries()].map(([action, count]) => ({ action, count })).sort((a, b) => b.count - a.count || compareText(a.action, b.action)),
      references: [...new Set(events.map((e) => e.requestId))].sort((a, b) => compareText(b, a)),
    },
  ];
}

/** Why a search's days cannot be used, if they cannot: `maxDays`, a person's search's or everyone's. */
export function searchProblem(fromDay: string, toDay: string, maxDays = SEARCH_MAX_DAYS): 'NOT_A_DAY' | 'FROM_AFTER_TO' | 'TOO_LONG' | undefined {
  const { from, to } = utcDays(fromDay, toDay);
  // A day must read back as given: Date takes 2026-02-30 for 2 March (a hand-made page or submission), which is no day of the calendar.
  const isDay = (at: Date, day: string) => !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
  if (!isDay(from, fromDay) || !isDay(to, toDay)) return 'NOT_A_DAY';
  if (from.getTime() > to.getTime()) return 'FROM_AFTER_TO';
  if (to.getTime() - from.getTime() > maxDays * 86_400_000) return 'TOO_LONG';
  return undefined;
}

/** The UTC days (YYYY-MM-DD) from the first instant's to the last's, oldest first. */
function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let at = from.getTime(); at <= to.getTime(); at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** From the first moment of the first day to the last moment of the last, in UTC. */
function utcDays(fromDay: string, toDay: string): { from: Date; to: Date } {
  return { from: new Date(`${fromDay}T00:00:00.000Z`), to: new Date(`${toDay}T23:59:59.999Z`) };
}

/**
 * The pending request a record is a step of (a license change's, an approved reset's). An approved
 * reset's change names its approval too, but is a thing of its own, under its own reference.
 */
const pendingOf = (e: AuditEvent): string | undefined => (isApprovalStep(e.action) ? (e.approvalRequestId ?? e.licenseRequestId) : undefined);

/**
 * A requester's Finish that stopped before its change was sent (OUT_OF_TIME, its attempt on record):
 * ResetApproval.finish handed the approval back, so it used nothing up and changed nothing. Nothing
 * after it on record, the approval was not finished: never "the change failed".
 */
const handedBack = (e: AuditEvent): boolean => !isApprovalStep(e.action) && e.outcome === 'failure' && e.errorCode === 'OUT_OF_TIME';

/** A record under its request's own requester (every step's record names its request's requester, `subject`). */
const ownRequest = (e: AuditEvent): boolean => e.subject?.userId === e.actor.userId && e.subject.teamId === e.actor.teamId;

/**
 * A requester's own later step of their pending request (their withdraw), which is shown on the
 * request's line: the request's reference. An admin never decides their own request.
 */
const requesterLaterStepOf = (e: AuditEvent): string | undefined => {
  const pending = pendingOf(e);
  return pending && !isRequestStep(e.action) && ownRequest(e) ? pending : undefined;
};

/** One record's identity: its request and slot (phase), under its person. */
const recordKey = (e: AuditEvent): string => `${e.actor.teamId} ${e.actor.userId} ${e.requestId} ${e.phase}`;

/**
 * The steps a record belongs to: a pending request's, or its own request's. Apart even under one
 * reference: an approved reset's finish is audited under its request's, and is a line of its own.
 */
const thingOf = (e: AuditEvent): string => {
  const pending = pendingOf(e);
  return pending ? `pending ${pending}` : e.requestId;
};

/** An admin's own approvals from before the week their tab reads, as stored now (HomeTab.approvalsBefore). */
interface OlderApprovals {
  readonly standing: readonly (PendingRequest & { readonly decidable: boolean })[];
  readonly unread: readonly string[];
}

/**
 * The pending requests `admin` approved (a decision's outcome), with a record of that decision
 * before `weekFrom` (its click, or an outcome written again later), and neither a change of theirs
 * (an apply) nor a revoke of their own among their records.
 */
function approvedBefore(events: readonly AuditEvent[], admin: Requester, weekFrom: string): string[] {
  const approved = new Set<string>();
  const before = new Set<string>();
  const settled = new Set<string>();
  for (const e of events) {
    const id = pendingOf(e);
    if (id === undefined || e.actor.userId !== admin.userId) continue;
    if (APPLY_ACTIONS.includes(e.action) || (REVOKE_ACTIONS.includes(e.action) && e.phase === 'outcome' && e.outcome === 'success')) settled.add(id);
    if (e.decision !== 'approve') continue;
    if (e.phase === 'outcome' && e.outcome === 'success') approved.add(id);
    if (compareText(e.at, weekFrom) < 0) before.add(id);
  }
  return [...approved].filter((id) => before.has(id) && !settled.has(id));
}

/** A revoke that took back an approval: its clicker's, or a follow-up's naming whose it was (revokerOf). */
const revokeOf = (e: AuditEvent): boolean => REVOKE_ACTIONS.includes(e.action) && e.phase === 'outcome' && e.outcome === 'success' && pendingOf(e) !== undefined;

/**
 * The person's records, newest first, as one entry per thing they did: a request's records, and a
 * pending request's steps (decision and change), together. `requests` are the person's own
 * pending requests as stored, for where each stands now (and an admin's approvals from before the
 * week, HomeTab.approvalsBefore). `revokes`: others' revokes (revokeOf), for the person's approval
 * that another admin took back, which none of their own records says. `revokesUnread`: approvals of
 * theirs whose revoke, if any, could not be read (revokeUnread).
 */
export function activityOf(
  events: readonly AuditEvent[],
  now: Date,
  requests: readonly (PendingRequest & { readonly decidable?: boolean })[] = [],
  revokes: readonly AuditEvent[] = [],
  revokesUnread: readonly string[] = [],
): Activity[] {
  const byThing = new Map<string, AuditEvent[]>();
  for (const e of events) {
    const records = byThing.get(thingOf(e));
    if (records) records.push(e);
    else byThing.set(thingOf(e), [e]);
  }
  // Approved, and decidable again (Approvals rules it): its change died midway, as its own line says.
  // Denied then: closed, though the change may have been made.
  const standingOf = (r: PendingRequest & { readonly decidable?: boolean }): NonNullable<Activity['standing']> =>
    r.decidable && (r.status === 'FINISHING' || r.status === 'APPROVED')
      ? neverAppliedOnRecord(r)
        ? 'NEVER_APPLIED'
        : 'OUTCOME_UNKNOWN'
      : closedOutcomeUnknown(r)
        ? 'CLOSED_OUTCOME_UNKNOWN'
        : endedAfterUnknownOutcome(r)
          ? r.status === 'REVOKED'
            ? 'REVOKED_OUTCOME_UNKNOWN'
            : 'ENDED_OUTCOME_UNKNOWN'
          : r.status === 'APPLY_FAILED' && r.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN'
            ? 'APPLY_UNANSWERED'
            : r.status;
  const standing = new Map(requests.map((r) => [r.id, standingOf(r)]));
  const revokers = new Map(requests.flatMap((r) => (r.status === 'REVOKED' && r.revokedBy ? [[r.id, r.revokedBy] as const] : [])));
  // Each request's first revoke record: the revoke itself, before any follow-up's.
  const revokedBefore = new Map<string, AuditEvent>();
  for (const e of revokes) {
    const id = pendingOf(e)!;
    const before = revokedBefore.get(id);
    if (!before || compareText(e.at, before.at) < 0) revokedBefore.set(id, e);
  }
  const entries = [...byThing.values()].map((records): Activity => {
    // A withdraw is no step of the request's change: the line is its request's, and says it was withdrawn.
    const withdrawn = records.some((r) => WITHDRAW_ACTIONS.includes(r.action) && r.phase === 'outcome' && r.outcome === 'success');
    const pending = pendingOf(records[0]!);
    // Nor is a revoke (an admin's, the line of the approval it took back): the line says it was revoked.
    const ownRevoke = records.find((r) => REVOKE_ACTIONS.includes(r.action) && r.phase === 'outcome' && r.outcome === 'success');
    // Or another admin's, of the person's approval: on that admin's records, and the line says so too.
    const approved = records.some((r) => r.decision === 'approve' && r.phase === 'outcome' && r.outcome === 'success');
    const revoke = ownRevoke ?? (pending && approved ? revokedBefore.get(pending) : undefined);
    const revoked = revoke !== undefined;
    const changes = records.filter((r) => !WITHDRAW_ACTIONS.includes(r.action) && !REVOKE_ACTIONS.includes(r.action));
    // Only an admin tries a revoke: the request's own requester's revoke records are their Finish
    // doing a revoke's follow-ups, and one that failed is no "Revoke tried" of theirs, but their
    // Finish's follow-ups failed.
    const revokeFailures = revoked ? [] : records.filter((r) => REVOKE_ACTIONS.includes(r.action) && r.phase === 'outcome' && r.outcome === 'failure');
    const revokeFailed = changes.length === 0 ? undefined : revokeFailures.filter((r) => !ownRequest(r)).at(-1);
    // A line of an admin's Revoke alone that failed at another admin's revoke's follow-ups (its record
    // names that admin, revokedBy): whose revoke it was, never a bare failure read as their own revoke.
    const followUpsFailed =
      changes.length === 0 ? revokeFailures.filter((r) => r.revokedBy && r.revokedBy !== r.actor.userId).at(-1) : revokeFailures.filter(ownRequest).at(-1);
    const stepsOf = changes.length > 0 ? changes : records;
    const steps = [...new Set(stepsOf.map((r) => r.requestId))].map((id) => stepsOf.filter((r) => r.requestId === id));
    const started = (step: AuditEvent[]) => step.reduce((a, b) => (a.at <= b.at ? a : b));
    steps.sort((a, b) => compareText(started(a).at, started(b).at) || compareText(started(a).requestId, started(b).requestId));
    const first = started(steps[0]!);
    const last = steps.at(-1)!;
    const { state, errorCode, reason } = stepState(last, now);
    const apply = steps.length > 1 && last.some((r) => r.action !== first.action) ? state : undefined;
    const detail = records.find((r) => r.subject || r.licenseTo || r.decision);
    const account = records.find((r) => r.directoryUserId);
    const incomplete = last.find((r) => r.incomplete?.length)?.incomplete;
    const decided = records.find((r) => r.decision);
    const decision = decided?.decision;
    const comment = decided && records.find((r) => r.requestId === decided.requestId && r.note)?.note;
    const unreadable = [...new Set(records.flatMap((r) => r.unreadable ?? []))];
    const verifier = last.find((r) => r.verifier)?.verifier;
    const verifyWaitMs = last.find((r) => r.verifyWaitMs)?.verifyWaitMs;
    const policy = (last.find((r) => r.policy) ?? records.find((r) => r.policy))?.policy;
    const pushed = last.find((r) => r.verifierFactorId || r.verifierTransactionId);
    const credential = records.find((r) => r.credential)?.credential;
    const handled = records.find((r) => r.action === ATTENTION_HANDLED_ACTION && r.handledRequestId && r.attentionKind);
    // A revoke of an approval given again after a finish whose outcome was unknown says so on record:
    // a line whose request was not read (an admin's own, on their Home tab) says it too. Revoked is final.
    const stands = pending ? (standing.get(pending) ?? (revoke?.earlierFinishRequestId ? 'REVOKED_OUTCOME_UNKNOWN' : undefined)) : undefined;
    const revoker = (pending ? revokers.get(pending) : undefined) ?? (revoke && revokerOf(revoke));
    return {
      requestId: pending ?? last[0]!.requestId,
      action: first.action,
      at: first.at,
      actor: first.actor,
      ...(account?.directory && { directory: account.directory }),
      ...(account?.directoryUserId && { directoryUserId: account.directoryUserId }),
      ...(records.some((r) => r.deliveryFailed) && { deliveryFailed: true }),
      ...(detail?.licenseFrom && { licenseFrom: detail.licenseFrom }),
      ...(incomplete && { incomplete }),
      // An approval whose change was tried: the decision succeeded, and `applied` says how the change went.
      // A record of it this version cannot read: how it went is not guessed from the others.
      state: unreadable.length > 0 ? 'unreadable' : apply !== undefined ? 'succeeded' : state,
      ...(unreadable.length > 0 && { unreadable }),
      ...(apply !== undefined && { applied: apply === 'succeeded' || apply === 'partial' ? 'succeeded' : apply === 'failed' ? 'failed' : 'unknown' }),
      ...(errorCode && { errorCode }),
      ...(reason !== undefined && { reason }),
      ...(verifier && { verifier }),
      ...(verifyWaitMs && { verifyWaitMs }),
      ...(policy && { policy }),
      ...(pushed?.verifierFactorId && { verifierFactorId: pushed.verifierFactorId }),
      ...(pushed?.verifierTransactionId && { verifierTransactionId: pushed.verifierTransactionId }),
      ...(credential && { credential }),
      ...(!pending && records.some((r) => r.approvalRequestId) && { finishesApproval: true as const }),
      ...(pending && { pendingRequestId: pending }),
      ...(stands && { standing: stands }),
      ...(detail?.subject && { subject: detail.subject }),
      ...(detail?.licenseTo && { licenseTo: detail.licenseTo }),
      ...(decision && { decision }),
      ...(comment && { comment }),
      ...(withdrawn && { withdrawn }),
      ...(revoked && { revoked }),
      ...(!revoked && approved && pending && revokesUnread.includes(pending) && { revokeUnread: true as const }),
      ...(ownRevoke?.revokedBy && { revokedBy: ownRevoke.revokedBy }),
      ...(revoker && { revoker }),
      ...(revokeFailed && { revokeFailed: { code: revokeFailed.errorCode ?? 'INTERNAL', at: revokeFailed.at } }),
      ...(followUpsFailed && {
        followUpsFailed: { code: followUpsFailed.errorCode ?? 'INTERNAL', at: followUpsFailed.at, ...(followUpsFailed.revokedBy && { revokedBy: followUpsFailed.revokedBy }) },
      }),
      ...(handled && { handled: { reference: handled.handledRequestId!, kind: handled.attentionKind!, ...(handled.note && { note: handled.note }) } }),
    };
  });
  // Newest first by the time each entry shows (its first record's): the records come in reference
  // order, but a reference is taken when the request is opened (a reset confirmed minutes later
  // shows its confirmation's time), and a pending request's later steps bring it forward.
  return entries.sort((a, b) => compareText(b.at, a.at) || compareText(b.requestId, a.requestId));
}

/**
 * The person's own activity, one line per request: their Finish that did just what its request's
 * line says ("Approved and finished by you"), under the same reference, was read as a second reset
 * (walk s53). Kept when it says more than that line: a failure, a secret not shown, a step after the
 * change not done, a revoke's follow-ups. The audit search keeps every step's line (an admin's view).
 */
export function oneLinePerRequest(activity: readonly Activity[]): Activity[] {
  const finished = new Set(activity.filter((a) => a.pendingRequestId !== undefined && a.standing === 'APPLIED').map((a) => a.requestId));
  const saysNoMore = (a: Activity) =>
    a.state === 'succeeded' && !a.deliveryFailed && !a.incomplete && !a.errorCode && !a.unreadable && !a.followUpsFailed && !a.revokedBy;
  return activity.filter((a) => !(a.finishesApproval && finished.has(a.requestId) && saysNoMore(a)));
}

/** Whose revoke a revoke's record is: a follow-up's names it (revokedBy); else it is its clicker's own. */
function revokerOf(revoke: AuditEvent): string {
  return revoke.revokedBy ?? revoke.actor.userId;
}

/** How one request's records ended. */
function stepState(records: readonly AuditEvent[], now: Date): Pick<Activity, 'state' | 'errorCode' | 'reason'> {
  const find = (phase: AuditEvent['phase']) => records.find((r) => r.phase === phase);
  const first = records.reduce((a, b) => (a.at <= b.at ? a : b));
  // An outcome written again (AuditEntry.restated) is what the step turned out to be: a decision its
  // click could not tell was made, found made later, or a secret that never reached its person.
  const outcome = records.find((r) => r.phase === 'outcome' && r.restated) ?? find('outcome');
  const refused = find('refused');
  const state: Activity['state'] = refused
    ? 'refused'
    : find('cancelled') || cancelledPush(outcome)
      ? 'cancelled'
      : outcome
        ? outcome.outcome === 'success'
          ? 'succeeded'
          : outcome.outcome === 'partial'
            ? 'partial'
            : // The directory never confirmed the change (no answer, or a 500, 502 or 504): it may have been made.
              outcome.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN'
              ? 'unknown'
              : 'failed'
        : now.getTime() - Date.parse(first.at) >= OUTCOME_GRACE_MS
          ? 'unknown'
          : 'in_progress';
  const errorCode = (refused ?? outcome)?.errorCode;
  const reason = (refused ?? outcome)?.reason;
  return { state, ...(errorCode && { errorCode }), ...(reason !== undefined && { reason }) };
}

/**
 * A request whose person closed the modal waiting for their push: they changed their mind, as with
 * a closed confirmation; neither a failure to count nor one to look into.
 */
function cancelledPush(outcome: AuditEvent | undefined): boolean {
  return outcome?.errorCode === 'VERIFY_CANCELLED';
}

/**
 * Resets by action and outcome, and refusals by reason, from one day's records. An outcome unknown
 * is counted as the activity and Needs attention read it (unknownOutcomes): its own count, never a
 * failure, which would tell a reviewer the change was not made.
 */
function todayCounts(day: string, events: readonly AuditEvent[], now: Date): TodayCounts {
  const resets = new Map<string, { action: string; succeeded: number; failed: number; unknown: number; rejected: number; timedOut: number; cancelled: number; unreadable?: number }>();
  const refusals = new Map<string, { code: string; count: number; reasons: Map<string, { action: string; reason: string }> }>();
  const refused = (e: AuditEvent & { errorCode: string }) => {
    const code = currentCode(e.errorCode);
    const counted = refusals.get(code) ?? refusals.set(code, { code, count: 0, reasons: new Map() }).get(code)!;
    counted.count += 1;
    if (e.reason !== undefined) counted.reasons.set(`${e.action}\u0000${e.reason}`, { action: e.action, reason: e.reason });
  };
  const of = (action: string) => resets.get(action) ?? resets.set(action, { action, succeeded: 0, failed: 0, unknown: 0, rejected: 0, timedOut: 0, cancelled: 0 }).get(action)!;
  const outcomes = new Set<string>();
  const unreadable = new Set<string>();
  for (const e of events) {
    if (e.phase === 'unreadable') unreadable.add(e.requestId);
    // An admin's marking of a Needs attention item handled is neither a reset nor a refusal.
    if (e.action === ATTENTION_HANDLED_ACTION) continue;
    if (e.phase === 'refused' && e.errorCode) refused({ ...e, errorCode: e.errorCode });
    if (e.phase !== 'outcome') continue;
    outcomes.add(e.requestId);
    // An outcome written again (AuditEntry.restated) is the same reset's, counted by its first: on
    // the day that was written, which is not this one when the two are either side of midnight.
    if (e.restated) continue;
    if (isApprovalStep(e.action)) continue;
    const counts = of(e.action);
    // Partial: the change stands (the secret was shown); the step that failed is in "needs attention".
    if (e.outcome === 'success' || e.outcome === 'partial') counts.succeeded += 1;
    else if (e.errorCode === 'DIRECTORY_OUTCOME_UNKNOWN') counts.unknown += 1;
    else if (e.errorCode === 'VERIFY_REJECTED') counts.rejected += 1;
    else if (e.errorCode === 'VERIFY_TIMEOUT') counts.timedOut += 1;
    else if (cancelledPush(e)) counts.cancelled += 1;
    else counts.failed += 1;
  }
  // An attempt with no outcome at all once any reset would have finished: it stopped midway.
  for (const a of unknownOutcomes(events, now)) if (!outcomes.has(a.requestId) && !isApprovalStep(a.action)) of(a.action).unknown += 1;
  // An attempt with none this version can read, but a record after it that it cannot: its outcome is
  // on file, so not unknown; neither done nor failed, which this version cannot tell.
  const refusedOf = new Set(events.filter((e) => e.phase === 'refused').map((e) => e.requestId));
  for (const a of events) {
    if (a.phase !== 'attempt' || isApprovalStep(a.action) || outcomes.has(a.requestId) || refusedOf.has(a.requestId) || !unreadable.has(a.requestId)) continue;
    const counts = of(a.action);
    counts.unreadable = (counts.unreadable ?? 0) + 1;
  }
  return {
    day,
    resets: [...resets.values()],
    refusals: [...refusals.values()]
      .map(({ code, count, reasons }) => ({ code, count, ...(reasons.size > 0 && { reasons: [...reasons.values()] }) }))
      .sort((a, b) => b.count - a.count),
  };
}

const isApprovalStep = (action: string) => APPROVAL_ACTIONS.includes(action);
/** A pending request's first step, its requester's: `<kind>_request`. */
const isRequestStep = (action: string) => isApprovalStep(action) && action.endsWith('_request');

/**
 * The records this version cannot read (readAuditItem: a newer version's, a hand edit, tampering),
 * once a reference, with every field of its records that could not be read (by name: never what it
 * holds). Last on the list: a rolled-back version's many records never push out the questions this
 * version can say more of; the list's bound and "more" count them all the same.
 */
function unreadableOf(events: readonly AuditEvent[], marked: (e: AuditEvent, kind: AttentionKind) => boolean): Attention[] {
  const byReference = new Map<string, Attention>();
  events.forEach((e, i) => {
    if (!e.unreadable || marked(e, 'unreadable')) return;
    // One with no reference to read is an item of its own: nothing names it with another.
    const key = e.requestId || `#${i}`;
    const seen = byReference.get(key);
    const fields = [...new Set([...(seen?.unreadable ?? []), ...e.unreadable])];
    const newest = !seen || compareText(e.at, seen.at) > 0 ? e : undefined;
    byReference.set(key, {
      ...(seen ?? {}),
      ...(newest && { requestId: e.requestId, action: e.action, at: e.at, actor: e.actor }),
      kind: 'unreadable',
      unreadable: fields,
    } as Attention);
  });
  return [...byReference.values()];
}

/**
 * The security events first, each person who rejected a push and each person refused for the push
 * limit (once a person for each, at the newest, with how many times: three rejections by one person
 * are one question to ask them), then attempts with no outcome, failures that alerted an operator,
 * and changes with a step that failed, then records this version cannot read (unreadableOf); each
 * group newest first, so a bounded list never leaves a security event out for older questions.
 *
 * Less what admins marked handled (attention_handled names an item's kind and reference): that
 * item, and for a person's group everything up to the one marked, so a newer rejection by the
 * same person is a new question, counted from there. `handled`: how many items were marked in
 * these records, so that a list made shorter says so.
 */
function attentionOf(events: readonly AuditEvent[], now: Date): { items: Attention[]; handled: number } {
  const marks = new Set(events.flatMap((e) => (e.action === ATTENTION_HANDLED_ACTION && e.handledRequestId && e.attentionKind ? [`${e.attentionKind} ${e.handledRequestId}`] : [])));
  const marked = (e: AuditEvent, kind: Attention['kind']) => marks.has(`${kind} ${e.requestId}`);
  const item = (e: AuditEvent, kind: Attention['kind'], count?: number): Attention => ({
    requestId: e.requestId,
    action: e.action,
    at: e.at,
    actor: e.actor,
    kind,
    ...(e.errorCode && { errorCode: e.errorCode }),
    ...(e.verifier && { verifier: e.verifier }),
    ...(count !== undefined && { count }),
  });
  const newestFirst = (items: Attention[]) => items.sort((a, b) => compareText(b.at, a.at));
  const later = (a: AuditEvent, b: AuditEvent) => compareText(a.at, b.at) || compareText(a.requestId, b.requestId);
  /** The events of one phase and code, one item a person: their newest since the last marked handled, with how many. */
  const perPerson = (phase: AuditEvent['phase'], code: string, kind: Attention['kind']): Attention[] => {
    const byPerson = new Map<string, AuditEvent[]>();
    for (const e of events) {
      if (e.phase !== phase || e.errorCode !== code) continue;
      const person = `${e.actor.teamId}:${e.actor.userId}`;
      byPerson.set(person, [...(byPerson.get(person) ?? []), e]);
    }
    return [...byPerson.values()].flatMap((theirs) => {
      const last = theirs.filter((e) => marked(e, kind)).reduce<AuditEvent | undefined>((a, b) => (a && later(a, b) >= 0 ? a : b), undefined);
      const open = last ? theirs.filter((e) => later(e, last) > 0) : theirs;
      return open.length > 0 ? [item(open.reduce((a, b) => (later(a, b) >= 0 ? a : b)), kind, open.length)] : [];
    });
  };
  const unless = (kind: Attention['kind']) => (e: AuditEvent) => (marked(e, kind) ? [] : [item(e, kind)]);
  // Each request's outcome once: an outcome written again (AuditEntry.restated) is the same request's.
  const firsts = events.filter((e) => e.phase === 'outcome' && !e.restated);
  // A step whose outcome was written as failed, its click not knowing it was made, written again as
  // made once found so (AuditEntry.restated): nothing of it is left to look into.
  const foundMade = new Set(events.filter((e) => e.phase === 'outcome' && e.restated && e.outcome === 'success').map((e) => `${e.actor.teamId} ${e.actor.userId} ${e.requestId}`));
  const failedStill = (e: AuditEvent) => !foundMade.has(`${e.actor.teamId} ${e.actor.userId} ${e.requestId}`);
  return {
    items: [
      ...newestFirst([...perPerson('outcome', 'VERIFY_REJECTED', 'push_rejected'), ...perPerson('refused', 'PUSH_LIMITED', 'push_limited')]),
      ...newestFirst([
        ...unknownOutcomes(events, now).flatMap(unless('unknown_outcome')),
        ...firsts.filter((e) => e.outcome === 'failure' && e.errorCode && isFailureCode(e.errorCode) && needsOperator(e.errorCode) && failedStill(e)).flatMap(unless('operator_failure')),
        ...firsts.filter((e) => e.outcome === 'partial').flatMap(unless('incomplete')),
      ]),
      ...newestFirst(unreadableOf(events, marked)),
    ],
    handled: marks.size,
  };
}
