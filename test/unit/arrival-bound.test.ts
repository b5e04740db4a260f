import type { ReceiverEvent } from '@slack/bolt';
import { MAX_ARRIVALS_UNDER_WAY } from '../../src/slack/ack-first';
import { GuardedApp } from '../../src/slack/guarded-app';

/**
 * A burst of commands is worked at most MAX_ARRIVALS_UNDER_WAY at a time (the whole-run memory
 * peak of issue 28): a command's place is given back when its listener is done, however it ends,
 * or the app would stop working commands after the hundredth failure.
 */
describe('commands acknowledged on arrival: at most MAX_ARRIVALS_UNDER_WAY worked at once', () => {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const receiver = { init() {}, start: async () => undefined, stop: async () => undefined };
  const settle = async () => {
    // One piece of work starts per turn of the event loop (AckFirst).
    for (let i = 0; i < 3 * MAX_ARRIVALS_UNDER_WAY; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  function app({ errorHandler = async (_error: Error): Promise<void> => undefined } = {}) {
    const a = new GuardedApp(
      { token: 'xoxb-test', receiver, tokenVerificationEnabled: false, botId: 'B1', botUserId: 'UBOT', convoStore: false },
      { commands: ['/reset-pin', '/reset-password'], actionIds: [], viewCallbackIds: [], eventTypes: [] },
      { fetch: (() => Promise.reject(new Error('no network here'))) as never, logger: quiet, metrics: { count() {}, duration() {} } as never, slack: {} as never },
    );
    const gates: { user: string; open: () => void; fail: () => void }[] = [];
    const worked: string[] = [];
    a.error(errorHandler);
    for (const name of ['/reset-pin', '/reset-password']) {
      a.acknowledgeOnArrival(name, () => true);
      a.command(name, async ({ command }) => {
        worked.push(command.user_id);
        await new Promise<void>((open, fail) => gates.push({ user: command.user_id, open, fail: () => fail(new Error('directory down')) }));
      });
    }
    const bodyOf = (user: string, command: string) => ({ command, user_id: user, team_id: 'T1', trigger_id: `t.${user}`, text: '' });
    const process = (user: string, command = '/reset-pin', ack: ReceiverEvent['ack'] = async () => undefined) => a.processEvent({ body: bodyOf(user, command), ack } as ReceiverEvent);
    const send = (user: string, command = '/reset-pin') => process(user, command).catch(() => undefined);
    // As the HTTP request guard hands a command over (app.ts): answered by the guard, its work then queued without Bolt's receiver.
    const failures: unknown[] = [];
    const answered: string[] = [];
    const answerOnArrival = (user: string, command = '/reset-pin') =>
      a.answerOnArrival(bodyOf(user, command), { answer: () => answered.push(user), failed: (error) => failures.push(error) });
    return { a, gates, worked, process, send, answerOnArrival, answered, failures };
  }

  it.each(['processEvent', 'answerOnArrival'] as const)('the command past the bound waits until one is done, and one that fails gives its place back too (%s)', async (via) => {
    const { gates, worked, send: processEvent, answerOnArrival, answered, failures } = app();
    const send = (user: string) => (via === 'processEvent' ? processEvent(user) : Promise.resolve(answerOnArrival(user)));
    const all = Array.from({ length: MAX_ARRIVALS_UNDER_WAY + 2 }, (_, i) => send(`U${i}`));
    await settle();
    expect(worked).toHaveLength(MAX_ARRIVALS_UNDER_WAY);
    gates[0]!.fail();
    await settle();
    expect(worked).toHaveLength(MAX_ARRIVALS_UNDER_WAY + 1);
    gates[1]!.open();
    await settle();
    expect(worked).toHaveLength(MAX_ARRIVALS_UNDER_WAY + 2);
    for (const gate of gates.slice(2)) gate.open();
    await Promise.all(all);
    await settle();
    if (via === 'answerOnArrival') {
      expect(answered).toHaveLength(MAX_ARRIVALS_UNDER_WAY + 2);
      // The listener's failure is Bolt's error handler's (a.error), as for any routed event.
      expect(failures).toEqual([]);
    }
  });

  it('a command whose answer cannot be written is reported, takes no place, and is not worked', async () => {
    const { a, worked, answerOnArrival } = app();
    const failures: unknown[] = [];
    const taken = a.answerOnArrival(
      { command: '/reset-pin', user_id: 'UGONE', team_id: 'T1', trigger_id: 't.UGONE', text: '' },
      {
        answer: () => {
          throw new Error('socket closed');
        },
        failed: (error) => failures.push(error),
      },
    );
    expect(taken).toBe(true);
    await settle();
    expect(failures).toEqual([expect.objectContaining({ message: 'socket closed' })]);
    expect(a.inFlight).toBe(0);
    answerOnArrival('UNEXT');
    expect(a.inFlight).toBe(1);
    await settle();
    expect(worked).toEqual(['UNEXT']);
  });

  it("the bound is each command's own: a command whose places are all taken (a slow directory) holds up no other", async () => {
    const { gates, worked, send } = app();
    const all = Array.from({ length: MAX_ARRIVALS_UNDER_WAY + 1 }, (_, i) => send(`U${i}`));
    await settle();
    expect(worked).toHaveLength(MAX_ARRIVALS_UNDER_WAY);
    const other = send('UOTHER', '/reset-password');
    await settle();
    expect(worked).toContain('UOTHER');
    expect(worked).not.toContain(`U${MAX_ARRIVALS_UNDER_WAY}`);
    for (const gate of gates) gate.open();
    await settle();
    for (const gate of gates) gate.open();
    await Promise.all([...all, other]);
  });

  // Lambda's worker awaits processEvent, then the invocation ends and Lambda freezes what is left;
  // Socket Mode's receiver reports what it throws.
  describe('processEvent, as Lambda and Socket Mode hand a command over', () => {
    const settled = (promise: Promise<unknown>) => {
      const state = { settled: false };
      promise.then(
        () => (state.settled = true),
        () => (state.settled = true),
      );
      return state;
    };

    it("settles when the command's work is done, not before", async () => {
      const { gates, worked, process } = app();
      const sent = process('U1');
      const state = settled(sent);
      await settle();
      expect(worked).toEqual(['U1']);
      expect(state.settled).toBe(false);
      gates[0]!.open();
      await expect(sent).resolves.toBeUndefined();
    });

    it('rejects with what the work throws, once its place is given back', async () => {
      const { a, gates, process } = app({ errorHandler: async (error) => Promise.reject(error) });
      const sent = process('U1');
      const state = settled(sent);
      await settle();
      expect(state.settled).toBe(false);
      expect(a.inFlight).toBe(1);
      gates[0]!.fail();
      await expect(sent).rejects.toThrow('directory down');
      expect(a.inFlight).toBe(0);
    });

    it('an acknowledgement that fails: rejects with its error, and the command takes no place and is not worked', async () => {
      const { a, worked, process } = app();
      await expect(process('UGONE', '/reset-pin', async () => Promise.reject(new Error('socket closed')))).rejects.toThrow('socket closed');
      expect(a.inFlight).toBe(0);
      void process('UNEXT');
      await settle();
      expect(worked).toEqual(['UNEXT']);
    });
  });
});
