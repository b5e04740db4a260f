import { z } from 'zod';
import { Sealer } from '../../src/flows/sealer';
import { RESET_TICKET, resetTicketSchema } from '../../src/flows/reset-ticket';

const sealer = new Sealer(Buffer.alloc(32, 7));
const anything = z.record(z.string(), z.unknown());
const resetShaped = {
  v: 1,
  kind: 'pin',
  userId: 'UANN',
  teamId: 'T0TEAM',
  directoryUserId: 'chime-ann',
  email: 'ann@example.com',
  requestId: '2026-12-01T08:00:00.000Z_abc',
  expiresAt: Date.now() + 60_000,
};

describe('sealed tickets', () => {
  it('open for the purpose they were sealed for, unchanged', () => {
    const ticket = sealer.seal(RESET_TICKET, resetShaped);
    expect(sealer.open(RESET_TICKET, ticket, resetTicketSchema)).toEqual(resetShaped);
  });

  it('never open for another purpose, even when the shape would pass', () => {
    const forTheForm = sealer.seal('license-form', resetShaped);
    expect(sealer.open(RESET_TICKET, forTheForm, resetTicketSchema)).toBeUndefined();
    expect(sealer.open('license-form', sealer.seal(RESET_TICKET, resetShaped), anything)).toBeUndefined();
  });

  it('refuse an edited body, an edited seal, another key, and junk', () => {
    const ticket = sealer.seal(RESET_TICKET, resetShaped);
    const [body, mac] = ticket.split('.') as [string, string];
    const edited = Buffer.from(JSON.stringify({ ...resetShaped, userId: 'UBOB' })).toString('base64url');
    expect(sealer.open(RESET_TICKET, `${edited}.${mac}`, anything)).toBeUndefined();
    expect(sealer.open(RESET_TICKET, `${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, anything)).toBeUndefined();
    expect(new Sealer(Buffer.alloc(32, 8)).open(RESET_TICKET, ticket, anything)).toBeUndefined();
    for (const junk of ['', '.', 'a.b.c', 'not-a-ticket']) expect(sealer.open(RESET_TICKET, junk, anything)).toBeUndefined();
  });
});
