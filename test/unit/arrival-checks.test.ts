/**
 * The checks made of a command as it arrives, before its acknowledgement, are written without zod
 * for speed (envelope.ts, slack-payloads.ts). They must answer exactly as the schemas they stand for:
 * a body the quick check passes but the schema refuses would be acknowledged blank, and the person
 * told nothing; one it refuses but the schema reads would lose its acknowledgement on arrival.
 */
import fc from 'fast-check';
import { parse } from 'node:querystring';
import { readableSlashCommand, slashCommandSchema } from '../../src/handlers/slack-payloads';
import { commandEnvelopeSchema, slackEnvelope } from '../../src/slack/envelope';

const COMMANDS = ['/reset-pin', '/reset-password'];
const known = { commands: COMMANDS, viewCallbackIds: ['v'], actionIds: ['a'], eventTypes: ['app_home_opened'] };

const value = fc.oneof(
  fc.constantFrom('UANN', 'T0001', 'E01', 'U1', 'u-lower', 'UANN ', '', 'x', '1.2.abc', '/reset-pin', '/reset-password', '/other', 'RESET'),
  fc.constantFrom(...[1, 254, 255, 256, 3999, 4000, 4001].map((n) => 'A'.repeat(n))),
  fc.string(),
  fc.constantFrom(undefined, null, 0, 1, true, [], ['UANN'], {}, { id: 'UANN' }),
);
const body = fc.dictionary(fc.constantFrom('command', 'user_id', 'team_id', 'enterprise_id', 'trigger_id', 'text', 'channel_id', 'response_url'), value);
// As the request guard reads a form body: querystring's objects have no prototype, and a key given twice is an array.
const asRead = fc.oneof(
  body,
  body.map((b) => Object.assign(Object.create(null) as Record<string, unknown>, b)),
  fc.constantFrom<unknown>(null, undefined, 'command=/reset-pin', [], 42),
);
const valid = { command: '/reset-pin', user_id: 'UANN', team_id: 'T0001', trigger_id: '1.2.abc', text: '' };

describe("a command's checks on arrival answer as their schemas do", () => {
  it('the envelope: one of the app\'s commands, from a person, with a trigger', () => {
    const { isCommand } = slackEnvelope(known);
    const schema = commandEnvelopeSchema(known.commands);
    expect(isCommand(valid)).toBe(true);
    expect(isCommand(parse('command=%2Freset-pin&user_id=UANN&team_id=T0001&trigger_id=1.2.abc&user_id=UBOB'))).toBe(false);
    fc.assert(
      fc.property(asRead, (b) => {
        if (typeof b !== 'object' || b === null || Array.isArray(b)) return; // the guard reads only objects
        expect(isCommand(b as Record<string, unknown>)).toBe(schema.safeParse(b).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('whether the command can be read: as slashCommandSchema reads it', () => {
    expect(readableSlashCommand(valid)).toBe(true);
    expect(readableSlashCommand({ ...valid, user_id: 'ann-lowercase' })).toBe(false);
    expect(readableSlashCommand({ ...valid, text: 'x'.repeat(4001) })).toBe(false);
    fc.assert(
      fc.property(asRead, (b) => {
        expect(readableSlashCommand(b)).toBe(slashCommandSchema.safeParse(b).success);
      }),
      { numRuns: 5000 },
    );
  });
});
