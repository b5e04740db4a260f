/**
 * Requests to the app shaped and signed exactly as Slack sends them, so integration tests go
 * through Bolt's real HTTPReceiver (signature check, body parsing, ack) rather than around it.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface SignOptions {
  /** Unix seconds to sign with and send; default now. Set it old to exercise replay protection. */
  timestamp?: number;
  /** Sign with this secret instead of the app's, e.g. to act as an impostor. */
  signingSecret?: string;
  /** Send a signature that doesn't match the body. */
  badSignature?: boolean;
  /** Default exactly 'application/x-www-form-urlencoded': Bolt compares the header verbatim. */
  contentType?: string;
  extraHeaders?: Record<string, string>;
}

export interface AppResponse {
  status: number;
  body: string;
  /** The body parsed, when it is JSON. */
  json?: any;
  /** Wall time until the whole response arrived; Slack gives up on an ack after 3000 ms. */
  ms: number;
}

const FORM = 'application/x-www-form-urlencoded';
/** Legacy verification token; Slack still sends it in every payload, Bolt ignores it. */
const VERIFICATION_TOKEN = 'fake-verification-token';
const API_APP_ID = 'ALATCHKEY01';
const TEAM_DOMAIN = 'latchkey-test';
/**
 * Default response_url: a closed local port, so a handler that calls respond() without the test
 * supplying a URL fails fast instead of posting to the real hooks.slack.com.
 */
const DEAD_RESPONSE_URL = 'http://127.0.0.1:9/response-url-not-provided-by-test';

/** What Slack calls the channel in payloads; DMs are always 'directmessage'. */
const channelName = (channelId: string) => (channelId.startsWith('D') ? 'directmessage' : 'general');

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(url: string, rawBody: string, signingSecret: string, opts: SignOptions = {}): Promise<AppResponse> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  let signature = slackSignature(opts.signingSecret ?? signingSecret, timestamp, rawBody);
  if (opts.badSignature) {
    // Flip the last hex digit: well-formed, same length, wrong.
    signature = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
  }
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? FORM,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...opts.extraHeaders,
    },
    body: rawBody,
  });
  const body = await res.text();
  const ms = performance.now() - started;
  let json: unknown;
  try {
    json = body === '' ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, body, ms, ...(json !== undefined ? { json } : {}) };
}

export type SlashCommandFields = {
  command: string;
  user_id: string;
  team_id: string;
  trigger_id: string;
  text?: string;
  channel_id?: string;
  response_url?: string;
  /** Enterprise Grid: the org of the workspace the command came from. */
  enterprise_id?: string;
};

/** A slash command's form body, byte for byte as Slack sends it. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const channelId = fields.channel_id ?? 'C0GENERAL01';
  // Field order as Slack sends them; the signature covers the exact bytes, so keep this stable.
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: fields.team_id,
    team_domain: TEAM_DOMAIN,
    ...(fields.enterprise_id && { enterprise_id: fields.enterprise_id, enterprise_name: 'Example Org' }),
    channel_id: channelId,
    channel_name: channelName(channelId),
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: API_APP_ID,
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? DEAD_RESPONSE_URL,
    trigger_id: fields.trigger_id,
  }).toString();
}

export function postSlashCommand(url: string, signingSecret: string, fields: SlashCommandFields, opts?: SignOptions): Promise<AppResponse> {
  return postSigned(url, slashCommandBody(fields), signingSecret, opts);
}

export function postInteraction(url: string, signingSecret: string, payload: object, opts?: SignOptions): Promise<AppResponse> {
  return postSigned(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), signingSecret, opts);
}

/** A trigger id of Slack's shape; the fake only accepts ones from its newTriggerId(), so pass that when the handler opens views. */
const someTriggerId = () => `${Date.now()}.${Math.floor(Math.random() * 1e6)}.${randomBytes(8).toString('hex')}`;

const interactionUser = (userId: string, teamId: string) => ({ id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId });

/** What every interaction payload about a modal carries: who, from which workspace, and the view. */
const enterprise = (id?: string) => (id ? { id, name: 'Example Org' } : null);

