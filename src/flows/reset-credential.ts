import { AuditTrail, type AuditedChange } from './audit-trail';
import { asFailure, CLOSE_UNREAD, describeError, LatchkeyFailure, SENT_UNANSWERED, unanswered, type FailureCode } from './failure';
import { identifyRequester } from './identify-requester';
import { pickDirectoryUser } from './pick-directory-user';
import type { Policy } from './policy';
import { newRequestId } from './request-id';
import {
  NO_METRICS,
  type AuditLog,
  type ChangeResult,
  type ChangeTime,
  type Clock,
  type Directory,
  type DirectoryUser,
  type IncompleteStep,
  type Logger,
  type Metrics,
  type RateLimiter,
  type Requester,
  type VerificationOutcome,
  type WorkspaceMembers,
  type WorkTime,
} from './ports';
import { RESET_TICKET, resetTicketSchema, type ResetTicket } from './reset-ticket';
import type { Sealer } from './sealer';
import { VERIFIER_LOG_ID, VERIFY_WAIT_MAX_MS, type ConfiguredVerifier, type PushAbout, type PushResult, type PushStarted, type VerifierAccount } from './verification';
import type { Workspace } from './workspace';
import { WidespreadRefusals } from './widespread-refusals';

/** Long enough to read the modal and click; short enough that a stale check is not trusted. */
const DEFAULT_TICKET_TTL_MS = 10 * 60 * 1000;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** One credential this deployment resets, as the flow sees it: its adapter and its audit names. */
export interface Resettable {
  /** The credential's stable ID (its `id` in src/credentials). */
  readonly id: string;
  readonly audit: { readonly action: string; readonly directory: string };
  readonly directory: Directory;
  /** Its change's worst case, as the credential declares it: what a work order with an end must still hold to send it. */
  readonly changeTime: ChangeTime;
  /** Its directory answers reviewFacts (Credential.reviewFacts). */
  readonly reviewFacts?: true;
  /** What a person asks for, in its words ("mail password reset"): what the `verify` policy's push says it approves. */
  readonly request?: string;
}

type Limit = { key: string; limit: number; windowMs: number };

/** How a secret reached its requester: `shownAside` says why it went aside, if it did. */
interface Delivered {
  readonly deliveryFailed: boolean;
  readonly shownAside: false | NonNullable<ResetDone['secretShownAside']>;
  /** With deliveryFailed: the modal is known to be gone (closed), not left showing something else. */
  readonly gone?: true;
}

/**
 * One of this process's changes, from its attempt on record to its end: a close of its confirmation
 * by its requester marks it closed, for the change to look at; once the change has looked for the
 * last time, `late` shows its secret aside instead. One for all the clicks of its request here (a
 * double click, a retry), whichever's attempt is written: a close any of them was seen by is its own.
 */
interface Changing {
  readonly userId: string;
  closed: boolean;
  late?: () => Promise<void>;
  /** Whether its attempt was written here, by any of its clicks: unsettled while one is on its way. */
  readonly begun: Promise<boolean>;
  readonly settle: (written: boolean) => void;
  /** Its clicks here not turned away: once the last is, with no attempt written here, `begun` is false. */
  clicks: number;
  /** Its attempt was written here: `begun` is true. */
  written: boolean;
  /** Its change was sent to the directory: from here on it may have been made, whatever follows. */
  sent?: true;
  /** The push's proof it is made on (the `verify` policy), once known: on a failure's record too, however it fails after. */
  proof?: OutcomeExtraOf;
  /** Its clicks here whose attempts are on their way: once one's is written, the others give way to it (giveWay). */
  readonly onTheirWay: Set<Click>;
  /**
   * What the click whose attempt was written shows (Showing). A click that joins before its result
   * gives way to it; one that joins after answers with the same result (sameAsShown).
   */
  showing?: Showing;
  /**
   * The result's deliveries by the clicks turned away for it (showAlso): a Finish click's into a
   * modal of its own that Slack may show in place of this click's, a Reset click's into the same
   * modal, over which its "working…" answer may stand. While they are on their way: the change
   * waits for them before it records whether the secret reached the person.
   */
  readonly alsoShowing: Set<Promise<Delivered>>;
  /** One of them could show it nowhere (its modal and its aside refused): the person may never have seen it. */
  unseenElsewhere?: true;
  /**
   * The change has counted them for the last time: a click turned away from now on says what came
   * of it instead (sameAsFinishing, sameAsShown: of a change with a secret), as its outcome on record
   * says it: whether the secret reached the person, and whether aside.
   */
  alsoShown?: { readonly secretShown: boolean; readonly shownAside: Delivered['shownAside'] };
  /** What a change with no secret did, said aside (tellAside): once for the change, however many of its windows could not say it. */
  toldAside?: Promise<boolean>;
  /** Where its secret went, said aside for a window that could not say it (sameAsShown, tellWhereAside): once for the change, never the secret. */
  toldWhereAside?: Promise<boolean>;
}

/** A push as its waiting modal shows it: the number to pick, its app, and how long it waits (VERIFY_TIMEOUT_SECONDS). */
export type PushShown = { readonly challenge?: string; readonly app: string; readonly waitMs: number };

/**
 * What the click whose attempt was written shows, step by step: the push's number once it is shown;
 * the new credential from the moment it is handed to its modal (secret and all: held here, in
 * memory, for the clicks of its own requester alone, and never logged); its failure, shown once its
 * change returns; or `ended`: it threw, and shows nothing this flow knows of.
 */
type Showing =
  | { readonly step: 'challenge'; readonly push: PushShown }
  | { readonly step: 'result'; readonly result: ChangeResult; readonly done: ResetDone }
  | { readonly step: 'failure'; readonly failure: ResetFailure }
  | { readonly step: 'ended' };

/** One Reset click of a request here, while its attempt is on its way. */
interface Click {
  readonly delivery: ResetDelivery;
  /** It gave way to another click of its request (ResetDelivery.giveWay): what it shows then is the other's. */
  gaveWay: boolean;
}

/**
 * A `verify` push this process waits on, or will once its attempt is written. One for all the
 * clicks of its request here (a double click, a retry), whichever's attempt is written and sends
 * the push: a close ends that one, wherever it was seen. The stop is shared, never the proof: a
 * click whose attempt is turned away sends no push and changes nothing.
 */
interface Waiting {
  readonly requester: Requester;
  readonly stop: AbortController;
  /** Its clicks here not yet ended: the wait is forgotten when the last ends, or when its push's wait does. */
  clicks: number;
}

/** What the views need to explain a failure in words that say what to do next. */
export interface ResetFailure {
  readonly ok: false;
  readonly code: FailureCode;
  /** The credential's ID. */
  readonly kind: string;
  readonly email?: string;
  /** For the person to quote to IT; absent when the request never got that far. */
  readonly requestId?: string;
  /** For limits: when the person may try again. */
  readonly retryAt?: Date;
  /** With DIRECTORY_USER_REFUSED: the credential's own reason (its words say it); with VERIFY_UNAVAILABLE, SENT_UNANSWERED once the push was sent; with STORE_UNAVAILABLE, CLOSE_UNREAD when it ended a push's wait; with another VERIFY_*, the verifier's declared own. */
  readonly reason?: string;
  /**
   * With DIRECTORY_USER_REFUSED: a refusal the directory gives alike for one person's account and for
   * our own missing permission, given to several different people of late (WidespreadRefusals): the
   * person is told it is likely Latchkey's setup, and that an admin was alerted, not the reason's words.
   */
  readonly widespread?: true;
  /** The `verify` policy's app ("Okta Verify"), for its failures' words. */
  readonly verifierApp?: string;
  /** The `verify` policy's provider, as people name their account there ("Duo"), for a person it refuses. */
  readonly verifierService?: string;
  /** How a person rejects that app's push by mistake (its plug-in's words), for a rejection's next step. */
  readonly verifierMistake?: string;
  /** The command that resets that app's factor, for a person with a new phone (lostFactorCommand). */
  readonly lostFactorCommand?: string;
  /** How long the push waited for its person (VERIFY_TIMEOUT_SECONDS), for the words of one not answered in time. */
  readonly verifyWaitMs?: number;
  /** With REQUEST_OPEN: where the person's open request stands (its reference is `requestId`). */
  readonly open?: OpenRequest;
  /**
   * Another click of the same request here (a double click, a replay) had its attempt written and
   * shows what comes of the request; this one, turned away, shows nothing more of its own, which
   * would replace the other's view: it gave way to it (ResetDelivery.giveWay), or, joining once the
   * other showed the new credential, showed the same in its own modal (showResult). Its code is
   * still what happened to it (REQUEST_ALREADY_USED), as the log and the metrics say. (Joining once
   * the other failed, it returns the other's failure instead, for its modal to show the same.)
   */
  readonly shownByAnotherClick?: true;
  /**
   * With shownByAnotherClick: this click's modal could not show the other's new credential again
   * (Slack refused the update, and its own "working…" answer may stand over that result), so it
   * went aside (`secretShown`), or nowhere: what the modal says instead, never the secret.
   */
  readonly shownElsewhere?: ShownElsewhere;
  /**
   * Set only where the flow knows it stopped before anything was sent to the directory, and not
   * because the request was refused: a check or the audit attempt got no answer, or too little
   * time was left. Nothing changed, and the same request may go on if made again (an approved
   * reset's finish gives its approval back). Absent, something may have been sent, or an answer
   * refused it.
   */
  readonly sent?: false;
}

/**
 * A person's request still open under the `approval` policy, as they are told when they ask again:
 * waiting for an admin (until it expires), approved (to finish from their DM's button by `until`),
 * being finished now, or `outcome_unknown`: its finish died midway, and only an admin's new
 * decision moves it (Approvals.finishUnknown); `other`: a state these words cannot vouch for (one
 * this version does not know), open until `until`.
 */
export interface OpenRequest {
  readonly requestId: string;
  readonly state: 'waiting' | 'approved' | 'finishing' | 'outcome_unknown' | 'other';
  readonly until: Date;
}

/** The request waits for someone else's decision (the `approval` policy); nothing has changed yet. */
export interface ResetPending {
  readonly ok: true;
  readonly pending: 'approval';
  readonly kind: string;
  readonly email: string;
  readonly requestId: string;
}

