import type { AuditRecord } from './audit-record';

/**
 * The columns of an export, in order: what happened first, then the keys and the retention. A
 * column added later goes at the end: CSV readers (a spreadsheet, a SIEM import) read by position.
 */
export const EXPORT_COLUMNS = [
  'at',
  'requestId',
  'phase',
  'action',
  'outcome',
  'errorCode',
  'reason',
  'incomplete',
  'slackUserId',
  'slackTeamId',
  'directory',
  'directoryUserId',
  'subjectSlackUserId',
  'subjectSlackTeamId',
  'approvalRequestId',
  'finishRequestId',
  'earlierFinishRequestId',
  'credential',
  'licenseRequestId',
  'licenseFrom',
  'licenseTo',
  'decision',
  'verifier',
  'factorType',
  'verification',
  'deliveryFailed',
  'day',
  'pk',
  'sk',
  'expiresAt',
  'v',
  'handledRequestId',
  'attentionKind',
  'note',
  'revokedBy',
  'restated',
  'verifyWaitMs',
  'slackEnterpriseId',
  // A record this version cannot read (readAuditItem): the fields it could not, by name; its row has only its key, day, time, reference and person.
  'unreadable',
  'policy',
  'verifierFactorId',
  'verifierTransactionId',
] as const satisfies readonly (keyof AuditRecord)[];

export type ExportFormat = 'csv' | 'jsonl';

/** The record concerns this person: they acted, or an admin acted on their request. */
export function concerns(record: AuditRecord, person: string): boolean {
  return record.slackUserId === person || record.subjectSlackUserId === person;
}

export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

/**
 * One record as a CSV row (RFC 4180: quoted when it holds a comma, a quote or a line break). A
 * cell that a spreadsheet would run as a formula or a command is prefixed with a quote: one
 * starting with =, +, -, @, a tab or a carriage return (OWASP's CSV injection list), or with | or %
 * (which other guides name too). An admin's note (a handled item's, a decision's comment) is typed text, and an export
 * is opened by people.
 */
export function csvRow(record: AuditRecord): string {
  return `${EXPORT_COLUMNS.map((column) => csvCell(record[column])).join(',')}\r\n`;
}

export function jsonLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r|%]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every UTC day from `from` to `to`, both included (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
