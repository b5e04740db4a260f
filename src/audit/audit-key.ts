import type { AuditEntry } from '../flows/ports';

/**
 * Where each phase sits among a request's records. An attempt and a cancellation share the claim
 * slot: whichever is written first (each write is conditional on the key being new) is the only one.
 */
const SLOTS = { refused: '0-refused', attempt: '1-claim', cancelled: '1-claim', outcome: '2-outcome' } as const;
/** An outcome written again (AuditEntry.restated): after its first, in a slot of its own. */
const RESTATED_SLOT = '3-restated';

export function actorKey(teamId: string, userId: string): string {
  return `ACTOR#${teamId}#${userId}`;
}

/**
 * Where an entry is stored: its actor's partition, and its request's slot there, each written once.
 * Apart from the record's schema (which loads every credential's), for the audit's stand-in in tests
 * to take the same slots.
 */
export function auditKeyOf(entry: AuditEntry): { readonly pk: string; readonly sk: string } {
  const restated = entry.restated && entry.phase === 'outcome';
  return { pk: actorKey(entry.actor.teamId, entry.actor.userId), sk: `${entry.requestId}#${restated ? RESTATED_SLOT : SLOTS[entry.phase]}` };
}
