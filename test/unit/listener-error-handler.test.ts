import { AuthorizationError } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import { listenerErrorHandler } from '../../src/slack/http-error-handlers';
import { SlackApiError } from '../../src/slack/slack-web-api';

/**
 * Slack refusing the bot token at auth.test reaches the app's error handler as Bolt's
 * AuthorizationError. The app makes that auth.test through its watched client, whose TokenWatch
 * pages once (token-refused, listener-throw over the wire), so the handler only warns. A refusal
 * that no watch said (auth.test wired through another client) must page here, or nobody is paged:
 * over the wire every refusal is the watched client's, so only this test can reach that case.
 */
describe('the listener error handler and Slack refusing the bot token', () => {
  const handled = async (said: boolean) => {
    const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const refusal = new SlackApiError('slack_webapi_platform_error', 'auth.test: token_revoked', { data: { ok: false, error: 'token_revoked' }, ...(said && { tokenRefusalSaid: true }) });
    const told: unknown[] = [];
    const error = new AuthorizationError('Authorization of incoming event did not succeed.', refusal);
    await listenerErrorHandler(logger, async (body) => void told.push(body))({ error, body: {}, context: {} } as unknown as ExtendedErrorHandlerArgs);
    expect(told).toEqual([]);
    return lines.map(({ level, fields, msg }) => ({ level, alert: fields.alert, slackError: fields.slackError, msg }));
  };

  it('pages for a refusal no watch has said', async () => {
    expect(await handled(false)).toEqual([{ level: 'error', alert: true, slackError: 'token_revoked', msg: 'Slack refused the bot token; no listener ran' }]);
  });

  it('only warns for one its watch has paged for', async () => {
    expect(await handled(true)).toEqual([{ level: 'warn', alert: undefined, slackError: 'token_revoked', msg: 'Slack refused the bot token; no listener ran' }]);
  });
});
