/**
 * The parts of Bolt that Latchkey runs, each from its own module. Bolt's index also loads its
 * Express receiver (and Express with it), which Latchkey never uses: about 3 MB resident of a
 * process that aims to stay under 100 MB. Types still come from '@slack/bolt'. The unit test
 * bolt-parts.test.ts checks that these are the very objects '@slack/bolt' exports, so a Bolt
 * upgrade that moves them fails the tests instead of the app.
 */
export { default as App } from '@slack/bolt/dist/App';
export { ErrorCode } from '@slack/bolt/dist/errors';
export { default as HTTPReceiver } from '@slack/bolt/dist/receivers/HTTPReceiver';
export { LogLevel } from '@slack/web-api';

/** Socket Mode's receiver, loaded when Socket Mode is used (main.ts defers it: deferred-modules.ts). */
export function loadSocketModeReceiver(): typeof import('@slack/bolt/dist/receivers/SocketModeReceiver').default {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@slack/bolt/dist/receivers/SocketModeReceiver') as typeof import('@slack/bolt/dist/receivers/SocketModeReceiver')).default;
}
