import { changesSince } from '../../src/lambda/failed-work-changes';
import type { AuditEvent, AuditReader, Requester } from '../../src/flows/ports';
import { tellWorkFailed } from '../../src/slack/work-failed';

/**
 * What a failed-work record (Lambda: a worker crashed or timed out) reads of the person's audit
 * records, and what the person is then told: the edges the Lambda tests do not reach.
 */
describe('what a failed request may have changed', () => {
  const signedAt = Date.parse('2026-03-09T10:00:00.000Z');
  const now = new Date(signedAt + 30_000);
  const command = { command: '/reset-pin', user_id: 'UANN', team_id: 'T0TEAM', trigger_id: 't-1' };
  const lines: string[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (_: object, m: string) => void lines.push(m), error: () => undefined };

  function reader(read: (actor: Requester, since: Date) => Promise<AuditEvent[]>): AuditReader & { asked: Array<{ actor: Requester; since: Date }> } {
    const asked: Array<{ actor: Requester; since: Date }> = [];
    return { asked, writtenSince: async (actor: Requester, since: Date) => (asked.push({ actor, since }), read(actor, since)) } as never;
  }

  it('a log that cannot be read: a change may have been made, said in the words of the credential asked for; the window is not replaced and a DM says Latchkey cannot tell', async () => {
    const audit = reader(async () => {
      throw new Error('STORE_UNAVAILABLE');
    });
    const changed = await changesSince(audit, command, signedAt, now, logger);
    expect(changed).toEqual({ mayHaveChanged: true, words: expect.objectContaining({ command: '/reset-pin' }) });
    expect(lines).toContain('could not read what the failed work may have changed; telling the person Latchkey cannot tell');
    const calls: Array<[string, Record<string, any>]> = [];
    const client = {
      views: { update: async (a: Record<string, any>) => (calls.push(['views.update', a]), { ok: true }) },
      conversations: { open: async () => ({ ok: true, channel: { id: 'DUANN' } }) },
      chat: { postMessage: async (a: Record<string, any>) => (calls.push(['chat.postMessage', a]), { ok: true, channel: 'DUANN', ts: '1.1' }) },
    };
    await tellWorkFailed({ client: client as never, fetch: (async () => ({ ok: false })) as never, logger, body: command, view: { viewId: 'V0LOADING', hash: 'h1' }, mayHaveChanged: true, words: changed.words! });
    expect(calls.map(([m]) => m)).toEqual(['chat.postMessage']);
    expect(calls[0]![1].text).toContain('cannot tell whether your Amazon Chime personal meeting PIN was reset');
  });

  it('is read from the request on (a minute before its signature, for the clocks), of the person who signed it', async () => {
    const audit = reader(async () => []);
    expect(await changesSince(audit, command, signedAt, now, logger)).toEqual({ mayHaveChanged: false, words: expect.objectContaining({ command: '/reset-pin' }) });
    expect(audit.asked).toEqual([{ actor: { userId: 'UANN', teamId: 'T0TEAM' }, since: new Date(signedAt - 60_000) }]);
    const click = { type: 'block_actions', user: { id: 'UBOB', team_id: 'T0OTHER' }, team: null, enterprise: { id: 'E0GRID' } };
    await changesSince(audit, click, signedAt, now, logger);
    expect(audit.asked[1]!.actor).toEqual({ userId: 'UBOB', teamId: 'T0OTHER', enterpriseId: 'E0GRID' });
  });

  it('only an attempt, an outcome or an unreadable record counts as a change; a refusal does not', async () => {
    const record = (phase: AuditEvent['phase']): AuditEvent => ({ requestId: '2026-03-09T10:00:01.000Z-x', at: '2026-03-09T10:00:02.000Z', action: 'pin_reset', actor: { userId: 'UANN', teamId: 'T0TEAM' }, phase }) as never;
    expect((await changesSince(reader(async () => [record('refused')]), command, signedAt, now, logger)).mayHaveChanged).toBe(false);
    for (const phase of ['attempt', 'outcome', 'unreadable'] as const) {
      expect((await changesSince(reader(async () => [record(phase)]), command, signedAt, now, logger)).mayHaveChanged).toBe(true);
    }
  });

  it('a submission of no credential (not a reset confirmation), its work read as having changed nothing: "nothing was changed" without a credential\'s words, in its own window', async () => {
    const body = { type: 'view_submission', user: { id: 'UANN', team_id: 'T0TEAM' }, team: { id: 'T0TEAM' }, view: { id: 'V0FORM', callback_id: 'license_request' } };
    const changed = await changesSince(reader(async () => []), body, signedAt, now, logger);
    expect(changed).toEqual({ mayHaveChanged: false });
    const updates: Record<string, any>[] = [];
    const client = { views: { update: async (a: Record<string, any>) => (updates.push(a), { ok: true }) } };
    await tellWorkFailed({ client: client as never, fetch: (async () => ({ ok: false })) as never, logger, body, view: { viewId: 'V0FORM' }, nothingChanged: true });
    expect(JSON.stringify(updates)).toContain('Something went wrong, nothing was changed. Try again; IT has been alerted.');
    expect(updates[0]!.view_id).toBe('V0FORM');
  });

  it('a body that names nobody: a change may have been made, and nothing is read', async () => {
    const audit = reader(async () => []);
    expect((await changesSince(audit, { type: 'view_submission', view: { id: 'V0FORM' } }, signedAt, now, logger)).mayHaveChanged).toBe(true);
    expect(audit.asked).toEqual([]);
  });
});
