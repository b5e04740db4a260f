import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_COLUMNS } from '../../src/audit/audit-export';
import { AUDIT_REASONS, auditRecordSchema, readAuditItem, storedAuditRecordSchema, toAuditEvent, toAuditRecord } from '../../src/audit/audit-record';
import { UNREAD_IN_A_DAY } from '../../src/audit/dynamodb-audit-log';
import { CREDENTIALS } from '../../src/credentials';
import { CLOSE_UNREAD, SENT_UNANSWERED } from '../../src/flows/failure';
import { isReference } from '../../src/flows/home-tab';
import { VERIFIERS } from '../../src/verifiers';
import type { AuditEntry } from '../../src/flows/ports';

const credential = CREDENTIALS[0]!;
const base: AuditEntry = {
  requestId: '2026-12-04T08:00:00.000Z_abcdef',
  phase: 'outcome',
  action: credential.audit.action,
  actor: { userId: 'UANN', teamId: 'T0TEAM' },
  directory: credential.audit.directory,
  directoryUserId: 'u-1',
};
const at = new Date('2026-12-04T08:00:01Z');

describe('audit record', () => {
  it('a partial outcome keeps the steps that failed after the change, and reads back as written', () => {
    const entry: AuditEntry = {
      ...base,
      outcome: 'partial',
      incomplete: [
        { step: 'revokeSignInSessions', code: 'DIRECTORY_UNAVAILABLE' },
        { step: 'signOut', code: 'DIRECTORY_THROTTLED' },
      ],
    };
    const record = toAuditRecord(entry, at, 400);
    expect(record.incomplete).toBe('revokeSignInSessions:DIRECTORY_UNAVAILABLE,signOut:DIRECTORY_THROTTLED');
    expect(toAuditEvent(record)).toMatchObject({ outcome: 'partial', incomplete: entry.incomplete });
  });

  it("a step's name is a word, never free text (nothing secret can ride in it)", () => {
    expect(() => toAuditRecord({ ...base, outcome: 'partial', incomplete: [{ step: 'pw=Zq7#Kd9 set', code: 'INTERNAL' }] }, at, 400)).toThrow();
  });

  it('a reason (a refusal, or a step left unconfirmed) is accepted only when a credential in the registry declares it, a verifier, or the core (a push sent, then unanswered; a wait ended on our own store)', () => {
    expect(AUDIT_REASONS).toEqual([
      ...new Set([
        SENT_UNANSWERED,
        CLOSE_UNREAD,
        ...CREDENTIALS.flatMap((c) => [...Object.keys(c.words.refusals ?? {}), ...Object.keys(c.words.unconfirmedSteps ?? {})]),
        ...VERIFIERS.flatMap((v) => Object.keys(v.words.reasons ?? {})),
      ]),
    ]);
    expect(AUDIT_REASONS).toContain('bypass');
    expect(AUDIT_REASONS).toContain('unlock_unconfirmed');
    expect(() => toAuditRecord({ ...base, phase: 'refused', errorCode: 'DIRECTORY_USER_REFUSED', reason: 'no_credential_declares_this' }, at, 400)).toThrow();
    for (const reason of AUDIT_REASONS) {
      const record = toAuditRecord({ ...base, phase: 'refused', errorCode: 'DIRECTORY_USER_REFUSED', reason }, at, 400);
      expect(toAuditEvent(record).reason).toBe(reason);
    }
  });

  it('a record this version cannot read keeps its key, day, time, reference and person, and names the fields it could not read, never carrying a value of its own that is not one of those', () => {
    const written = { ...toAuditRecord(base, at, 400) } as Record<string, unknown>;
    expect(readAuditItem(written)).toEqual(written);
    const odd = readAuditItem({ ...written, factorType: 'code <!here> `hunter2`', outcome: 'escalated', directoryUserId: 'u-<@UEVE>' });
    expect(odd).toEqual({ v: 1, pk: written.pk, sk: written.sk, day: '2026-12-04', at: '2026-12-04T08:00:01.000Z', requestId: base.requestId, phase: 'unreadable', action: base.action, slackUserId: 'UANN', slackTeamId: 'T0TEAM', expiresAt: written.expiresAt, unreadable: ['outcome', 'factorType'] });
    expect(toAuditEvent(odd)).toEqual({ at: '2026-12-04T08:00:01.000Z', requestId: base.requestId, phase: 'unreadable', action: base.action, actor: { userId: 'UANN', teamId: 'T0TEAM' }, unreadable: ['outcome', 'factorType'] });
    // Its reference, person and action as this version could never show them: from its key where that reads, else left out.
    const worse = readAuditItem({ ...written, requestId: '`<!channel>`', at: 42, slackUserId: '<@UEVE>', action: 'drop_tables', phase: 'handover' });
    expect(worse).toMatchObject({ requestId: base.requestId, at: '2026-12-04T08:00:00.000Z', slackUserId: 'UANN', action: '', phase: 'unreadable', unreadable: ['at', 'phase'] });
    expect(JSON.stringify(worse)).not.toMatch(/channel|UEVE|drop_tables|handover/);
  });

  it('records this version cannot read with no reference to read are each one of their own: a stand-in from the key (its sort key where that reads as words, else a digest), never "" nor the key\'s text', () => {
    const written = { ...toAuditRecord(base, at, 400) } as Record<string, unknown>;
    const noReference = { ...written, requestId: '`<!channel>`', phase: 'handover' };
    const worded = [1, 2].map((n) => readAuditItem({ ...noReference, sk: `${'x'.repeat(90)}#${n}-claim` }));
    const odd = [1, 2].map((n) => readAuditItem({ ...noReference, sk: `a <!here> ${n}` }));
    // Before: each with the reference "", so that a search or a person's activity showed them as one line, "Reference ``".
    expect(worded.map((r) => r.requestId)).toEqual([`${'x'.repeat(90)}#1-claim`, `${'x'.repeat(90)}#2-claim`]);
    expect(new Set([...worded, ...odd].map((r) => r.requestId)).size).toBe(4);
    for (const r of odd) expect(r.requestId).toMatch(/^key-[0-9a-f]{16}$/);
    for (const r of [...worded, ...odd]) expect(isReference(r.requestId)).toBe(false);
    // The same record reads with the same stand-in each time.
    expect(readAuditItem({ ...noReference, sk: 'a <!here> 1' }).requestId).toBe(odd[0]!.requestId);
  });

  it("a change's policy is one of the policies, and a push's IDs in the verifier's log are IDs: nothing typed or secret rides in them; they read back as written", () => {
    const pushed: AuditEntry = { ...base, outcome: 'success', policy: 'verify', verifier: 'okta_verify', verification: 'approved', verifierFactorId: 'opf1a2b3c', verifierTransactionId: 'v2mst.Gld_KV5-Vx' };
    expect(toAuditEvent(toAuditRecord(pushed, at, 400))).toMatchObject({ policy: 'verify', verifierFactorId: 'opf1a2b3c', verifierTransactionId: 'v2mst.Gld_KV5-Vx' });
    expect(() => toAuditRecord({ ...base, policy: 'because I asked nicely' as never }, at, 400)).toThrow();
    expect(() => toAuditRecord({ ...pushed, verifierTransactionId: 'pick 42 on your phone' }, at, 400)).toThrow();
    expect(() => toAuditRecord({ ...pushed, verifierFactorId: '' }, at, 400)).toThrow();
  });

  it("a record written before the policy and the push IDs were kept reads as before, without them; a newer version's policy word reads as written; anything else in them makes that record alone unreadable", () => {
    const { policy: _p, verifierFactorId: _f, verifierTransactionId: _t, ...old } = toAuditRecord({ ...base, outcome: 'success' }, at, 400);
    const read = toAuditEvent(readAuditItem(old));
    expect(read).toMatchObject({ phase: 'outcome', outcome: 'success', requestId: base.requestId });
    expect(read).not.toHaveProperty('policy');
    expect(read).not.toHaveProperty('verifierTransactionId');
    expect(toAuditEvent(readAuditItem({ ...old, policy: 'two-person' }))).toMatchObject({ phase: 'outcome', policy: 'two-person' });
    const odd = readAuditItem({ ...old, policy: 'ask <!here>', verifierTransactionId: 'tx <@UEVE>' });
    expect(odd).toMatchObject({ phase: 'unreadable', unreadable: ['policy', 'verifierTransactionId'] });
    expect(JSON.stringify(odd)).not.toMatch(/here|UEVE/);
  });

  it("the fields a day's read leaves out (the Home tab's counts and Needs attention) each read any text: a record this version cannot read for a value in one of them is never one the day's read takes as readable", () => {
    const whole = { ...toAuditRecord(base, at, 30) } as Record<string, unknown>;
    for (const field of UNREAD_IN_A_DAY) {
      const shape = storedAuditRecordSchema.shape[field];
      for (const text of ['', 'any words <!channel> 1.5 ☃', 'x'.repeat(600)]) expect([field, shape.safeParse(text).success]).toEqual([field, true]);
      expect(readAuditItem({ ...whole, [field]: 'any words <!channel>' }).unreadable).toBeUndefined();
    }
  });

  it("README's audit table has a row for every field a record is written with and every column of an export, and none for a field there is not; its phase row names every phase", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Audit log'), readme.indexOf('\n## ', readme.indexOf('\n## Audit log') + 1));
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const named = rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!));
    const fields = Object.keys(auditRecordSchema.shape);
    // Before: v, reason, incomplete, subjectSlackTeamId, credential, licenseRequestId and unreadable had no row.
    expect(fields.filter((f) => !named.includes(f))).toEqual([]);
    expect(EXPORT_COLUMNS.filter((c) => !named.includes(c))).toEqual([]);
    expect(named.filter((n) => !fields.includes(n) && !(EXPORT_COLUMNS as readonly string[]).includes(n))).toEqual([]);
    const phases = rows.find((r) => r.startsWith('| `phase` |'))!.split('|')[2]!;
    for (const phase of [...auditRecordSchema.shape.phase.options, 'unreadable']) expect(phases).toContain(`\`${phase}\``);
  });
});