function viewPayload(type: string, args: { userId: string; teamId: string; enterpriseId?: string; view: Record<string, any>; values?: Record<string, Record<string, any>> }) {
  return {
    type,
    team: { id: args.teamId, domain: TEAM_DOMAIN },
    user: interactionUser(args.userId, args.teamId),
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    view: { ...args.view, state: { values: args.values ?? {} } },
    is_enterprise_install: false,
    enterprise: enterprise(args.enterpriseId),
  };
}

export function viewSubmissionPayload(args: {
  userId: string;
  teamId: string;
  enterpriseId?: string;
  view: Record<string, any>;
  values?: Record<string, Record<string, any>>;
  triggerId?: string;
}): object {
  return { ...viewPayload('view_submission', args), trigger_id: args.triggerId ?? someTriggerId(), response_urls: [] };
}

/** Cancel or × on a modal opened with notify_on_close, as Slack reports it. */
export function viewClosedPayload(args: { userId: string; teamId: string; enterpriseId?: string; view: Record<string, any> }): object {
  return { ...viewPayload('view_closed', args), is_cleared: false };
}

export function blockActionsPayload(args: {
  userId: string;
  teamId: string;
  enterpriseId?: string;
  actionId: string;
  blockId?: string;
  value?: string;
  view?: Record<string, any>;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  /** For actions on messages, where Bolt's respond() posts. */
  responseUrl?: string;
  /** A pick in radio buttons (an input block's with dispatch_action) instead of a button's click: the option picked. */
  picked?: { value: string } | null;
  /**
   * A change in another element of an input block with dispatch_action, instead of a button's
   * click: its type and new state as view.state holds it (`value`, `selected_option`, `selected_user`, `selected_date`).
   */
  changed?: { type: string } & Record<string, unknown>;
}): object {
  const changed = args.changed ?? (args.picked !== undefined ? { type: 'radio_buttons', selected_option: args.picked } : undefined);
  const action =
    changed !== undefined
      ? { ...changed, action_id: args.actionId, block_id: args.blockId ?? 'actions', action_ts: `${Date.now() / 1000}` }
      : {
          type: 'button',
          action_id: args.actionId,
          block_id: args.blockId ?? 'actions',
          text: { type: 'plain_text', text: args.actionId, emoji: true },
          ...(args.value !== undefined ? { value: args.value } : {}),
          action_ts: `${Date.now() / 1000}`,
        };
  // Slack describes where the button was: in a modal (container view) or in a message (container message).
  const where = args.view
    ? {
        container: { type: 'view', view_id: args.view.id },
        view: { state: { values: {} }, ...args.view },
      }
    : {
        container: { type: 'message', message_ts: args.messageTs ?? '', channel_id: args.channelId ?? '', is_ephemeral: false },
        channel: { id: args.channelId ?? '', name: channelName(args.channelId ?? '') },
        message: { type: 'message', ts: args.messageTs ?? '', text: '' },
        response_url: args.responseUrl ?? DEAD_RESPONSE_URL,
      };
  return {
    type: 'block_actions',
    user: interactionUser(args.userId, args.teamId),
    api_app_id: API_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: args.triggerId ?? someTriggerId(),
    team: { id: args.teamId, domain: TEAM_DOMAIN },
    enterprise: enterprise(args.enterpriseId),
    is_enterprise_install: false,
    ...where,
    actions: [action],
  };
}

/** The Events API's app_home_opened, as Slack sends it: JSON, the workspace outside, the person inside. */
export function homeOpenedEvent(args: { userId: string; teamId: string; enterpriseId?: string; tab?: 'home' | 'messages'; viewId?: string }): object {
  const now = Date.now() / 1000;
  return {
    token: VERIFICATION_TOKEN,
    team_id: args.teamId,
    ...(args.enterpriseId && { enterprise_id: args.enterpriseId }),
    api_app_id: API_APP_ID,
    event: {
      type: 'app_home_opened',
      user: args.userId,
      channel: `D${args.userId.slice(1)}`,
      tab: args.tab ?? 'home',
      event_ts: `${now}`,
      ...(args.viewId && { view: { id: args.viewId, type: 'home' } }),
    },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(now),
    authorizations: [{ enterprise_id: args.enterpriseId ?? null, team_id: args.teamId, user_id: 'UBOTLATCHKEY', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function postEvent(url: string, signingSecret: string, event: object, opts?: SignOptions): Promise<AppResponse> {
  return postSigned(url, JSON.stringify(event), signingSecret, { contentType: 'application/json', ...opts });
}
