import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CREDENTIALS } from '../credentials';
import { COMMENT_MAX_LENGTH } from '../flows/approvals/approvals';
import { APPROVAL_ACTIONS } from '../flows/approvals/kinds';
import { CLOSE_UNREAD, FAILURE_CODES, SENT_UNANSWERED } from '../flows/failure';
import { ATTENTION_HANDLED_ACTION, ATTENTION_KINDS, HANDLED_NOTE_MAX_LENGTH, isReference } from '../flows/home-tab';
import { VERIFIERS } from '../verifiers';
import { POLICIES } from '../flows/policy';
import { VERIFIER_LOG_ID, VERIFY_WAIT_MAX_MS } from '../flows/verification';
import type { AuditEntry, AuditEvent } from '../flows/ports';
import { auditKeyOf } from './audit-key';


/** Built from the registry: a credential's records are accepted because it is listed, never by a list kept beside it. */
export const AUDIT_ACTIONS: readonly string[] = [...CREDENTIALS.map((c) => c.audit.action), ...APPROVAL_ACTIONS, ATTENTION_HANDLED_ACTION];
export const AUDIT_DIRECTORIES: readonly string[] = [
  ...new Set(CREDENTIALS.flatMap((c) => [c.audit.directory, ...(c.licenses ? [c.licenses.auditDirectory] : [])])),
];
const oneOf = (values: readonly string[]) => (values.length > 0 ? z.enum(values as [string, ...string[]]) : z.never());
const VERIFIER_NAMES: readonly string[] = VERIFIERS.map((v) => v.audit.verifier);
const licenseNames = [...new Set(CREDENTIALS.flatMap((c) => c.licenses?.kinds.map((k) => k.id) ?? []))];
/**
 * The credentials' own reasons (their `words.refusals` keys, and their `words.unconfirmedSteps`
 * keys for a step before the change left unconfirmed), the verifiers' own (their `words.reasons`
 * keys: Duo's bypass), and the flow's own (SENT_UNANSWERED: a push sent, then no answer about it,
 * which a reviewer must tell from a push that never went out; CLOSE_UNREAD: a push's wait ended on
 * our own store): a reason is written because a credential, a verifier or the core declares it.
 */
export const AUDIT_REASONS: readonly string[] = [
  ...new Set([
    SENT_UNANSWERED,
    CLOSE_UNREAD,
    ...CREDENTIALS.flatMap((c) => [...Object.keys(c.words.refusals ?? {}), ...Object.keys(c.words.unconfirmedSteps ?? {})]),
    ...VERIFIERS.flatMap((v) => Object.keys(v.words.reasons ?? {})),
  ]),
];

/** A step's name (an adapter's, such as `revokeSignInSessions`): a word, never free text. */
const STEP = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const failureCodes = new Set<string>(FAILURE_CODES);
/**
 * The steps that failed after a change, as one text field so an export's cell reads it:
 * `revokeSignInSessions:DIRECTORY_UNAVAILABLE`, comma-separated.
 */
const incompleteField = z.string().refine(
  (text) => text.split(',').every((item) => {
    const [step, code, ...rest] = item.split(':');
    return rest.length === 0 && STEP.test(step ?? '') && failureCodes.has(code ?? '');
  }),
  'must list step:FAILURE_CODE, comma-separated',
);

/**
 * One item in the audit table. The schema is strict, so the store refuses any field it does not
 * name: a secret cannot ride along by accident. Key design (see README, "Audit log"):
 *   pk  ACTOR#<team>#<user>               one partition per Slack user: "what did this person do"
 *   sk  <requestId>#<slot>                requestId starts with an ISO time, so a partition reads in order,
 *                                         and a request's records sit side by side: 0-refused, 1-claim
 *                                         (the attempt, or the cancellation), 2-outcome, 3-restated (the
 *                                         outcome again, when it turned out wrong, as a secret undelivered
 *                                         or a decision found made: AuditEntry.restated, stored as restated: true)
 *   day YYYY-MM-DD (GSI by-day, range sk) "what happened on this day", for reviewers
 *   expiresAt                             epoch seconds; the table's TTL attribute (retention)
 */
