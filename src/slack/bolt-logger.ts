import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from './bolt';
import { describeError } from '../flows/failure';
import type { AppLogger } from '../logger';

/**
 * Bolt and the Slack SDK log through our structured, redacting logger like everything else.
 * Their debug output is dropped, whatever LOG_LEVEL says: the Web API client logs whole request
 * and response bodies at debug, and a views.update body holds the new PIN or password.
 */
export function boltLogger(logger: AppLogger, { triesSaid = () => false }: BoltLoggerOptions = {}): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? describeError(m) : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: () => undefined,
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => (saidByCaller(msg) && triesSaid() ? child.debug(text(msg)) : child.warn(text(msg))),
    error: (...msg) => (saidByCaller(msg) && triesSaid() ? child.debug(text(msg)) : child.error(text(msg))),
    // The level is ours (LOG_LEVEL), not Bolt's to change.
    setLevel: () => undefined,
    getLevel: () => (child.level in LEVELS ? LEVELS[child.level as keyof typeof LEVELS] : LogLevel.INFO),
    setName: () => undefined,
  };
}

export interface BoltLoggerOptions {
  /**
   * True while the Slack clients' failed tries are said by their caller (the start's checks, one
   * line per try naming what to check): the clients' own lines for each (TRY_FAILED) are then debug,
   * not more lines for the same try.
   */
  readonly triesSaid?: () => boolean;
}

/**
 * What the Slack clients log of each failed try to reach Slack: the Web API client's warning for a
 * request that got no answer (WebClient.makeRequest), and Socket Mode's errors for a URL it could not
 * get or a WebSocket that failed (SocketModeClient, SlackWebSocket: two lines for one try).
 */
const TRY_FAILED = ['http request failed', 'Failed to retrieve a new WSS URL', 'WebSocket error'];
const saidByCaller = (msg: unknown[]) => typeof msg[0] === 'string' && TRY_FAILED.some((start) => (msg[0] as string).startsWith(start));

const LEVELS = { debug: LogLevel.INFO, trace: LogLevel.INFO, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR, fatal: LogLevel.ERROR };
