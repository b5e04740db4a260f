import type { ReceiverEvent } from '@slack/bolt';
import { GuardedApp } from '../../src/slack/guarded-app';

/**
 * Each credential adds listeners (its command, its Home button, its "instead" button), and Bolt
 * runs every event through every listener it has. GuardedApp keeps listeners for exact IDs in a
 * table per kind behind one Bolt listener, so routing an event costs the same with eight
 * credentials as with one (docs/performance.md, issue 28).
 */
describe('listeners by exact ID', () => {
  const commands = Array.from({ length: 8 }, (_, i) => `/reset-${i}`);
  const actions = Array.from({ length: 16 }, (_, i) => `button-${i}`);
  const known = { commands, actionIds: actions, viewCallbackIds: ['form-a', 'form-b'], eventTypes: ['app_home_opened'] };
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const receiver = { init() {}, start: async () => undefined, stop: async () => undefined };

  function app(failing?: string): { app: GuardedApp; heard: string[]; errors: unknown[] } {
    const heard: string[] = [];
    const errors: unknown[] = [];
    const a = new GuardedApp(
      { token: 'xoxb-test', receiver, tokenVerificationEnabled: false, botId: 'B1', botUserId: 'UBOT', convoStore: false },
      known,
      { fetch: (() => Promise.reject(new Error('no network here'))) as never, logger: quiet, metrics: { count() {}, duration() {} } as never, slack: {} as never },
    );
    a.error(async (err) => {
      errors.push(err);
    });
    for (const c of commands) {
      a.command(c, async ({ ack, command }) => {
        if (c === failing) throw new Error('directory down');
        heard.push(`command ${c} ${command.user_id}`);
        await ack();
      });
    }
    for (const id of actions) a.action(id, async ({ ack }) => { heard.push(`action ${id}`); await ack(); });
    for (const cb of ['form-a', 'form-b']) {
      a.view(cb, async ({ ack }) => { heard.push(`submitted ${cb}`); await ack(); });
      a.view({ callback_id: cb, type: 'view_closed' }, async ({ ack }) => { heard.push(`closed ${cb}`); await ack(); });
    }
    a.event('app_home_opened', async ({ event }) => { heard.push(`event ${event.type}`); });
    return { app: a, heard, errors };
  }
  const boltListeners = (a: GuardedApp) => (a as unknown as { listeners: unknown[] }).listeners.length;
  const event = (body: Record<string, unknown>): ReceiverEvent => ({ body, ack: async () => undefined });
  const user = { id: 'U1', team_id: 'T1' };

  it('Bolt has one listener per kind however many IDs there are', () => {
    expect(boltListeners(app().app)).toBe(5);
  });

  it('each event reaches the listener for its exact ID and no other', async () => {
    const { app: a, heard } = app();
    await a.processEvent(event({ command: '/reset-5', user_id: 'U1', team_id: 'T1', trigger_id: 't1', text: '' }));
    await a.processEvent(event({ type: 'block_actions', user, team: { id: 'T1' }, trigger_id: 't2', actions: [{ action_id: 'button-11', type: 'button' }] }));
    await a.processEvent(event({ type: 'view_submission', user, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'form-b', state: { values: {} } } }));
    await a.processEvent(event({ type: 'view_closed', user, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'form-a' } }));
    await a.processEvent(event({ type: 'event_callback', team_id: 'T1', event: { type: 'app_home_opened', user: 'U1', tab: 'home' } }));
    expect(heard).toEqual(['command /reset-5 U1', 'action button-11', 'submitted form-b', 'closed form-a', 'event app_home_opened']);
  });

  it("a listener's failure reaches Bolt's error handler, as it did with a listener each", async () => {
    const { app: a, errors } = app('/reset-2');
    await a.processEvent(event({ command: '/reset-2', user_id: 'U1', team_id: 'T1', trigger_id: 't', text: '' }));
    expect(errors).toEqual([expect.objectContaining({ message: 'directory down' })]);
  });

  it("what the table does not hold is Bolt's to check, as before: a message.* event name is refused with Bolt's advice", () => {
    const { app: a } = app();
    expect(() => a.event('message.channels', async () => undefined)).toThrow('not a valid event type');
  });

  it('an ID given two listeners is refused when they are registered, not left to chance', () => {
    const { app: a } = app();
    expect(() => a.command('/reset-3', async () => undefined)).toThrow('two listeners for the command /reset-3');
    expect(() => a.view({ callback_id: 'form-a', type: 'view_closed' }, async () => undefined)).toThrow('two listeners for the view closing form-a');
  });
});