export const auditRecordSchema = z
  .object({
    v: z.literal(1),
    pk: z.string(),
    sk: z.string(),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    at: z.iso.datetime(),
    requestId: z.string(),
    phase: z.enum(['attempt', 'outcome', 'refused', 'cancelled']),
    action: oneOf(AUDIT_ACTIONS),
    slackUserId: z.string(),
    slackTeamId: z.string(),
    // The Enterprise Grid org of that workspace, from the same signed request; absent outside an org.
    slackEnterpriseId: z.string().optional(),
    directory: oneOf(AUDIT_DIRECTORIES).optional(),
    directoryUserId: z.string().optional(),
    outcome: z.enum(['success', 'failure', 'partial']).optional(),
    errorCode: z.enum(FAILURE_CODES).optional(),
    reason: oneOf(AUDIT_REASONS).optional(),
    incomplete: incompleteField.optional(),
    deliveryFailed: z.boolean().optional(),
    // An outcome written again (AuditEntry.restated), in the 3-restated slot: named on the record, so
    // that a reader of one day's records (the by-day index) knows it from the first without its slot.
    restated: z.literal(true).optional(),
    subjectSlackUserId: z.string().optional(),
    subjectSlackTeamId: z.string().optional(),
    approvalRequestId: z.string().optional(),
    finishRequestId: z.string().optional(),
    earlierFinishRequestId: z.string().optional(),
    revokedBy: z.string().optional(),
    credential: oneOf(CREDENTIALS.map((c) => c.id)).optional(),
    licenseRequestId: z.string().optional(),
    licenseFrom: oneOf(licenseNames).optional(),
    licenseTo: oneOf(licenseNames).optional(),
    decision: z.enum(['approve', 'deny']).optional(),
    verifier: oneOf(VERIFIER_NAMES).optional(),
    factorType: z.string().regex(/^[a-z0-9_:-]{1,40}$/).optional(),
    verification: z.enum(['approved', 'rejected', 'timeout', 'cancelled', 'no_factor', 'failed']).optional(),
    verifyWaitMs: z.number().int().min(1).max(VERIFY_WAIT_MAX_MS).optional(),
    handledRequestId: z.string().refine(isReference, 'must be a whole reference').optional(),
    attentionKind: z.enum(ATTENTION_KINDS).optional(),
    // The one typed text in the log: an admin's (a handled item's note, a decision's comment), bounded, never written to a log line (see AuditEntry.note).
    note: z.string().min(1).max(Math.max(HANDLED_NOTE_MAX_LENGTH, COMMENT_MAX_LENGTH)).optional(),
    // A change's policy, one of a closed set, from the route it took (AuditEntry.policy): never typed text.
    policy: z.enum(POLICIES).optional(),
    // What the verifier's own log knows the push by (AuditEntry.verifierFactorId): an ID's letters, so no challenge or text rides along.
    verifierFactorId: z.string().regex(VERIFIER_LOG_ID).optional(),
    verifierTransactionId: z.string().regex(VERIFIER_LOG_ID).optional(),
    expiresAt: z.number().int(),
  })
  .strict();

/**
 * A record as read back. The lists a record's words come from (the failure codes, the registry's
 * actions, directories, refusal reasons and licenses, the verifiers) change between versions, and
 * a record outlives the version that wrote it: a word a list has since lost is read as written,
 * never refused, so that a reviewer sees every record and one old record does not hide the rest
 * of its range. A field this version does not name (a newer version wrote it, and was rolled
 * back) is left out of what is read, never a reason to refuse the record. Writing stays strict
 * (toAuditRecord parses with the schema above). So is the one attribute a stored item has beyond
 * the record, the token of the put that wrote it (WRITE_TOKEN_ATTRIBUTE, DynamoDbAuditLog.record):
 * it says nothing about what happened, and reaches neither the Home tab nor `npm run audit`'s
 * export. The stack lets the role write it beside the schema's attributes. A record that still
 * does not parse (a schema's number, a phase, outcome or decision this version does not know, a
 * value no version writes) is read as unreadable, on its own (readAuditItem): never its whole day.
 */
export const storedAuditRecordSchema = auditRecordSchema
  .extend({
    action: z.string(),
    directory: z.string().optional(),
    errorCode: z.string().optional(),
    reason: z.string().optional(),
    incomplete: z.string().optional(),
    credential: z.string().optional(),
    licenseFrom: z.string().optional(),
    licenseTo: z.string().optional(),
    verifier: z.string().optional(),
    verification: z.string().optional(),
    // A wait another version bounded otherwise is still read as written.
    verifyWaitMs: z.number().optional(),
    handledRequestId: z.string().optional(),
    attentionKind: z.string().optional(),
    note: z.string().optional(),
    // A policy a newer version names is read as written, as long as it is a word (the search's line
    // names it). The push's IDs are read as the write schema bounds them: anything else is unreadable.
    policy: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/).optional(),
  })
  .strip();

