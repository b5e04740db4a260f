import type { Button, KnownBlock } from '@slack/types';
import type { ApprovalStep, Detail, PendingRequest } from '../flows/approvals/pending-request';
import type { RequesterNotice } from '../flows/approvals/approvals';
import { capitalized, type SubjectWords } from './words';

/**
 * How one kind of pending request is told to people. The approval views (the channel message,
 * the review modal, the requester's notices, the Home tab's queue) are the same for every kind
 * and ask these for what is the kind's own.
 */
export interface ApprovalKindWords {
  /** The kind's subject, for failures about no one request ("Amazon Chime license"). */
  readonly subject: SubjectWords;
  /** One request's subject, for its own failures: an approved reset's is its credential's. */
  subjectOf(request: PendingRequest): SubjectWords;
  /** What each audit step of it is called on the Home tab ("License change request", "License change decision"), and a revoke's follow-up. */
  readonly steps: Readonly<Record<StepName, string>>;
  /**
   * What a step of one request is called where its subject is known, in its noun ("Okta password
   * reset request"), so that it reads as the request does everywhere else. Absent: `steps`.
   */
  stepOf?(step: StepName, subject: SubjectWords): string;
  /** What the requester asks, after their name (mrkdwn): "asks to change their Amazon Chime license: *Basic* → *Pro*". */
  asks(request: PendingRequest): string;
  /** The same, short, for lists (mrkdwn): "*Basic* → *Pro*". */
  summary(request: PendingRequest): string;
  /**
   * One request where nothing else on its line says what it is (its requester's Your requests, and
   * after whose it is on the admins' lists, among every kind's), in its name (mrkdwn): "*license
   * change*: *Basic* → *Pro*". Absent: `summary`, which names it already ("*meeting PIN reset*").
   */
  listed?(request: PendingRequest): string;
  /**
   * One request in a sentence, after whose it is, as its DMs name it: "your meeting PIN reset
   * request", "their request to change their Amazon Chime license to Pro"; after a mention's
   * possessive (Whose), "<@U1>'s request to change their Amazon Chime license to Pro".
   */
  called(request: PendingRequest, whose: Whose): string;
  /**
   * The approve option of the review modal (plain text, short): "Approve: change to Pro". Undefined:
   * not offered, as the review's details show approving could not work (`details` then say why).
   */
  approveLabel(request: PendingRequest, details: Detail): string | undefined;
  /** What the reviewer sees of the requester's account (the kind's review details). */
  details(request: PendingRequest, details: Detail): KnownBlock[];
  /** What an applied request did, after the requester's name (mrkdwn): "now has *Pro*". */
  applied(request: PendingRequest): string;
  /**
   * How an applied request's change was made (mrkdwn, after "Approved by <@admin> <when>"): " and
   * finished by <@requester> <when>" for a kind its requester finishes. Absent: " and applied", the
   * approval's own click having applied it. `own`: told to its requester ("finished by you").
   */
  appliedBy?(request: PendingRequest, own?: boolean): string;
  /**
   * Where an approved request stands (mrkdwn, after "Approved by <@admin> <when>"): "; applying in Amazon Chime…".
   * `own`: told to its requester, whose next step it may be (": finish it by 10:51.").
   */
  approvedStatus(request: PendingRequest, own?: boolean): string;
  /**
   * A kind whose requester finishes an approved request: how an activity line says it stands while
   * it waits for them (`own`: on that requester's own tab); absent, the change is being applied.
   */
  approvedActivity?(own: boolean): string;
  /**
   * A kind whose requester finishes an approved request: how an activity line says it stands once
   * they made the change (`by`: "you" on their own tab; absent where the line names them already, as
   * its person or whom it is for); absent, "Approved and applied", the approval's own click having applied it.
   */
  appliedActivity?(by?: string): string;
  /** A kind whose requester finishes an approved request: the button that does it (the DM's own), for wherever else they see it. */
  finishButton?(request: PendingRequest): Button;
  /**
   * The reference IT checks the request's change with, when the change is audited under one of
   * the kind's own (an approved reset's finish); the request's ID otherwise.
   */
  changeReference?(request: PendingRequest): string;
  /** The requester's direct message for the request as it stands now, and why they are told, when `occasion` says. */
  notice(request: PendingRequest, occasion?: RequesterNotice): { text: string; blocks: KnownBlock[] };
}

/** Whose a request is, before it in a sentence: told to its requester, about them, or about someone named ("<@U1>'s"). */
export type Whose = 'your' | 'their' | `<@${string}>'s`;

/** What a person's own things are called after `whose` ("your", else "their"): "<@U1>'s request to change their license". */
export function pronounOf(whose: Whose): 'your' | 'their' {
  return whose === 'your' ? 'your' : 'their';
}

/**
 * What a line of one request's records is called: each audit step of it, and `revokeFollowUp`, a line
 * of revoke records whose person only told of another admin's revoke (another admin's Revoke, or its
 * requester's Finish, after a revoke whose own click could not tell it was made): named for what that
 * person did, never "approval revoked" by them, since the revoke was the other admin's.
 */
export type StepName = ApprovalStep | 'revokeFollowUp';

/**
 * What each step of one request is called, in the request's one name (SubjectWords.request): "meeting
 * PIN reset request", "license change decision". Every kind's, so that the Home tab, the audit search
 * and the admins' message call a request what its review's title and its DMs call it.
 */
export function stepNames(subject: Pick<SubjectWords, 'request'>): Record<StepName, string> {
  const name = subject.request;
  return {
    request: `${name} request`,
    decide: `${name} decision`,
    apply: `approved ${name}`,
    withdraw: `${name} request withdrawn`,
    revoke: `${name} approval revoked`,
    revokeFollowUp: `${name} revoke followed up`,
  };
}

/** stepNames as titles begin: "License change request", "Reset decision". */
export function stepTitles(subject: Pick<SubjectWords, 'request'>): Record<StepName, string> {
  return Object.fromEntries(Object.entries(stepNames(subject)).map(([step, name]) => [step, capitalized(name)])) as Record<StepName, string>;
}

/**
 * A review of one request is titled by its one name, the noun its requester and the Home tab know
 * it by ("Okta password reset", "License change"): each credential's fits a title's 24 characters.
 * What its Revoke says keeps it, so the modal is still named for the request it was opened on.
 */
export function reviewTitleOf(request: PendingRequest, words: ApprovalKindWords): string {
  return capitalized(words.subjectOf(request).request);
}

/** Every served kind's words, by kind ID. */
export type ApprovalWords = Readonly<Record<string, ApprovalKindWords>>;

/** The words of a request's kind; the first kind's for a request of a kind no longer served (its ID is all it has). */
export function wordsOf(words: ApprovalWords, kind: string): ApprovalKindWords {
  const found = words[kind] ?? Object.values(words)[0];
  if (!found) throw new Error('no approval kind is served');
  return found;
}