export interface Prepared {
  readonly ok: true;
  /** The account is locked out (the directory said so): the confirmation may offer an unlock alone. */
  readonly locked?: boolean;
  /** Sealed; goes into the confirmation modal's private_metadata. */
  readonly ticket: string;
  readonly kind: string;
  readonly email: string;
  readonly requestId: string;
}

/**
 * Where a click turned away put its change's result when Slack refused to show it again in its
 * modal (ResetFailure.shownElsewhere). With a secret: `secretShown`, whether the message only the
 * requester sees took it. With none (`secretShown` absent): `toldAside`, whether that message said
 * what was done.
 */
export type ShownElsewhere = Pick<ResetDone, 'at' | 'requestId' | 'secretShown'> & {
  readonly toldAside?: boolean;
  /** The secret was shown in this same window already, by another click of its request, and is not shown again (sameAsShown). */
  readonly shownHere?: true;
};

export interface ResetDone {
  readonly ok: true;
  readonly kind: string;
  readonly email: string;
  readonly requestId: string;
  readonly at: Date;
  /** false when the reset was made but Slack would not show the new secret; absent for a change with no secret. */
  readonly secretShown?: boolean;
  /**
   * The modal could not show the secret, which was shown in an ephemeral message instead
   * (showResultAside): `closed` when the modal is known to be gone, `unshown` when Slack failed
   * otherwise (an error, a rate limit, no answer), and it may still be open.
   */
  readonly secretShownAside?: 'closed' | 'unshown';
  /** Steps after the change that failed (its follow-up, run once the result was shown): the change stands, an operator was alerted. */
  readonly incomplete?: readonly IncompleteStep[];
  /** The account was locked out, and the reset unlocked it: the person is told. */
  readonly unlocked?: boolean;
  /**
   * A change with no secret whose modal Slack would not update (its "working…" answer may stand there
   * for good): what was done was said aside (`toldAside`), or not; the handler shows where, as for a
   * click turned away (ResetFailure.shownElsewhere).
   */
  readonly shownElsewhere?: ShownElsewhere;
}

/** How the new credential reaches its owner; implemented by the handler with Slack views and DMs. */
export interface ResetDelivery {
  /** Shows what was done, and the secret when there is one, to the requester alone. */
  showResult(result: ChangeResult, done: ResetDone): Promise<void>;
  /**
   * When showResult could not (the modal was closed while the change ran, or Slack failed): shows
   * the secret to the requester alone in an ephemeral message, saying why it is there
   * (`done.secretShownAside`). Never a post. For a change with no secret, what it did, the same way
   * (only for a click turned away: sameAsShown).
   */
  showResultAside?(result: ChangeResult, done: ResetDone): Promise<void>;
  /**
   * For a click turned away once its change counted the secret's deliveries for the last time
   * (sameAsShown): where the secret went and when, and what to do if it was not seen, in this
   * click's modal, never the secret. Throws when Slack will not show it.
   */
  showWhere?(where: ShownElsewhere): Promise<void>;
  /** When showWhere could not: the same, to the requester alone in an ephemeral message. Never the secret. Throws when Slack will not take it. */
  showWhereAside?(where: ShownElsewhere): Promise<void>;
  /** Whether showResult's failure says the modal is gone (closed), not that Slack failed to update it. */
  windowGone?(err: unknown): boolean;
  /**
   * Tells the owner, without the secret, that the reset happened; returns how to rewrite that
   * receipt, when it can be (what it said of the secret turned out wrong while it was sent).
   */
  notifyOwner(done: ResetDone): Promise<SentReceipt | void>;
  /** The `verify` policy: the push is on its way; shows the number to pick on the phone, when there is one. */
  showChallenge?(push: PushShown): Promise<void>;
  /**
   * Another click of the same request here (a double click, a replay) had its attempt written: it
   * shows what comes of the request, and this one, to be turned away, must not replace that.
   * Called once: this click shows now, for the last time, what the modal shows meanwhile, with the
   * push's number when it was shown (`push`). For a click on its way when the other's attempt was
   * written, the other waits for it before it sends its push or shows anything. For one that joins
   * later, before the other's result, it is called at once and not waited for: the order rests on
   * this answer going out at once, while the other's next view (its number, its result) waits at
   * least for a call to the verifier or the directory. A click that joins once the result is being
   * shown is not turned away this way: it shows the same result (showResult).
   */
  giveWay?(push?: PushShown): Promise<void>;
  /** The `verify` policy: the push was rejected; tells the owner, who may not have been the one asking. */
  notifyRejected?(rejected: { readonly kind: string; readonly requestId: string; readonly at: Date; readonly app: string; readonly mistake?: string }): Promise<void>;
}

/** A receipt sent: rewritten in place, for what it says to be true. */
export interface SentReceipt {
  rewrite(done: ResetDone): Promise<void>;
}

/**
 * The `approval` policy's branch of the gate, filled by the approvals capability: it records the
 * request for an admin to decide; the change is made later, when the requester finishes it.
 */
export interface ApprovalGate {
  request(request: { readonly requester: Requester; readonly credential: Resettable; readonly ticket: ResetTicket }): Promise<ResetPending | ResetFailure>;
  /** The person's request of this credential still open, if any (one read of their own place). */
  open(requester: Requester, credential: Resettable): Promise<OpenRequest | undefined>;
}

/** The `verify` policy's verifier, with how many pushes one person may be sent per hour. */
export type PolicyVerifier = ConfiguredVerifier & {
  readonly app: string;
  /** The provider, as people name their account there ("Duo"): for a person it refuses. */
  readonly service?: string;
  readonly perPersonPerHour: number;
  /** How a person rejects their own push by mistake (its plug-in's words). */
  readonly mistake?: string;
  /** The credential served here that resets the verifier's factor (its plug-in's `resetBy`), with its command. */
  readonly resetBy?: { readonly credential: string; readonly command: string };
  /** The reasons of its own its plug-in declares (VerifierWords.reasons): a VERIFY_* failure's reason is recorded only if listed here. */
  readonly reasons?: ReadonlySet<string>;
};

interface ResetCredentialDeps {
  /** The credentials this deployment serves, by ID; any other answers DIRECTORY_NOT_ENABLED. */
  readonly credentials: ReadonlyMap<string, Resettable>;
  readonly members: WorkspaceMembers;
  readonly audit: AuditLog;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limiter: RateLimiter;
  readonly limits: ResetLimits;
  readonly workspace: Workspace;
  readonly ticketTtlMs?: number;
  readonly metrics?: Metrics;
  /** Each credential's policy; a credential not in it is self-service. */
  readonly policies?: ReadonlyMap<string, Policy>;
  /** Required for a credential whose policy is `verify`. */
  readonly verifier?: PolicyVerifier;
  /** Required for a credential whose policy is `approval` (checked at construction). */
  readonly approvals?: ApprovalGate;
  /** How long the work has left to show its result (a Lambda work order's); none: no end. */
  readonly workTime?: WorkTime;
}

interface ResetLimits {
  /** Resets one person may start per hour, per credential. */
  readonly perUserPerHour: number;
  /** Resets everyone together may start per minute; past it, resets pause and an alert is logged. */
  readonly globalPerMinute?: number;
}

/**
 * Resetting one's own credential, in two steps that match the two clicks a person makes.
 *
 * prepare (while the confirmation modal opens): who is asking, and who they are in the directory.
 * confirm (after "Reset"): audit the attempt, reset, show the secret; then the outcome record and
 * the owner's DM, off the path the person is waiting on. The attempt record is written first and
 * at most once per request, so a failed audit write stops the reset and a replayed click does
 * nothing.
 */
export class ResetCredential {
  private readonly ticketTtlMs: number;
  private readonly trail: AuditTrail;

  private readonly metrics: Metrics;
  /** Refusals one person's alone, that several different people getting would make ours: one alert then. */
  private readonly widespread: WidespreadRefusals;
  /**
   * The `verify` policy's pushes this process is waiting on, by request, with whose they are: what
   * closing the waiting modal ends (abandonPush). From the Reset click until the wait ends.
   */
  private readonly waiting = new Map<string, Waiting>();
  /**
   * The changes this process is making, by request, from their attempt on record until they end:
   * `closed` once their requester's confirmation was closed meanwhile (cancel), so that the secret
   * goes to them aside instead of into the modal that is gone.
   */
  private readonly changing = new Map<string, Changing>();
  /**
   * The changes this process made that failed, by request, while their confirmation lives (its
   * ticket's expiresAt; a click after that is refused as expired first): a click of one that comes
   * once it failed (a double click's second, a replay) answers with the same failure, what happened
   * and what to do next, for its own requester alone, never "already used", which would replace
   * it in the modal (and a rejected push's warning with it). A failure holds no secret.
   */
  private readonly failed = new Map<string, { readonly userId: string; readonly failure: ResetFailure; readonly until: number }>();
  /**
   * By request: approved resets' Finish clicks turned away for another click of their requester's
   * here, waiting for its change to show its result (sameAsFinishing); woken when it does. Holds no secret.
   */
  private readonly finishesWaiting = new Map<string, Set<() => void>>();

  constructor(private readonly deps: ResetCredentialDeps) {
    this.ticketTtlMs = deps.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS;
    this.trail = new AuditTrail(deps.audit, deps.logger, { limiter: deps.limiter, clock: deps.clock });
    this.metrics = deps.metrics ?? NO_METRICS;
    this.widespread = new WidespreadRefusals(deps.logger, () => deps.clock.now().getTime(), deps.limiter);
    // Config never allows it (an approval policy needs admins and a channel, so app.ts always builds the gate).
    if (!deps.approvals && [...(deps.policies?.values() ?? [])].includes('approval')) throw new Error('the approval policy needs an approvals gate');
  }

  /** What a confirmation or a finish click carries: whose request, for which directory user, until when. */
  private ticketFor(kind: string, requester: Requester, user: DirectoryUser, requestId: string): ResetTicket {
    return {
      v: 1,
      kind,
      userId: requester.userId,
      teamId: requester.teamId,
      directoryUserId: user.id,
      ...(user.locked && { locked: true }),
      email: user.email,
      requestId,
      expiresAt: this.deps.clock.now().getTime() + this.ticketTtlMs,
    };
  }

  isEnabled(kind: string): boolean {
    return this.deps.credentials.has(kind);
  }

  /** What a person must do before this credential changes. */
  policyOf(kind: string): Policy {
    return this.deps.policies?.get(kind) ?? 'self-service';
  }