type ReadableRecord = z.infer<typeof storedAuditRecordSchema>;

/**
 * A record as stored and read back (storedAuditRecordSchema), or one this version cannot read
 * (readAuditItem): its `unreadable` names the fields it could not, and its phase is UNREADABLE.
 */
export type AuditRecord = Omit<ReadableRecord, 'v' | 'phase' | 'expiresAt'> & {
  v?: number;
  phase: ReadableRecord['phase'] | typeof UNREADABLE;
  expiresAt?: number;
  unreadable?: readonly string[];
};

/** The phase of a record this version cannot read: none of its own, so no flow takes it for a step. */
export const UNREADABLE = 'unreadable';

/** What an unreadable record's reference and IDs may be, to be shown at all: words, never free text. */
const REFERENCE_SHAPE = /^[0-9A-Za-z:._-]{1,80}$/;
const SLACK_ID = /^[A-Z0-9]{2,40}$/;
const ACTOR_KEY = /^ACTOR#([A-Z0-9]{2,40})#([A-Z0-9]{2,40})$/;

/** A key's sort key as an unreadable record's stand-in reference, where it reads as words. */
const KEY_SHAPE = /^[0-9A-Za-z:._#-]{1,200}$/;

/**
 * A reference for an unreadable record with none to read: its sort key where that reads as words,
 * else a digest of its key (never its text, which could hold anything). Each record its own, so
 * several of them are never one line "Reference ``"; none is a reference (isReference), so no
 * look-up or Mark handled takes it for a request's.
 */
function standIn(pk: string, sk: string): string {
  return KEY_SHAPE.test(sk) ? sk : `key-${createHash('sha256').update(`${pk}\u0000${sk}`).digest('hex').slice(0, 16)}`;
}

/**
 * One item of the audit table as this version reads it (`schema`: storedAuditRecordSchema, or a
 * part of it for a read of some fields). A record that does not parse (a schema's number, a phase,
 * a factorType or a time this version does not take: a newer version wrote it, a hand edit, a
 * half-migrated record) is read as unreadable, never a reason to refuse its whole day: its key,
 * day, time and reference where they read as such, whose it is, and the names of the fields this
 * version could not read. None of its other content, which could hold anything: no step, outcome
 * or decision a flow could act on, nothing a view could show that this version did not write.
 */
export function readAuditItem(item: Record<string, unknown>, schema: z.ZodType<Partial<ReadableRecord>> = storedAuditRecordSchema): AuditRecord {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data as AuditRecord;
  const shape = storedAuditRecordSchema.shape;
  const named = Object.keys(shape);
  const unreadable = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')))].filter((f) => named.includes(f));
  const reads = <K extends keyof typeof shape>(field: K) => {
    const value = shape[field].safeParse(item[field]);
    return value.success ? (value.data as z.infer<(typeof shape)[K]>) : undefined;
  };
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const pk = text(item.pk);
  const sk = text(item.sk);
  const requestId = [reads('requestId'), sk.split('#')[0]].find((r) => r !== undefined && REFERENCE_SHAPE.test(r)) ?? standIn(pk, sk);
  const day = reads('day');
  // When it was written; else when its request began (its reference's time), else its day's start.
  const at = reads('at') ?? [requestId.slice(0, 24)].find((t) => z.iso.datetime().safeParse(t).success) ?? (day ? `${day}T00:00:00.000Z` : '');
  const actor = ACTOR_KEY.exec(pk);
  const id = (value: string | undefined, fromKey: string | undefined) => [value, fromKey].find((v) => v !== undefined && SLACK_ID.test(v)) ?? '';
  const action = reads('action');
  const enterprise = reads('slackEnterpriseId');
  const v = item.v;
  const expiresAt = reads('expiresAt');
  return {
    ...(typeof v === 'number' && Number.isInteger(v) && { v }),
    pk,
    sk,
    day: day ?? at.slice(0, 10),
    at,
    requestId,
    phase: UNREADABLE,
    action: action !== undefined && AUDIT_ACTIONS.includes(action) ? action : '',
    slackUserId: id(reads('slackUserId'), actor?.[2]),
    slackTeamId: id(reads('slackTeamId'), actor?.[1]),
    ...(enterprise !== undefined && SLACK_ID.test(enterprise) && { slackEnterpriseId: enterprise }),
    ...(expiresAt !== undefined && { expiresAt }),
    unreadable: unreadable.length > 0 ? unreadable : ['record'],
  };
}

export function toAuditRecord(entry: AuditEntry, at: Date, retentionDays: number): AuditRecord {
  const iso = at.toISOString();
  const restated = entry.restated && entry.phase === 'outcome' ? true : undefined;
  return auditRecordSchema.parse({
    v: 1,
    ...auditKeyOf(entry),
    day: iso.slice(0, 10),
    at: iso,
    requestId: entry.requestId,
    phase: entry.phase,
    action: entry.action,
    slackUserId: entry.actor.userId,
    slackTeamId: entry.actor.teamId,
    slackEnterpriseId: entry.actor.enterpriseId,
    directory: entry.directory,
    directoryUserId: entry.directoryUserId,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    reason: entry.reason,
    incomplete: entry.incomplete?.length ? entry.incomplete.map((i) => `${i.step}:${i.code}`).join(',') : undefined,
    deliveryFailed: entry.deliveryFailed,
    restated,
    subjectSlackUserId: entry.subject?.userId,
    subjectSlackTeamId: entry.subject?.teamId,
    approvalRequestId: entry.approvalRequestId,
    finishRequestId: entry.finishRequestId,
    earlierFinishRequestId: entry.earlierFinishRequestId,
    revokedBy: entry.revokedBy,
    credential: entry.credential,
    licenseRequestId: entry.licenseRequestId,
    licenseFrom: entry.licenseFrom,
    licenseTo: entry.licenseTo,
    decision: entry.decision,
    verifier: entry.verifier,
    factorType: entry.factorType,
    verification: entry.verification,
    verifyWaitMs: entry.verifyWaitMs,
    handledRequestId: entry.handledRequestId,
    attentionKind: entry.attentionKind,
    note: entry.note,
    policy: entry.policy,
    verifierFactorId: entry.verifierFactorId,
    verifierTransactionId: entry.verifierTransactionId,
    expiresAt: Math.floor(at.getTime() / 1000) + retentionDays * 86_400,
  });
}

/** A stored record as the flows read it: the entry that was written, and when. */
export function toAuditEvent(r: AuditRecord): AuditEvent {
  const event = {
    at: r.at,
    requestId: r.requestId,
    phase: r.phase,
    action: r.action,
    actor: { userId: r.slackUserId, teamId: r.slackTeamId, ...(r.slackEnterpriseId && { enterpriseId: r.slackEnterpriseId }) },
    directory: r.directory,
    directoryUserId: r.directoryUserId,
    outcome: r.outcome,
    errorCode: r.errorCode,
    reason: r.reason,
    incomplete: r.incomplete?.split(',').map((item) => {
      const [step = '', code = ''] = item.split(':');
      return { step, code };
    }),
    deliveryFailed: r.deliveryFailed,
    restated: r.restated,
    subject: r.subjectSlackUserId && r.subjectSlackTeamId ? { userId: r.subjectSlackUserId, teamId: r.subjectSlackTeamId } : undefined,
    approvalRequestId: r.approvalRequestId,
    finishRequestId: r.finishRequestId,
    earlierFinishRequestId: r.earlierFinishRequestId,
    revokedBy: r.revokedBy,
    credential: r.credential,
    licenseRequestId: r.licenseRequestId,
    licenseFrom: r.licenseFrom,
    licenseTo: r.licenseTo,
    decision: r.decision,
    verifier: r.verifier,
    factorType: r.factorType,
    verification: r.verification,
    verifyWaitMs: r.verifyWaitMs,
    handledRequestId: r.handledRequestId,
    attentionKind: r.attentionKind,
    note: r.note,
    unreadable: r.unreadable,
    policy: r.policy,
    verifierFactorId: r.verifierFactorId,
    verifierTransactionId: r.verifierTransactionId,
  };
  // Without the fields this record has not, copied without an array per field (Object.entries): an
  // admin's Home tab reads every record of 7 days.
  const defined: Record<string, unknown> = {};
  for (const key in event) {
    const value = event[key as keyof typeof event];
    if (value !== undefined) defined[key] = value;
  }
  return defined as unknown as AuditEvent;
}
