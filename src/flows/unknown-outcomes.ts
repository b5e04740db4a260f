/** Long enough for any reset to have finished; an attempt older than this with no outcome is a question. */
export const OUTCOME_GRACE_MS = 2 * 60 * 1000;

/**
 * Attempts with no outcome: the process stopped between the change and its outcome record (or
 * that write failed, which was logged as an alert); or whose outcome says the directory never
 * confirmed the change (DIRECTORY_OUTCOME_UNKNOWN: no answer, or a 500, 502 or 504). The change may or may not have happened;
 * a reviewer should check the directory and the person.
 *
 * A record of the reference this version cannot read (phase unreadable: a newer version's outcome,
 * one with a factorType this version does not know) finishes it here too: something was written
 * after the attempt, so its outcome is on file, not unknown; it is listed as a record this version
 * cannot read, where it can be looked up, never as a change that may or may not have been made.
 */
export function unknownOutcomes<R extends { readonly requestId: string; readonly phase: string; readonly at: string; readonly errorCode?: string }>(
  records: readonly R[],
  now: Date,
  graceMs = OUTCOME_GRACE_MS,
): R[] {
  // A refusal after its attempt (AuditedChange.refused) ends it too: nothing was changed.
  const finished = new Set(
    records.filter((r) => (r.phase === 'outcome' && r.errorCode !== 'DIRECTORY_OUTCOME_UNKNOWN') || r.phase === 'refused' || r.phase === 'unreadable').map((r) => r.requestId),
  );
  return records.filter(
    (r) => r.phase === 'attempt' && !finished.has(r.requestId) && now.getTime() - Date.parse(r.at) >= graceMs,
  );
}
