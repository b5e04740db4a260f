import * as bolt from '@slack/bolt';
import * as parts from '../../src/slack/bolt';

/** src/slack/bolt.ts imports Bolt's parts from their own modules; they must be Bolt's public ones. */
describe("Bolt's parts, imported one by one", () => {
  it.each(['App', 'HTTPReceiver', 'ErrorCode'] as const)('%s is the one @slack/bolt exports', (name) => {
    expect(parts[name]).toBeDefined();
    expect(parts[name]).toBe(bolt[name]);
  });

  it('SocketModeReceiver, loaded when used, is the one @slack/bolt exports', () => {
    expect(parts.loadSocketModeReceiver()).toBe(bolt.SocketModeReceiver);
  });

  it('LogLevel has the levels Bolt uses', () => {
    expect(parts.LogLevel).toEqual(bolt.LogLevel);
  });
});