  /** The app the `verify` policy's push goes to, when a verifier is configured. */
  get verifierApp(): string | undefined {
    return this.deps.verifier?.app;
  }

  /**
   * For a change under the `verify` policy: the command of the credential served here that resets
   * the verifier's factor, for a person whose push cannot reach them (a new phone). Never the
   * credential itself.
   */
  lostFactorCommand(kind: string): string | undefined {
    const resetBy = this.policyOf(kind) === 'verify' ? this.deps.verifier?.resetBy : undefined;
    return resetBy && resetBy.credential !== kind && this.isEnabled(resetBy.credential) ? resetBy.command : undefined;
  }

  async prepare(requester: Requester, kind: string): Promise<Prepared | ResetFailure> {
    const requestId = newRequestId(this.deps.clock.now());
    const credential = this.deps.credentials.get(kind);
    if (!credential) return { ok: false, code: 'DIRECTORY_NOT_ENABLED', kind };
    let email: string | undefined;
    const countedAt = this.deps.clock.now();
    const { own, everyone } = this.limitsOf(requester, kind);
    const verifier = this.policyOf(kind) === 'verify' ? this.deps.verifier : undefined;
    const pushes = verifier && this.pushLimitOf(requester, verifier);
    let everyoneCounted = false;
    let pushCounted = false;
    let account: VerifierAccount | undefined;
    try {
      if (this.policyOf(kind) === 'verify' && !verifier) throw new LatchkeyFailure('VERIFY_MISCONFIGURED', 'verify policy with no verifier');
      // Counted now, so that the click waits on nothing but the audit and the reset; given back if
      // the person closes the confirmation instead (cancel). The person's own limit is counted
      // beside the identity check, and over it the directory never hears of the request. With
      // `verify`, the push this confirmation may send is counted too (push-bombing).
      // With `approval`, the person's open request is read beside them too (their own place, keyed by
      // the signed user ID, used only once they are known): asking again while one is open is told
      // where it stands instead of a confirmation. Not knowing is no refusal: filing still checks.
      const opening =
        this.policyOf(kind) === 'approval' && this.deps.approvals
          ? this.deps.approvals.open(requester, credential).catch((err: unknown) => {
              this.deps.logger.warn({ requestId, slackUserId: requester.userId, kind, err: describeError(err) }, 'open request could not be read; the confirmation is shown');
              return undefined;
            })
          : undefined;
      const first = await Promise.allSettled([
        identifyRequester(requester, this.deps.members, this.deps.workspace),
        this.take(own, countedAt, (retryAt) => new LatchkeyFailure('RATE_LIMITED', `${kind} limit for ${requester.userId}`, { retryAt })),
        pushes &&
          this.take(pushes, countedAt, (retryAt) => new LatchkeyFailure('PUSH_LIMITED', `push limit for ${requester.userId}`, { retryAt })).then(() => {
            pushCounted = true;
          }),
      ]);
      for (const settled of first) if (settled.status === 'rejected') throw settled.reason;
      const member = (first[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof identifyRequester>>>).value;
      email = member.email;
      const open = await opening;
      if (open) {
        // Nothing asked and nothing refused: no record; what opening counted is given back.
        await this.giveBack(own, countedAt, requestId);
        this.deps.logger.info({ requestId: open.requestId, slackUserId: requester.userId, kind, state: open.state }, 'asked again while a request is open; told where it stands');
        return { ok: false, code: 'REQUEST_OPEN', kind, email, requestId: open.requestId, open };
      }
      // Everyone's limit only once the person is known to be allowed and within their own: a
      // refused request must not pause resets for anybody else. Beside the directory lookup, so
      // the confirmation waits no longer; given back if the lookup refuses the person. The
      // verifier's account and push device are found beside them too, so the click sends the push
      // after one call (the audit attempt).
      const [lookup, counted, found] = await Promise.allSettled([
        pickDirectoryUser(credential.directory, email),
        everyone &&
          this.take(everyone, countedAt, (retryAt) => {
            this.deps.logger.error({ limit: everyone.limit, alert: true }, 'reset burst: organization-wide limit reached, resets paused');
            return new LatchkeyFailure('RESETS_PAUSED', undefined, { retryAt });
          }),
        verifier && verifier.verifier.find(email).catch((err: unknown) => Promise.reject(verifierFailure(err))),
      ]);
      everyoneCounted = everyone !== undefined && counted.status === 'fulfilled';
      if (counted.status === 'rejected') throw counted.reason;
      if (lookup.status === 'rejected') throw lookup.reason;
      if (found.status === 'rejected') throw found.reason;
      if (verifier) {
        account = found.value ?? undefined;
        if (!account) throw new LatchkeyFailure('VERIFY_NO_FACTOR', `no active push device in ${verifier.name}`);
      }
      const user = lookup.value;
      const ticket: ResetTicket = {
        ...this.ticketFor(kind, requester, user, requestId),
        countedAt: countedAt.getTime(),
        ...(account && { verify: { userId: account.userId, factorId: account.factorId, factorType: account.factorType } }),
      };
      return { ok: true, ticket: this.deps.sealer.seal(RESET_TICKET, ticket), kind, email, requestId, ...(user.locked && { locked: true }) };
    } catch (err) {
      const failure = this.report(err, { requester, kind, requestId });
      // Refused: what it counted against everyone's limit is given back. Paused by everyone's
      // limit, the person did nothing wrong: their own count is given back too.
      if (everyone && everyoneCounted) await this.giveBack(everyone, countedAt, requestId);
      if (failure.code === 'RESETS_PAUSED') await this.giveBack(own, countedAt, requestId);
      // No push was sent: what this confirmation counted against the pushes is given back.
      if (pushes && pushCounted) await this.giveBack(pushes, countedAt, requestId);
      if (failure.code === 'RATE_LIMITED' || failure.code === 'RESETS_PAUSED' || failure.code === 'PUSH_LIMITED') {
        const limit = { RATE_LIMITED: 'person', RESETS_PAUSED: 'everyone', PUSH_LIMITED: 'push' }[failure.code];
        this.metrics.count('limit_reached', { limit, credential: kind });
      }
      // A refusal of the verifier's own (no factor, the person refused by it, the push limit) names it on
      // record, so that its line on the person's Home tab names the verifier's app as the modal did
      // ("<app> requests"), and the admin's search reads its own reason in its plug-in's words.
      const verifierRefusal =
        verifier && failure.code === 'VERIFY_NO_FACTOR'
          ? { verifier: verifier.name, verification: 'no_factor' as const }
          : verifier && (failure.code === 'PUSH_LIMITED' || failure.code === 'VERIFY_USER_REFUSED')
            ? { verifier: verifier.name }
            : undefined;
      // The verifier's own reason for finding no push device (a user the verifier lets in without a
      // push), on record only where its plug-in declares it, as for a push that failed.
      const recorded =
        verifier && failure.code.startsWith('VERIFY_') && failure.reason !== undefined && verifierReason(verifier, failure) === undefined
          ? new LatchkeyFailure(failure.code, failure.detail, { retryAt: failure.retryAt })
          : failure;
      return {
        ...(await this.refused(requester, credential, requestId, email, recorded, verifierRefusal)),
        ...(verifier && { verifierApp: verifier.app, ...(verifier.service && { verifierService: verifier.service }), lostFactorCommand: this.lostFactorCommand(kind) }),
      };
    }
  }

  /** A request refused before any change: counted, on record with the failure's own reason, and told in the person's words. */
  private async refused(
    requester: Requester,
    credential: Resettable,
    requestId: string,
    email: string | undefined,
    failure: LatchkeyFailure,
    extra?: Parameters<AuditTrail['refused']>[3],
    approvalRequestId?: string,
  ): Promise<ResetFailure> {
    this.metrics.count('request_refused', { action: credential.audit.action, code: failure.code });
    await this.trail.refused(
      { requestId, action: credential.audit.action, actor: requester, directory: credential.audit.directory, ...(approvalRequestId && { approvalRequestId }) },
      failure.code,
      failure.reason,
      extra,
    );
    return {
      ok: false,
      code: failure.code,
      kind: credential.id,
      email,
      requestId,
      retryAt: failure.retryAt,
      ...(failure.reason !== undefined && { reason: failure.reason }),
    };
  }

  async confirm(requester: Requester, kind: string, sealedTicket: string, delivery: ResetDelivery): Promise<ResetDone | ResetPending | ResetFailure> {
    const credential = this.deps.credentials.get(kind);
    if (!credential) return { ok: false, code: 'DIRECTORY_NOT_ENABLED', kind };
    const ticket = this.deps.sealer.open(RESET_TICKET, sealedTicket, resetTicketSchema);
    const refusal = this.checkTicket(ticket, requester, kind);
    if (refusal || !ticket) {
      this.deps.logger.warn({ slackUserId: requester.userId, kind, code: refusal }, 'reset confirmation refused');
      return { ok: false, code: refusal ?? 'REQUEST_INVALID', kind };
    }

    // The gate: what the credential's policy asks for between the confirmation and the change.
    const policy = this.policyOf(kind);
    if (policy === 'approval') return this.deps.approvals!.request({ requester, credential, ticket });
    const verifier = policy === 'verify' ? this.deps.verifier : undefined;
    if (policy === 'verify' && (!verifier || !ticket.verify)) {
      // Opened before `verify` was turned on (or with another verifier): it proves nothing.
      this.deps.logger.warn({ slackUserId: requester.userId, kind, requestId: ticket.requestId }, 'reset confirmation made before the verify policy; refused');
      return { ok: false, code: 'REQUEST_EXPIRED', kind, email: ticket.email, requestId: ticket.requestId };
    }
    if (!verifier) return this.change(requester, credential, ticket, delivery);
    // Known from the click on, so that a close while the attempt is written or the push is sent
    // ends it too. A click replayed while the first is on its way here joins it: whichever of them
    // has its attempt written and sends the push, a close ends it at once, even one that came
    // before it was known which (the other's attempt is turned away, and it changes nothing).
    const joined = this.waiting.get(ticket.requestId);
    let wait: Waiting;
    if (joined?.requester.userId === requester.userId) wait = joined;
    else {
      // `joined` here is never another user's: checkTicket has made the sealed ticket, and so its
      // request ID (new for each confirmation), the signed user's. Kept apart all the same, in depth.
      wait = { requester, stop: new AbortController(), clicks: 0 };
      if (!joined) this.waiting.set(ticket.requestId, wait);
    }
    wait.clicks += 1;
    try {
      return await this.change(requester, credential, ticket, delivery, { verifier, account: ticket.verify!, stop: wait.stop.signal });
    } finally {
      if (--wait.clicks === 0) this.waitEnded(ticket.requestId, wait.stop.signal);
    }
  }

  /** The wait `stop` belongs to is over (or never began): a close from now on finds nothing to end. */
  private waitEnded(requestId: string, stop: AbortSignal): void {
    if (this.waiting.get(requestId)?.stop.signal === stop) this.waiting.delete(requestId);
  }

  /**
   * The person closed the modal waiting for their push (the `verify` policy): the wait ends as
   * cancelled, the push is withdrawn where the verifier can (Okta: DELETE on the transaction;
   * Duo has no way, and its approval is then never seen), nothing changes, and the outcome is on
   * record as VERIFY_CANCELLED. Neither a rejection nor a security event: the person changed
   * their mind.
   *
   * Only the requester's own close counts: the ticket (sealed, from the modal's private_metadata)
   * and the wait it names must both be the signed user's. A wait in this process ends at once.
   * Otherwise the close is recorded (ClosedWaits), keyed by the request, with the signed user:
   * the instance that waits (on Lambda, always another invocation; behind a load balancer, maybe
   * another server) reads it at its next check, and only a close by its own requester ends it.
   * 'unrecorded': the close could not be recorded, so the push stays live until it times out (or
   * is approved) and the person must be told. Returns what it did, for the handler and the log.
   */
  async abandonPush(requester: Requester, kind: string, sealedTicket: string): Promise<'cancelled' | 'recorded' | 'not_waiting' | 'not_theirs' | 'unrecorded'> {
    const ticket = this.deps.sealer.open(RESET_TICKET, sealedTicket, resetTicketSchema);
    const wait = ticket && this.waiting.get(ticket.requestId);
    const fields = { requestId: ticket?.requestId, slackUserId: requester.userId, kind };
    if (!ticket || ticket.userId !== requester.userId || ticket.teamId !== requester.teamId || ticket.kind !== kind || (wait && wait.requester.userId !== requester.userId)) {
      this.deps.logger.warn(fields, 'waiting modal closed by someone other than its requester, or not ours; nothing changed');
      return 'not_theirs';
    }
    if (wait) {
      wait.stop.abort();
      return 'cancelled';
    }
    const closes = this.deps.verifier?.closes;
    if (!closes) {
      this.deps.logger.info(fields, 'waiting modal closed, but no verifier is configured now; nothing to cancel');
      return 'not_waiting';
    }
    try {
      if ((await closes.record(ticket.requestId, requester.userId)) === 'taken') {
        this.deps.logger.warn(fields, 'waiting modal closed, but a close by someone else is on record for its request; nothing changed');
        return 'not_theirs';
      }
    } catch (err) {
      const failure = asFailure(err);
      this.deps.logger.error(
        { ...fields, code: failure.code, detail: failure.detail, ...(failure.needsOperator && { alert: true }) },
        'waiting modal closed, but the close could not be recorded: its push stays live until it times out',
      );
      return 'unrecorded';
    }
    // It may have ended already (approved, or timed out): then the record simply lapses.
    this.deps.logger.info(fields, 'waiting modal closed: the close is recorded for the instance that waits on its push');
    return 'recorded';
  }

  /**
   * The `approval` policy's second half: an admin approved the request confirmed as
   * `approved.requestId`, and its requester finished it with their own click. Who they are and who
   * they are in the directory are checked again, as when they asked, and must be the same user;
   * then the change is made like any other, its attempt on record once under the confirmation's
   * reference, so a second finish click changes nothing.
   */
  async finishApproved(
    requester: Requester,
    kind: string,
    approved: { readonly requestId: string; readonly directoryUserId: string; readonly email: string; readonly approvalRequestId?: string },
    delivery: ResetDelivery,
  ): Promise<ResetDone | ResetFailure> {
    const credential = this.deps.credentials.get(kind);
    if (!credential) return { ok: false, code: 'DIRECTORY_NOT_ENABLED', kind };
    let ticket: ResetTicket;
    try {
      const member = await identifyRequester(requester, this.deps.members, this.deps.workspace);
      const user = await pickDirectoryUser(credential.directory, member.email);
      if (user.id !== approved.directoryUserId) throw new LatchkeyFailure('REQUEST_INVALID', 'the directory user is not the one approved');
      ticket = this.ticketFor(kind, requester, user, approved.requestId);
    } catch (err) {
      const failure = this.report(err, { requester, kind, requestId: approved.requestId });
      const refused = await this.refused(requester, credential, approved.requestId, approved.email, failure, undefined, approved.approvalRequestId);
      // Before the change: nothing was sent. Slack or the directory not answering decided nothing,
      // so the same finish may go on; any other answer (another user, a refusal) is final.
      return unanswered(failure.code) ? { ...refused, sent: false } : refused;
    }
    return this.change(requester, credential, ticket, delivery, undefined, approved.approvalRequestId);
  }

  /**
   * An approved reset's Finish click turned away because another Finish click of its requester's
   * took the approval here (a double click; ResetApprovals.finish) and changes it under
   * `requestId`. Each Finish click opens a modal of its own, and whether Slack shows the one opened
   * last in front of the other or in its place is not ours to know: so this click's modal shows
   * what the other's does, as a Reset click that joins once the result is shown (sameAsShown): the
   * new credential, through this click's own delivery, into the same requester's modal only, and
   * only while the other's change here holds it. Waits for that change to show its result, or for
   * `ended`: the other click ended (then what came of it is the caller's to show: a failure, an
   * approval given back, or a change that ended before this click looked). Whether this click's
   * modal shows it: when Slack refuses that update, the secret goes aside to the requester alone, as
   * a change's own delivery does (deliver), for this modal may be the only one Slack still shows;
   * then false, for the caller to say over it what came of the request.
   */
  async sameAsFinishing(requester: Requester, kind: string, requestId: string, delivery: ResetDelivery, ended: Promise<unknown>): Promise<boolean> {
    let over = false;
    const end = ended.then(
      () => void (over = true),
      () => void (over = true),
    );
    for (;;) {
      const changing = this.changing.get(requestId);
      // Another user's change is never shown here (the request is the signed requester's: Changing.userId, in depth).
      if (changing?.userId === requester.userId && changing.showing?.step === 'result' && !changing.alsoShown) {
        // This click's own modal, not the other's: a close of that one says nothing of this one.
        const delivered = await this.showAlso(changing, changing.showing, delivery, { requestId, slackUserId: requester.userId, kind });
        return !delivered.deliveryFailed && !delivered.shownAside;
      }
      if (over) return false;
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const waiting = this.finishesWaiting.get(requestId) ?? new Set<() => void>();
      waiting.add(wake);
      this.finishesWaiting.set(requestId, waiting);
      try {
        await Promise.race([woken, end]);
      } finally {
        waiting.delete(wake);
        if (waiting.size === 0 && this.finishesWaiting.get(requestId) === waiting) this.finishesWaiting.delete(requestId);
      }
    }
  }

  /**
   * The change itself, once the policy allows it: the attempt on record (once per request, so a
   * replayed click does nothing), the push when the policy is `verify`, the reset, the secret.
   */
  private async change(
    requester: Requester,
    credential: Resettable,
    ticket: ResetTicket,
    delivery: ResetDelivery,
    verify?: { verifier: PolicyVerifier; account: VerifierAccount; stop: AbortSignal },
    /** An approved reset's: the approval it finishes, on each of its records. */
    approvalRequestId?: string,
  ): Promise<ResetDone | ResetFailure> {
    const kind = credential.id;

    const context = { requester, kind, requestId: ticket.requestId };
    // Known from before its attempt is written to its end: a close of its confirmation meanwhile is
    // seen (cancel), even one that comes while the attempt is on its way, whose own cancellation
    // would lose to it and leave the secret to an answer Slack drops. A click replayed while the
    // first is on its way here joins it: if the first is turned away and the replay's attempt is the
    // one written, a close seen meanwhile, or while the first was being turned away, is still seen.
    const joined = this.changing.get(ticket.requestId);
    let changing: Changing;
    if (joined?.userId === requester.userId) changing = joined;
    else {
      // `joined` here is never another user's: the request ID is the signed user's (confirm's
      // checkTicket; an approved finish's approval, taken by its requester). Kept apart all the same, in depth.
      let settle!: (written: boolean) => void;
      changing = { userId: requester.userId, closed: false, clicks: 0, written: false, onTheirWay: new Set(), alsoShowing: new Set(), begun: new Promise((resolve) => (settle = resolve)), settle };
      if (!joined) this.changing.set(ticket.requestId, changing);
    }
    changing.clicks += 1;
    // A double click's other click, or a replay: once one click's attempt is written, the others are
    // turned away, and their answers to the modal (a "working…" one at the latest) must not replace
    // what it shows (the push's number, the new secret, its failure). One joining before its result
    // gives way to it now; one joining after answers with the same result (sameAsShown).
    const click: Click = { delivery, gaveWay: false };
    if (!changing.written) changing.onTheirWay.add(click);
    else if (!changing.showing || changing.showing.step === 'challenge') await this.giveWay(click, changing.showing?.push, context);
    let change;
    try {
      change = await this.trail.begin({
        requestId: ticket.requestId,
        action: credential.audit.action,
        actor: requester,
        directory: credential.audit.directory,
        directoryUserId: ticket.directoryUserId,
        ...(approvalRequestId && { approvalRequestId }),
        // The proof this change is made on, by the route its request took through the gate (confirm,
        // finishApproved), on the attempt and every record after it: an admin's approval, a push, or
        // the signed Slack request alone. Never what anyone typed, nor the policy configured since.
        policy: approvalRequestId !== undefined ? 'approval' : verify ? 'verify' : 'self-service',
      });
    } catch (err) {
      const others = --changing.clicks > 0;
      if (!others) {
        changing.onTheirWay.delete(click);
        if (this.changing.get(ticket.requestId) === changing) this.changing.delete(ticket.requestId);
        changing.settle(false);
      }
      // Fail closed: no attempt on record, no reset, nothing sent. Unless its reference's attempt
      // is on record already: another click made under it may have sent the change.
      const failure = this.report(err, context);
      this.metrics.count('request_refused', { action: credential.audit.action, code: failure.code });
      // Another click here, still on its way, may be the one whose attempt was written: then this one gives way to it.
      if (others) {
        await changing.begun;
        changing.onTheirWay.delete(click);
      }
      const refused: ResetFailure = {
        ok: false,
        code: failure.code,
        kind,
        email: ticket.email,
        requestId: ticket.requestId,
        ...(failure.code !== 'REQUEST_ALREADY_USED' && { sent: false as const }),
      };
      if (click.gaveWay) return { ...refused, shownByAnotherClick: true };
      // Joined once the other click's result was shown, or being shown: whenever this answer reaches
      // Slack, it must not replace that with "already used". Only a click that found nothing of its
      // request under way here is told its confirmation was used.
      if (changing.written) return this.sameAsShown(refused, changing, delivery, context);
      // Its change failed here before this click came: the same failure. Only a click that found
      // nothing of its request here is told its confirmation was used.
      return (failure.code === 'REQUEST_ALREADY_USED' && this.failedHere(ticket.requestId, requester)) || refused;
    }

    this.changing.set(ticket.requestId, changing);
    changing.written = true;
    changing.onTheirWay.delete(click);
    const turnedAway = [...changing.onTheirWay];
    changing.onTheirWay.clear();
    changing.settle(true);
    // Before this click shows anything: what the others still owe the modal comes first.
    await Promise.all(turnedAway.map((other) => this.giveWay(other, undefined, context)));
    let outcome: ResetDone | ResetFailure | undefined;
    try {
      outcome = await this.changeOnRecord(requester, credential, ticket, delivery, change, changing, verify);
      return outcome;
    } catch (err) {
      // A bug of ours (or a record that could not be written) once the attempt was on record. Before
      // the change was sent, nothing was changed, and nothing but "working…" or a push's number can
      // be on screen: no click of this request shows a secret anywhere, as its attempt is this one.
      // So the modal itself says so, as for any failure, rather than standing at "Resetting…" with
      // a DM beside it. Once sent, it may have been made and its secret shown: that is the error
      // handler's, which never replaces the modal.
      // `showing` at its result implies `sent`; checked still, as the one thing this must never do
      // is replace a window that may show the new secret.
      if (changing.sent || changing.showing?.step === 'result') throw err;
      const failure = this.report(err, context);
      await change
        .failed(failure.code, changing.proof)
        .catch((e: unknown) => this.deps.logger.warn({ requestId: ticket.requestId, err: describeError(e) }, 'the failure of a reset could not be recorded'));
      // Not `sent: false`: a bug uses the request up, as a refusal does (an approved reset's approval is not given back to meet it again).
      outcome = { ok: false, code: failure.code, kind, email: ticket.email, requestId: ticket.requestId };
      return outcome;
    } finally {
      // Its failure, if it failed, is shown once this returns: a click of it that comes meanwhile shows the same (sameAsShown).
      if (!outcome) changing.showing = { step: 'ended' };
      else if (!outcome.ok) {
        changing.showing = { step: 'failure', failure: outcome };
        this.keepFailure(ticket, outcome);
      }
      if (this.changing.get(ticket.requestId) === changing) this.changing.delete(ticket.requestId);
    }
  }

  /** A change that failed, kept while its confirmation lives (failed); the ones whose confirmation ended are forgotten. */
  private keepFailure(ticket: ResetTicket, failure: ResetFailure): void {
    const now = this.deps.clock.now().getTime();
    for (const [requestId, kept] of this.failed) if (kept.until <= now) this.failed.delete(requestId);
    if (ticket.expiresAt > now) this.failed.set(ticket.requestId, { userId: ticket.userId, failure, until: ticket.expiresAt });
  }

  /** The failure of the request's change here, if its own requester's confirmation still lives. */
  private failedHere(requestId: string, requester: Requester): ResetFailure | undefined {
    const kept = this.failed.get(requestId);
    return kept && kept.userId === requester.userId && kept.until > this.deps.clock.now().getTime() ? kept.failure : undefined;
  }

  /**
   * The change once its attempt is on record (change): the push when the policy is `verify`, the
   * reset, the new credential to its requester, the outcome and the receipt.
   */
  private async changeOnRecord(
    requester: Requester,
    credential: Resettable,
    ticket: ResetTicket,
    delivery: ResetDelivery,
    change: AuditedChange,
    changing: Changing,
    verify?: { verifier: PolicyVerifier; account: VerifierAccount; stop: AbortSignal },
  ): Promise<ResetDone | ResetFailure> {
    const kind = credential.id;
    const context = { requester, kind, requestId: ticket.requestId };
    let proof: OutcomeExtraOf | undefined;
    if (verify) {
      const about = credential.request === undefined ? undefined : { request: credential.request };
      const verified = await this.verifyPush(requester, ticket, delivery, verify.verifier, verify.account, verify.stop, changing, about);
      proof = verified.proof;
      changing.proof = proof;
      if (!verified.ok) {
        // Its reason too (a push sent, then unanswered): a reviewer reads what the person was told.
        await change.failed(verified.code, verified.reason !== undefined ? { ...proof, reason: verified.reason } : proof);
        // The person's own change of mind is counted with the pushes' results (push_result), not as a refusal.
        if (verified.code !== 'VERIFY_CANCELLED') this.metrics.count('request_refused', { action: credential.audit.action, code: verified.code });
        const lostFactorCommand = this.lostFactorCommand(kind);
        const { app: verifierApp, mistake: verifierMistake, timeoutMs: verifyWaitMs } = verify.verifier;
        return { ok: false, code: verified.code, kind, email: ticket.email, requestId: ticket.requestId, ...(verified.reason !== undefined && { reason: verified.reason }), verifierApp, verifyWaitMs, ...(verifierMistake && { verifierMistake }), ...(lostFactorCommand && { lostFactorCommand }) };
      }
    }
    const left = this.deps.workTime?.leftMs();
    const { secretMs, unlockMs = 0, followUpMs = 0 } = credential.changeTime;
    // The unlock first only for an account the look-up found locked, as resetCredential below makes it.
    const changeMs = secretMs + (ticket.locked ? unlockMs : 0);
    if (left !== undefined && left < changeMs + this.deps.workTime!.showMs + followUpMs) {
      // Slowed before the change (Slack or DynamoDB near their bounds, a push approved late): made
      // now, it could end after the person's modal can be updated, a new secret set and never shown,
      // the old one gone. Not sent: nothing changed, and the modal can still say so. The time is the
      // credential's own: its calls up to the secret, one after another, then the modal's call, then
      // its follow-up (signing the person out elsewhere), which must end by then too, the time after
      // it holding only the outcome record and the settlement.
      const failure = this.report(new LatchkeyFailure('OUT_OF_TIME', `${Math.max(0, Math.round(left))} ms left to change and show the result`), context);
      await change.failed(failure.code, proof);
      this.metrics.count('request_refused', { action: credential.audit.action, code: failure.code });
      return { ok: false, code: failure.code, kind, email: ticket.email, requestId: ticket.requestId, sent: false };
    }
    this.metrics.count('reset_started', { credential: kind });

    let result: ChangeResult;
    try {
      changing.sent = true;
      result = await credential.directory.resetCredential({ id: ticket.directoryUserId, locked: ticket.locked });
    } catch (err) {
      const failure = this.report(err, context);
      // One person's refusal that, for several different people, is likely our setup (an app without
      // its role): counted (in this process, and on the shared count) beside the outcome's record, not
      // before it, as the answer waits for both. The record says what the directory answered either way.
      const counting = failure.oursIfWidespread !== undefined ? this.widespread.refused({ kind, reason: failure.reason ?? failure.code, person: ticket.directoryUserId, ours: failure.oursIfWidespread }) : false;
      // A refusal only the change could tell (an account another system manages) keeps its reason, for its words.
      const [widespread, recorded] = await Promise.allSettled([counting, change.failed(failure.code, failure.reason !== undefined ? { ...proof, reason: failure.reason } : proof)]);
      if (recorded.status === 'rejected') throw recorded.reason;
      this.metrics.count('reset_failed', { credential: kind, code: failure.code });
      return {
        ok: false,
        code: failure.code,
        kind,
        email: ticket.email,
        requestId: ticket.requestId,
        ...(failure.reason !== undefined && { reason: failure.reason }),
        ...(widespread.status === 'fulfilled' && widespread.value && { widespread: true as const }),
      };
    }
    this.metrics.count('reset_succeeded', { credential: kind });
    this.widespread.succeeded(kind);

    const shown: ResetDone = {
      ok: true,
      kind,
      email: ticket.email,
      requestId: ticket.requestId,
      at: this.deps.clock.now(),
      ...(ticket.locked && { unlocked: true }),
    };
    const fields = { requestId: ticket.requestId, slackUserId: requester.userId, kind };
    // From here a click of it that comes shows the same, secret and all, in the same modal (sameAsShown).
    changing.showing = { step: 'result', result, done: shown };
    // And a Finish click turned away for this one shows the same in its own modal (sameAsFinishing).
    for (const wake of this.finishesWaiting.get(ticket.requestId) ?? []) wake();
    const delivered = await this.deliver(result, shown, delivery, fields, changing);
    let { deliveryFailed, shownAside } = delivered;
    // A change with no secret whose modal Slack would not update, and is not closed: its "working…"
    // answer may stand there for good, so what was done is said aside, and the modal told where, as
    // for a click turned away (sameAsShown). Nothing to run again for: its receipt says the same.
    const shownElsewhere: ShownElsewhere | undefined =
      !result.secret && deliveryFailed && !delivered.gone
        ? { at: shown.at, requestId: shown.requestId, toldAside: await this.tellAside(changing, { result, done: shown }, delivery, fields) }
        : undefined;
    // Told aside, the person saw what was done, as a secret shown aside is seen: the record says it was delivered.
    if (shownElsewhere?.toldAside) deliveryFailed = false;
    // What the secret does not need (signing the person out elsewhere) follows it: however slow, it
    // never keeps the person from their secret.
    const incomplete = await this.followUp(result);
    // A close of the confirmation after the result's answer went out, but before Slack showed it
    // (a close after that is of the result's own view, which tells nobody): that answer replaced
    // nothing, and the secret goes aside. Looked for before the outcome is written, so that the
    // record says whether it reached the person, and again after, for a close that came meanwhile.
    const aside = !deliveryFailed && !shownAside && result.secret ? delivery.showResultAside?.bind(delivery) : undefined;
    const showAsideIfClosed = async () => {
      if (aside && !shownAside && !deliveryFailed && changing.closed) {
        ({ deliveryFailed, shownAside } = await this.showAside(result, shown, aside, fields, 'its confirmation was closed before the result was shown', 'closed'));
      }
    };
    await showAsideIfClosed();
    // A click turned away for this one that could show the secret nowhere: its modal may be the one
    // Slack shows in place of this one's (a Finish click), or its "working…" answer may stand over
    // this one's result (a Reset click), whose update "succeeded" all the same. Unless this one's
    // went aside (a message the person sees whatever the windows), it may never have been seen.
    const unseenElsewhere = async (last: boolean) => {
      while (changing.alsoShowing.size) await Promise.all(changing.alsoShowing);
      const unseen = !!result.secret && !deliveryFailed && !shownAside && changing.unseenElsewhere === true;
      if (last) changing.alsoShown = { secretShown: !deliveryFailed && !unseen, shownAside };
      return unseen;
    };
    if (await unseenElsewhere(false)) deliveryFailed = true;
    if (incomplete.length) {
      // The change stands and the person has their secret; what did not follow it is ours to fix.
      this.deps.logger.error(
        { requestId: ticket.requestId, slackUserId: requester.userId, kind, incomplete, alert: true },
        'reset done, but a step after the change failed',
      );
    }
    const done: ResetDone = { ...shown, ...(incomplete.length > 0 && { incomplete }) };
    await (incomplete.length
      ? change.partial(incomplete, deliveryFailed || proof ? { ...proof, ...(deliveryFailed && { deliveryFailed }) } : undefined)
      : change.succeeded(deliveryFailed || proof ? { ...proof, ...(deliveryFailed && { deliveryFailed }) } : undefined));
    await showAsideIfClosed();
    let late: Promise<Delivered> | undefined;
    if (aside && !shownAside && !deliveryFailed) {
      // While the receipt is sent, a close is acted on by cancel() itself: nothing here looks again.
      changing.late = () => (late = this.showAside(result, shown, aside, fields, 'its confirmation was closed before the result was shown, after the reset was recorded', 'closed')).then(() => undefined);
    }
    // "could not show you the new one" is said only of a secret: a change with none has nothing to show again.
    const receiptOf = (delivered: Delivered): ResetDone =>
      result.secret ? { ...done, secretShown: !delivered.deliveryFailed, ...(delivered.shownAside && { secretShownAside: delivered.shownAside }) } : done;
    // A warning, not an alert, though the receipt is the alarm: Slack refusing a DM to the person is Slack's
    // (an outage, a rate limit) or the person's (an account deactivated meanwhile), not a fault of ours, and
    // the person's own touch could raise it. A token of ours refused fails every call, and alerts there.
    // The person still has their window, which says what was done.
    const ownerNotified = (err: unknown) => this.deps.logger.warn({ requestId: ticket.requestId, err: describeError(err) }, 'owner notification failed');
    const receipt = await delivery.notifyOwner(receiptOf({ deliveryFailed, shownAside })).catch(ownerNotified);
    // A close from here on is of the result's own view, or of a confirmation whose answer Slack had not shown yet: that secret is lost (README).
    changing.late = undefined;
    if (late) {
      // Closed while the receipt was on its way, which said the secret was in the window: rewritten to say where it went.
      const delivered = await late;
      shownAside = delivered.shownAside;
      // Or that it went nowhere, and to reset again; the outcome on record said it was shown, so it is written again.
      if (delivered.deliveryFailed) {
        deliveryFailed = true;
        await change.undelivered();
      }
      if (receipt) await receipt.rewrite(receiptOf(delivered)).catch(ownerNotified);
    }
    // A click turned away for this one that came after its outcome was written, and could show it nowhere.
    if (await unseenElsewhere(true)) {
      deliveryFailed = true;
      await change.undelivered();
      if (receipt) await receipt.rewrite(receiptOf({ deliveryFailed, shownAside: false })).catch(ownerNotified);
    }
    this.deps.logger.info(
      { requestId: ticket.requestId, slackUserId: requester.userId, kind, directory: credential.audit.directory, deliveryFailed },
      'credential reset',
    );
    return shownElsewhere ? { ...done, shownElsewhere } : done;
  }

  /** `click` gives way to another click of its request, whose attempt was written (ResetDelivery.giveWay). */
  private async giveWay(click: Click, push: PushShown | undefined, context: { requester: Requester; kind: string; requestId: string }): Promise<void> {
    if (!click.delivery.giveWay) return;
    click.gaveWay = true;
    await click.delivery.giveWay(push).catch((err: unknown) =>
      this.deps.logger.warn({ requestId: context.requestId, slackUserId: context.requester.userId, kind: context.kind, err: describeError(err) }, 'a click turned away for another click of its request could not give way'),
    );
  }

  /**
   * A click turned away that joined its request's change here once that showed its result: it
   * answers with the same, so that its answer, reaching Slack before or after the other's, leaves
   * that result on screen. The new credential goes to the same requester's same modal (the click is
   * theirs: checkTicket and Changing.userId), through this click's own delivery; Slack refusing that
   * (its "working…" answer may stand over the result by then), aside to them alone (showAlso), never
   * anywhere else, and the modal is told where it went (shownElsewhere); with the modal closed
   * meanwhile (the other click showed it aside), nothing. A failure is returned as the other's, for
   * this click's modal to show the same.
   */
  private async sameAsShown(
    refused: ResetFailure,
    changing: Changing,
    delivery: ResetDelivery,
    context: { requester: Requester; kind: string; requestId: string },
  ): Promise<ResetFailure> {
    const shown = changing.showing;
    if (shown?.step === 'failure') return shown.failure;
    if (shown?.step !== 'result') return refused;
    if (!changing.closed && changing.alsoShown && shown.result.secret) {
      // Come after the change counted its deliveries for the last time: shown again now, the secret
      // would be counted nowhere (its record and receipt say already whether it was shown), and
      // could reach the person after they were told it could not. What came of it instead, as its
      // record says it, never the secret: over this click's "working…" answer, in the same window.
      // A change with no secret has nothing to count: it is shown again as below, and, its window
      // refusing, said aside (once for the change), or the window would stay on "working…".
      const { secretShown, shownAside } = changing.alsoShown;
      const where: ShownElsewhere = { at: shown.done.at, requestId: shown.done.requestId, secretShown, ...(secretShown && !shownAside && { shownHere: true as const }) };
      if (!delivery.showWhere) return { ...refused, shownByAnotherClick: true, shownElsewhere: where };
      try {
        await delivery.showWhere(where);
      } catch (err) {
        // Slack refused it: this click's "working…" answer may stand there for good. The same words
        // aside, once for the change; with the window closed meanwhile, nothing is left standing.
        if (delivery.windowGone?.(err) !== true) {
          const fields = { requestId: context.requestId, slackUserId: context.requester.userId, kind: context.kind, err: describeError(err) };
          await this.tellWhereAside(changing, where, delivery, fields);
        }
      }
      return { ...refused, shownByAnotherClick: true };
    }
    if (!changing.closed) {
      const fields = { requestId: context.requestId, slackUserId: context.requester.userId, kind: context.kind };
      const delivered = await this.showAlso(changing, shown, delivery, fields);
      if (shown.result.secret && (delivered.deliveryFailed || delivered.shownAside)) {
        return { ...refused, shownByAnotherClick: true, shownElsewhere: { at: shown.done.at, requestId: shown.done.requestId, secretShown: !delivered.deliveryFailed } };
      }
      // A change with no secret: its "working…" answer may stand there as well, so what was done is
      // said aside, and the modal told so. Nothing to run again for: its receipt says the same.
      if (!shown.result.secret && delivered.deliveryFailed) {
        const toldAside = await this.tellAside(changing, shown, delivery, fields);
        return { ...refused, shownByAnotherClick: true, shownElsewhere: { at: shown.done.at, requestId: shown.done.requestId, toldAside } };
      }
    }
    return { ...refused, shownByAnotherClick: true };
  }

  /**
   * What a change with no secret did, to its requester alone in an ephemeral message, when a modal
   * could not say it (its own click, changeOnRecord; one turned away, sameAsShown). Whether it was said. Slack refusing is no fault of ours: a warning.
   */
  private async tellAside(changing: Changing, shown: { readonly result: ChangeResult; readonly done: ResetDone }, delivery: ResetDelivery, fields: object): Promise<boolean> {
    // Another window of the change said it already (a double click, both windows refused): the same message, not a second one.
    if (changing.toldAside && (await changing.toldAside)) return true;
    return (changing.toldAside = this.sayAside(shown, delivery, fields));
  }

  /**
   * Where a change's secret went, to its requester alone in an ephemeral message, when a window
   * turned away after its last count could not say it (sameAsShown). Never the secret. Slack
   * refusing is no fault of ours: a warning.
   */
  private async tellWhereAside(changing: Changing, where: ShownElsewhere, delivery: ResetDelivery, fields: object): Promise<boolean> {
    // Another window of the change said it already (a third click refused as well): the same message, not a second one.
    if (changing.toldWhereAside && (await changing.toldWhereAside)) return true;
    const aside = delivery.showWhereAside?.bind(delivery);
    if (!aside) return false;
    this.deps.logger.warn(fields, 'saying where the new credential went in an ephemeral message: the modal could not say it');
    return (changing.toldWhereAside = aside(where).then(
      () => true,
      (err: unknown) => {
        this.deps.logger.warn({ ...fields, asideErr: describeError(err) }, 'where the new credential went could not be said in an ephemeral message either');
        return false;
      },
    ));
  }

  private async sayAside(shown: { readonly result: ChangeResult; readonly done: ResetDone }, delivery: ResetDelivery, fields: object): Promise<boolean> {
    if (!delivery.showResultAside) return false;
    this.deps.logger.warn(fields, 'saying what was done in an ephemeral message: the modal could not show it');
    try {
      await delivery.showResultAside(shown.result, { ...shown.done, secretShownAside: 'unshown' });
      return true;
    } catch (err) {
      this.deps.logger.warn({ ...fields, asideErr: describeError(err) }, 'what was done could not be said in an ephemeral message either');
      return false;
    }
  }

  /**
   * A click turned away shows its change's result in its own modal (sameAsShown, sameAsFinishing):
   * Slack refusing that, aside, as the change's own delivery does (deliver), for this modal may be
   * the only window left showing anything of it. Counted with the change's delivery
   * (Changing.alsoShowing): shown nowhere, the person may never have seen it.
   */
  private showAlso(changing: Changing, shown: { readonly result: ChangeResult; readonly done: ResetDone }, delivery: ResetDelivery, fields: object): Promise<Delivered> {
    const delivering: Promise<Delivered> = this.deliver(shown.result, shown.done, delivery, fields, { closed: false }).then((delivered) => {
      changing.alsoShowing.delete(delivering);
      if (delivered.deliveryFailed) changing.unseenElsewhere = true;
      return delivered;
    });
    changing.alsoShowing.add(delivering);
    return delivering;
  }

  /**
   * The new credential to its requester: in their modal, or, with a secret and their modal gone
   * (closed while the change ran, as cancel saw, or Slack refusing to update it), aside in an
   * ephemeral message. The old secret is gone already: a person whose modal closed must still get
   * the new one, or they are locked out harder than before. Privately, or not at all.
   */
  private async deliver(
    result: ChangeResult,
    shown: ResetDone,
    delivery: ResetDelivery,
    fields: object,
    changing: { readonly closed: boolean },
  ): Promise<Delivered> {
    const aside = result.secret ? delivery.showResultAside?.bind(delivery) : undefined;
    if (aside && changing.closed) return this.showAside(result, shown, aside, fields, 'its confirmation was closed while the change ran', 'closed');
    try {
      await delivery.showResult(result, shown);
      return { deliveryFailed: false, shownAside: false };
    } catch (err) {
      const gone = changing.closed || delivery.windowGone?.(err) === true;
      if (aside) {
        return this.showAside(result, shown, aside, { ...fields, err: describeError(err) }, gone ? 'the modal was gone' : 'the modal could not show it', gone ? 'closed' : 'unshown');
      }
      // No secret lost (its receipt says what was done), and Slack refusing is no fault of ours: a warning.
      if (!result.secret) this.deps.logger.warn({ ...fields, err: describeError(err) }, 'change done, but the modal could not show what was done');
      else this.deps.logger.error({ ...fields, err: describeError(err) }, 'reset done but the new credential could not be shown');
      return { deliveryFailed: true, shownAside: false, ...(gone && { gone: true as const }) };
    }
  }

  private async showAside(
    result: ChangeResult,
    shown: ResetDone,
    aside: NonNullable<ResetDelivery['showResultAside']>,
    fields: object,
    why: string,
    as: NonNullable<ResetDone['secretShownAside']>,
  ): Promise<Delivered> {
    this.deps.logger.warn(fields, `showing the new credential in an ephemeral message: ${why}`);
    try {
      await aside(result, { ...shown, secretShownAside: as });
      return { deliveryFailed: false, shownAside: as };
    } catch (err) {
      this.deps.logger.error({ ...fields, asideErr: describeError(err) }, 'reset done but the new credential could not be shown');
      return { deliveryFailed: true, shownAside: false };
    }
  }

  /** The change's follow-up, if it has one: the steps of it that failed (none, or the one). */
  private async followUp(result: ChangeResult): Promise<IncompleteStep[]> {
    if (!result.followUp) return [];
    try {
      await result.followUp.run();
      return [];
    } catch (err) {
      return [{ step: result.followUp.step, code: asFailure(err).code }];
    }
  }

  /**
   * The person closed the confirmation without resetting: what opening it counted against the
   * limits is given back, once, so that looking and cancelling costs nothing. Only for the person
   * and credential the ticket was made for; nothing is shown, as the modal is already closed.
   *
   * The cancellation is written to the audit log first, in the one slot a request's attempt could
   * take: if the Reset click's attempt is there already (a close that arrives while the reset runs,
   * or after it), nothing is given back; once the cancellation is there, a late click resets
   * nothing. One record decides, so a reset is never left uncounted.
   *
   * Returns whether the ticket was the requester's own (for the person, the credential and in this
   * workspace), whatever the cancellation then found.
   */
  async cancel(requester: Requester, kind: string, sealedTicket: string): Promise<boolean> {
    const ticket = this.deps.sealer.open(RESET_TICKET, sealedTicket, resetTicketSchema);
    if (!ticket || ticket.countedAt === undefined || ticket.userId !== requester.userId || ticket.teamId !== requester.teamId || ticket.kind !== kind) {
      this.deps.logger.warn({ slackUserId: requester.userId, kind }, 'closed confirmation not recognised; nothing given back');
      return false;
    }
    const fields = { requestId: ticket.requestId, slackUserId: requester.userId, kind };
    const credential = this.deps.credentials.get(kind);
    if (!credential) return false;
    if (await this.closedWhileChanging(ticket.requestId, requester, fields)) return true;
    try {
      await this.trail.cancelled({
        requestId: ticket.requestId,
        action: credential.audit.action,
        actor: requester,
        directory: credential.audit.directory,
        directoryUserId: ticket.directoryUserId,
      });
    } catch (err) {
      const failure = asFailure(err);
      // Its attempt won: written here, it may have been registered only since this close looked.
      if (failure.code === 'REQUEST_ALREADY_USED' && (await this.closedWhileChanging(ticket.requestId, requester, fields))) return true;
      if (failure.code === 'REQUEST_ALREADY_USED') this.deps.logger.info(fields, 'confirmation closed after it was used, or closed again; nothing given back');
      else this.deps.logger.warn({ ...fields, err: describeError(err) }, 'confirmation closed; its cancellation could not be recorded, so nothing was given back');
      return true;
    }
    const countedAt = new Date(ticket.countedAt);
    const { own, everyone } = this.limitsOf(requester, kind);
    const pushes = ticket.verify && this.deps.verifier ? [this.pushLimitOf(requester, this.deps.verifier)] : [];
    const [givenBack] = await Promise.all([own, ...(everyone ? [everyone] : []), ...pushes].map((l) => this.giveBack(l, countedAt, ticket.requestId)));
    if (givenBack) this.deps.logger.info(fields, 'confirmation closed; its count given back');
    else this.deps.logger.info(fields, 'confirmation closed; its count had lapsed or could not be given back');
    return true;
  }

  /**
   * Closed after the Reset click, while its change runs here: the result's answer would replace a
   * modal that is gone (Slack says nothing of it), so the change shows its secret aside. Whether
   * it was: false when no change of it runs here, or its attempt turned out not to be written
   * here (then nothing changes, and the close is one like any other).
   */
  private async closedWhileChanging(requestId: string, requester: Requester, fields: object): Promise<boolean> {
    const changing = this.changing.get(requestId);
    if (changing?.userId !== requester.userId) return false;
    const late = changing.late;
    if (late) {
      // The change has looked for a close for the last time: the secret goes aside from here.
      changing.late = undefined;
      this.deps.logger.info(fields, 'confirmation closed while its reset was ending; the new credential goes aside now');
      await late();
      return true;
    }
    // Set before its attempt is known to be written, so that the change, once it is, sees it.
    changing.closed = true;
    this.deps.logger.debug(fields, 'confirmation closed while its reset is on its way; waiting to know whether its attempt was written');
    if (!(await changing.begun)) return false;
    this.deps.logger.info(fields, 'confirmation closed while its reset ran; a new secret it sets goes aside');
    return true;
  }

  /**
   * The `verify` policy's proof: one push, for this request and this click alone (the attempt
   * record already claimed the request, so a replayed click never gets here), followed until it
   * ends. Only an approval goes on to the change. A rejection may mean someone else holds the
   * person's Slack session: a security event, logged with its own field, counted, and told to
   * the owner, but not an operator's fault (no alert). `stop`: the person closed the waiting
   * modal (abandonPush); whatever the push does after that changes nothing.
   */
  private async verifyPush(
    requester: Requester,
    ticket: ResetTicket,
    delivery: ResetDelivery,
    verifier: PolicyVerifier,
    account: VerifierAccount,
    stop: AbortSignal,
    /** Its request's clicks here: one joining while the push waits shows its number too. */
    changing: Pick<Changing, 'showing'>,
    about?: PushAbout,
  ): Promise<{ ok: true; proof: OutcomeExtraOf } | { ok: false; code: FailureCode; reason?: string; proof: OutcomeExtraOf }> {
    const kind = ticket.kind;
    const fields = { requestId: ticket.requestId, slackUserId: requester.userId, kind, verifier: verifier.name, factorType: account.factorType };
    // Once the push is sent, its record keeps the wait it has (VERIFY_TIMEOUT_SECONDS now), for its
    // line to say later whatever the setting is then; a wait no record can hold is left out, never
    // a reason for the outcome's write to fail.
    let sent = false;
    const waitMs = verifier.timeoutMs;
    const kept = Number.isInteger(waitMs) && waitMs >= 1 && waitMs <= VERIFY_WAIT_MAX_MS;
    // Once sent, what the verifier's own log knows the push by, as its plug-in gives it; an ID the
    // record cannot hold is left off (and said in a log line, without it), never a reason for the
    // outcome's write to fail.
    let logged: Pick<OutcomeExtraOf, 'verifierFactorId' | 'verifierTransactionId'> = {};
    const proofOf = (verification: VerificationOutcome): OutcomeExtraOf => ({
      verifier: verifier.name,
      factorType: account.factorType,
      verification,
      ...(sent && kept && { verifyWaitMs: waitMs }),
      ...logged,
    });
    const cancelled = () => {
      this.deps.logger.info(fields, 'push cancelled: the person closed the modal waiting for it; nothing changed');
      this.metrics.count('push_result', { credential: kind, verifier: verifier.name, result: 'cancelled' });
      return { ok: false as const, code: 'VERIFY_CANCELLED' as const, proof: proofOf('cancelled') };
    };
    // Closed while the attempt was being written: no push is sent.
    if (stop.aborted) return cancelled();
    let push: PushStarted;
    try {
      push = await verifier.verifier.push(account, about);
    } catch (err) {
      const failure = verifierFailure(err);
      this.report(failure, { requester, kind, requestId: ticket.requestId });
      return { ok: false, code: failure.code, proof: proofOf('failed') };
    }
    sent = true;
    logged = this.loggedAs(push, fields);
    this.metrics.count('push_sent', { credential: kind, verifier: verifier.name });
    if (stop.aborted) {
      // Closed while the push was on its way: withdrawn before anyone is asked to pick a number.
      this.waitEnded(ticket.requestId, stop);
      await this.withdraw(verifier, account, push, fields);
      return cancelled();
    }
    const shown: PushShown = { challenge: push.challenge, app: verifier.app, waitMs: verifier.timeoutMs };
    changing.showing = { step: 'challenge', push: shown };
    await delivery.showChallenge?.(shown).catch((err: unknown) =>
      this.deps.logger.warn({ ...fields, err: describeError(err) }, 'the push was sent but its number could not be shown'),
    );
    let result: 'approved' | 'rejected' | 'timeout' | 'expired' | 'cancelled';
    try {
      result = await verifier.waiter.wait(() => this.checkUnlessClosed(verifier, account, push, ticket.requestId, requester), verifier.timeoutMs, stop);
    } catch (err) {
      this.waitEnded(ticket.requestId, stop);
      await this.withdraw(verifier, account, push, fields);
      const failure = verifierFailure(err);
      this.report(failure, { requester, kind, requestId: ticket.requestId });
      // Sent, so maybe on the phone: the person is told not to approve it, not that it never went out.
      // Our own read of the closes failed: told so, never as a push not approved (the waiter's ours).
      // Otherwise the verifier's own reason, where its plug-in declares one (an admin's bypass, not "no app").
      const reason =
        failure.code === 'VERIFY_UNAVAILABLE'
          ? SENT_UNANSWERED
          : failure.code === 'STORE_UNAVAILABLE'
            ? CLOSE_UNREAD
            : verifierReason(verifier, failure);
      return { ok: false, code: failure.code, ...(reason !== undefined && { reason }), proof: proofOf('failed') };
    }
    // However it ended, the wait is over: a close from now on changes nothing (an approval's change goes on).
    this.waitEnded(ticket.requestId, stop);
    if (result === 'cancelled') {
      // Withdrawn, so that approving it by habit approves nothing (a verifier that cannot withdraw
      // one: nobody is waiting for its answer any more).
      await this.withdraw(verifier, account, push, fields);
      return cancelled();
    }
    if (result === 'expired') {
      // Nobody answered in time: the push is withdrawn, so a late approval approves nothing.
      await this.withdraw(verifier, account, push, fields);
      result = 'timeout';
    }
    this.metrics.count('push_result', { credential: kind, verifier: verifier.name, result });
    if (result === 'approved') {
      this.deps.logger.info(fields, 'push approved');
      return { ok: true, proof: proofOf('approved') };
    }
    if (result === 'timeout') {
      this.deps.logger.info(fields, 'push not answered in time; nothing changed');
      return { ok: false, code: 'VERIFY_TIMEOUT', proof: proofOf('timeout') };
    }
    this.deps.logger.warn({ ...fields, securityEvent: 'push_rejected' }, 'push rejected on the phone: someone else may be using this Slack account; nothing changed');
    this.metrics.count('push_rejected', { credential: kind, verifier: verifier.name });
    await delivery
      .notifyRejected?.({ kind, requestId: ticket.requestId, at: this.deps.clock.now(), app: verifier.app, ...(verifier.mistake && { mistake: verifier.mistake }) })
      .catch((err: unknown) => this.deps.logger.warn({ ...fields, err: describeError(err) }, 'owner could not be told of the rejected push'));
    return { ok: false, code: 'VERIFY_REJECTED', proof: proofOf('rejected') };
  }

  /**
   * One check of the push, and beside it (in parallel: the check takes no longer) one read of
   * whether its requester closed the waiting modal in another instance (abandonPush). A close wins
   * over any answer, an approval too: the person has left and asked for nothing to change. An
   * approval is read for once more after it came: a check can be held open for seconds (Duo's long
   * poll), and a close made meanwhile, then an approval by habit, must not change anything. One more
   * read, on approvals only.
   *
   * A read that fails fails the check, whatever the push says, as a failed poll does: the waiter
   * checks again an interval later, ends the wait after three failures in a row (the push
   * withdrawn, nothing changed, STORE_UNAVAILABLE), and at the deadline as not answered. So no
   * credential changes on a check that could not tell whether the person had closed the modal, and
   * a read error is never taken for "not closed".
   */
  private async checkUnlessClosed(
    verifier: PolicyVerifier,
    account: VerifierAccount,
    push: PushStarted,
    requestId: string,
    requester: Requester,
  ): Promise<'waiting' | PushResult | 'cancelled'> {
    const [state, closed] = await Promise.allSettled([verifier.verifier.check(account, push), verifier.closes.closedBy(requestId, requester.userId)]);
    if (closed.status === 'fulfilled' && closed.value) return 'cancelled';
    if (closed.status === 'rejected') throw closed.reason;
    if (state.status === 'rejected') throw state.reason;
    if (state.value === 'approved' && (await verifier.closes.closedBy(requestId, requester.userId))) return 'cancelled';
    return state.value;
  }

  /** A sent push's IDs in the verifier's own log (PushStarted.audit), for its outcome record: only those that are IDs. */
  private loggedAs(push: PushStarted, fields: object): Pick<OutcomeExtraOf, 'verifierFactorId' | 'verifierTransactionId'> {
    const { factorId, transactionId } = push.audit ?? {};
    const fits = (id: string | undefined): id is string => id !== undefined && VERIFIER_LOG_ID.test(id);
    const left = [...(factorId !== undefined && !fits(factorId) ? ['factor'] : []), ...(transactionId !== undefined && !fits(transactionId) ? ['transaction'] : [])];
    if (left.length > 0) this.deps.logger.warn({ ...fields, left }, "the push's IDs in the verifier's log are not IDs the audit record holds; left off it");
    return { ...(fits(factorId) && { verifierFactorId: factorId }), ...(fits(transactionId) && { verifierTransactionId: transactionId }) };
  }

  private async withdraw(verifier: PolicyVerifier, account: VerifierAccount, push: PushStarted, fields: object): Promise<void> {
    await verifier.verifier.cancel(account, push).catch((err: unknown) => this.deps.logger.warn({ ...fields, err: describeError(err) }, 'the push could not be withdrawn'));
  }

  /** Pushes one person may be sent per hour, whatever they reset: a push costs the person's attention. */
  private pushLimitOf(requester: Requester, verifier: PolicyVerifier): Limit {
    return { key: `push:${requester.userId}`, limit: verifier.perPersonPerHour, windowMs: HOUR_MS };
  }

  /** The person's limit for this credential, and everyone's when one is set. */
  private limitsOf(requester: Requester, kind: string): { own: Limit; everyone?: Limit } {
    const { limits } = this.deps;
    return {
      // By user ID alone: unique across an Enterprise Grid org, so acting from another of its
      // workspaces is the same person with the same allowance.
      own: { key: `reset:${kind}:${requester.userId}`, limit: limits.perUserPerHour, windowMs: HOUR_MS },
      ...(limits.globalPerMinute && { everyone: { key: 'reset:all', limit: limits.globalPerMinute, windowMs: MINUTE_MS } }),
    };
  }

  /** Counts one use of `limit` at `at`, or throws the failure `over` makes when it is used up. */
  private async take(limit: Limit, at: Date, over: (retryAt: Date) => LatchkeyFailure): Promise<void> {
    const taken = await this.deps.limiter.take(limit.key, limit.limit, limit.windowMs, at);
    if (!taken.ok) throw over(taken.retryAt);
  }

  /** Gives back the use `useId` counted at `at`; true when it did. Failing is logged, not thrown: nothing waits on it. */
  private async giveBack(limit: Limit, at: Date, useId: string): Promise<boolean> {
    try {
      return await this.deps.limiter.giveBack(limit.key, limit.windowMs, at, useId);
    } catch (err) {
      this.deps.logger.warn({ requestId: useId, key: limit.key, err: describeError(err) }, 'a counted use could not be given back');
      return false;
    }
  }

  private checkTicket(
    ticket: ResetTicket | undefined,
    requester: Requester,
    kind: string,
  ): FailureCode | undefined {
    if (!ticket) return 'REQUEST_INVALID';
    // The signed payload says who is clicking; a ticket made for anyone else is worthless.
    if (ticket.userId !== requester.userId || ticket.teamId !== requester.teamId || ticket.kind !== kind) {
      return 'REQUEST_INVALID';
    }
    if (ticket.expiresAt <= this.deps.clock.now().getTime()) return 'REQUEST_EXPIRED';
    return undefined;
  }

  /** Logs a failure at the level it deserves and returns it as ours. */
  private report(
    err: unknown,
    context: { requester: Requester; kind: string; requestId: string },
  ): LatchkeyFailure {
    const failure = asFailure(err);
    const fields = {
      requestId: context.requestId,
      slackUserId: context.requester.userId,
      kind: context.kind,
      code: failure.code,
      detail: failure.detail,
    };
    if (failure.needsOperator) this.deps.logger.error({ ...fields, alert: true }, 'reset failed: operator action needed');
    else this.deps.logger.warn(fields, 'reset refused or failed');
    return failure;
  }
}


type OutcomeExtraOf = Pick<import('./ports').AuditEntry, 'verifier' | 'factorType' | 'verification' | 'verifyWaitMs' | 'verifierFactorId' | 'verifierTransactionId'>;

/** A verifier's own reason for its failure, where its plug-in declares it (VerifierWords.reasons): an undeclared one is never recorded. */
function verifierReason(verifier: PolicyVerifier, failure: LatchkeyFailure): string | undefined {
  return failure.reason !== undefined && verifier.reasons?.has(failure.reason) ? failure.reason : undefined;
}

/** A verifier's failure in the policy's words: its misconfiguration is the operator's; anything else, "try again". */
function verifierFailure(err: unknown): LatchkeyFailure {
  const failure = asFailure(err);
  // STORE_UNAVAILABLE: whether the person closed the waiting modal could not be read (checkUnlessClosed); ours to fix.
  if (failure.code.startsWith('VERIFY_') || failure.code === 'PUSH_LIMITED' || failure.code === 'STORE_UNAVAILABLE') return failure;
  const code: FailureCode = failure.code === 'DIRECTORY_MISCONFIGURED' || failure.code === 'INTERNAL' ? 'VERIFY_MISCONFIGURED' : 'VERIFY_UNAVAILABLE';
  return new LatchkeyFailure(code, `verifier: ${failure.detail ?? failure.code}`, { cause: failure });
}
