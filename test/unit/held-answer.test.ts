import { HeldAnswer } from '../../src/slack/held-answer';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function recorder() {
  const sent: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let slow = false;
  const ack = async (view: string) => {
    sent.push(view);
    if (slow) await gate;
  };
  return { sent, ack, slowDown: () => (slow = true), release: () => release() };
}

describe('HeldAnswer', () => {
  it('answers with the result when it comes before the deadline, and never with the interim view', async () => {
    const r = recorder();
    const held = await HeldAnswer.start<string>(r.ack, Date.now() + 200, 'working', silent);
    expect(await held.settle('secret')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(r.sent).toEqual(['secret']);
  });

  it('answers with the interim view at the deadline; the result then goes another way', async () => {
    const r = recorder();
    const held = await HeldAnswer.start<string>(r.ack, Date.now() + 20, 'working', silent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.sent).toEqual(['working']);
    expect(await held.settle('secret')).toBe(false);
    expect(r.sent).toEqual(['working']);
  });

  it('with no deadline (the Lambda receiver), answers with the interim view at once', async () => {
    const r = recorder();
    const held = await HeldAnswer.start<string>(r.ack, undefined, 'working', silent);
    expect(r.sent).toEqual(['working']);
    expect(await held.settle('secret')).toBe(false);
  });

  it('does not let the result overtake an interim answer still being sent', async () => {
    const r = recorder();
    r.slowDown();
    const held = await HeldAnswer.start<string>(r.ack, Date.now(), 'working', silent);
    await new Promise((resolve) => setTimeout(resolve, 10));
    let settled = false;
    const settling = held.settle('secret').then((answered) => {
      settled = true;
      return answered;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    r.release();
    expect(await settling).toBe(false);
  });

  it('a failed answer with the result throws, so the result counts as not shown', async () => {
    const held = await HeldAnswer.start<string>(async () => Promise.reject(new Error('socket closed')), Date.now() + 1_000, 'working', silent);
    await expect(held.settle('secret')).rejects.toThrow('socket closed');
  });
});
