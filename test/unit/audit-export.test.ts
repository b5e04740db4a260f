import { csvHeader, csvRow, daysBetween, EXPORT_COLUMNS, jsonLine } from '../../src/audit/audit-export';
import { auditRecordSchema, toAuditRecord } from '../../src/audit/audit-record';
import type { AuditRecord } from '../../src/audit/audit-record';

describe('audit export', () => {
  const record = { v: 1, pk: 'ACTOR#T#U', sk: 's', day: '2026-11-02', at: '2026-11-02T08:00:00.000Z', requestId: 'r', phase: 'attempt', action: 'reset_pin', slackUserId: 'U', slackTeamId: 'T', expiresAt: 1 } as AuditRecord;

  it('quotes what CSV must, and never lets a spreadsheet run a cell as a formula', () => {
    const text = csvRow({ ...record, directoryUserId: '=HYPERLINK("x")', licenseRequestId: 'a,b' });
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain('"a,b"');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('quotes a cell starting with any character OWASP and other CSV injection guides name (= + - @ tab, carriage return, | and %), and no other', () => {
    const column = EXPORT_COLUMNS.indexOf('note');
    // No comma in these notes: the row splits into its cells at every comma.
    const noteCell = (note: string) => csvRow({ ...record, note }).replace(/\r\n$/, '').split(',')[column];
    for (const first of ['=', '+', '-', '@', '|', '%']) expect(noteCell(`${first}cmd`)).toBe(`'${first}cmd`);
    expect(noteCell('\tcmd')).toBe("'\tcmd");
    expect(noteCell('\rcmd')).toBe('"\'\rcmd"');
    expect(noteCell('reset after a call')).toBe('reset after a call');
    expect(noteCell('a|b%c')).toBe('a|b%c');
  });

  it('exports every field of the record schema, so a new field is never left out, and which fields of a record this version could not read', () => {
    expect([...EXPORT_COLUMNS].sort()).toEqual([...Object.keys(auditRecordSchema.shape), 'unreadable'].sort());
  });

  it('keeps the columns an existing CSV reader knows in their places, and adds new ones only after them', () => {
    // The header as exports were read before attention_handled's columns: a spreadsheet or SIEM
    // import reads cells by position, so a column added in the middle would shift every one after.
    const known = 'at,requestId,phase,action,outcome,errorCode,reason,incomplete,slackUserId,slackTeamId,directory,directoryUserId,subjectSlackUserId,subjectSlackTeamId,approvalRequestId,finishRequestId,earlierFinishRequestId,credential,licenseRequestId,licenseFrom,licenseTo,decision,verifier,factorType,verification,deliveryFailed,day,pk,sk,expiresAt,v';
    const header = csvHeader().replace(/\r\n$/, '').split(',');
    expect(header.slice(0, known.split(',').length)).toEqual(known.split(','));
    expect(header.slice(known.split(',').length)).toEqual([
      'handledRequestId',
      'attentionKind',
      'note',
      'revokedBy',
      'restated',
      'verifyWaitMs',
      'slackEnterpriseId',
      'unreadable',
      'policy',
      'verifierFactorId',
      'verifierTransactionId',
    ]);
  });

  it("says in its own columns which policy a change was made under and, for a push, the factor and transaction the verifier's log knows it by", () => {
    const step = { requestId: '2026-11-02T08:00:00.000Z_0000000000r2', action: 'reset_pin', actor: { userId: 'U', teamId: 'T' }, directory: 'chime', directoryUserId: 'chime-u' } as const;
    const at = new Date('2026-11-02T08:00:01.000Z');
    const pushed = toAuditRecord(
      { ...step, phase: 'outcome', outcome: 'success', policy: 'verify', verifier: 'okta_verify', factorType: 'push', verification: 'approved', verifierFactorId: 'opf1a2b3c', verifierTransactionId: 'v2mst.Gld_KV5-Vx' },
      at,
      30,
    );
    const selfService = toAuditRecord({ ...step, phase: 'attempt', policy: 'self-service' }, at, 30);
    const cells = (row: string) => row.replace(/\r\n$/, '').split(',');
    const column = (name: string) => EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number]);
    expect(cells(csvRow(pushed))[column('policy')]).toBe('verify');
    expect(cells(csvRow(pushed))[column('verifierFactorId')]).toBe('opf1a2b3c');
    expect(cells(csvRow(pushed))[column('verifierTransactionId')]).toBe('v2mst.Gld_KV5-Vx');
    expect(cells(csvRow(selfService))[column('policy')]).toBe('self-service');
    expect(cells(csvRow(selfService))[column('verifierTransactionId')]).toBe('');
  });

  it('marks an outcome written again (its secret never reached the person) restated, in a column of its own, so a reader counts a reset by its rows without it', () => {
    const step = { requestId: '2026-11-02T08:00:00.000Z_0000000000r1', action: 'reset_pin', actor: { userId: 'U', teamId: 'T' }, directory: 'chime', directoryUserId: 'chime-u' } as const;
    const at = new Date('2026-11-02T08:00:01.000Z');
    const outcome = toAuditRecord({ ...step, phase: 'outcome', outcome: 'success' }, at, 30);
    const again = toAuditRecord({ ...step, phase: 'outcome', outcome: 'success', deliveryFailed: true, restated: true }, at, 30);
    const cells = (row: string) => row.replace(/\r\n$/, '').split(',');
    const column = (name: string) => EXPORT_COLUMNS.indexOf(name as (typeof EXPORT_COLUMNS)[number]);
    expect(cells(csvRow(outcome))[column('restated')]).toBe('');
    expect(cells(csvRow(again))[column('restated')]).toBe('true');
    expect(cells(csvRow(again))[column('deliveryFailed')]).toBe('true');
    expect(cells(csvRow(again))[column('phase')]).toBe('outcome');
    expect(JSON.parse(jsonLine(again))).toMatchObject({ phase: 'outcome', restated: true, deliveryFailed: true });
    expect(JSON.parse(jsonLine(outcome))).not.toHaveProperty('restated');
  });

  it('counts days inclusively, across a month end', () => {
    expect(daysBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(daysBetween('2026-12-02', '2026-12-02')).toEqual(['2026-12-02']);
  });
});
