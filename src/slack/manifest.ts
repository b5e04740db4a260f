import { approvalsChannelInUse, type Config } from '../config';
import type { Policy } from '../flows/policy';
import { CORE_COMMANDS, LICENSE_COMMAND, RESET_PICKER_COMMAND } from '../core-commands';
import { changeOf, type CredentialWords, type SubjectWords } from '../views/words';
import { HOME_OPENED_EVENT } from '../handlers/home-opened';
import { EVENTS_PATH } from './events-path';
import { scopesNeeded } from './scopes';

/** What a manifest is made of: each part the registry or the configuration knows. */
export interface ManifestParts {
  /** The credentials to declare a command for, in the registry's order: their command and words. */
  readonly credentials: readonly { readonly command: string; readonly words: Pick<CredentialWords, 'what' | 'change' | 'commandDescription'>; readonly policy: Policy }[];
  /** The license requests' words, when /request-license is on. */
  readonly licenses?: Omit<SubjectWords, 'command'>;
  readonly scopes: readonly string[];
  /**
   * Where Slack sends its requests: an https origin (scheme and host, no path), to which the
   * events path is added. Absent: Socket Mode, where Slack's requests come over its WebSocket.
   */
  readonly origin?: string;
}

const CORE_DESCRIPTIONS: Record<(typeof CORE_COMMANDS)[number], (parts: Pick<ManifestParts, 'credentials' | 'licenses'>) => string> = {
  // "reset or unlock": each change the credentials here make, once.
  [RESET_PICKER_COMMAND]: ({ credentials }) => {
    const changes = [...new Map(credentials.map(({ words }) => [changeOf(words).verb, changeOf(words).plural])).entries()];
    const or = (words: string[]) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`);
    return `Pick what to ${or(changes.map(([verb]) => verb))}, from everything Latchkey ${or(changes.map(([, plural]) => plural))} here`;
  },
  [LICENSE_COMMAND]: ({ licenses }) => `Ask an admin to ${licenses?.change?.verb ?? 'change'} your ${licenses?.what ?? 'license'}`,
};

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
/** What must happen before the change, in the command list's words (to the person) and the long description's (of them). */
const POLICY_NOTE: Record<Policy, { readonly command: string; readonly about: string } | undefined> = {
  'self-service': undefined,
  verify: { command: 'you approve a push on your phone', about: 'once they approve a push on their phone' },
  approval: { command: 'an admin approves', about: 'once an admin approves' },
};

/**
 * The command's description in Slack's command list: the credential's own words, or "<Verb> your
 * <what>", with its policy's note first in a closing parenthesis it ends with ("Reset your Okta
 * password (an admin approves; you choose a new one at your next sign-in)"), or in one of its own.
 */
function commandDescription({ words, policy }: ManifestParts['credentials'][number]): string {
  const description = words.commandDescription ?? sentence(`${words.change?.verb ?? 'reset'} your ${words.what}`);
  const note = POLICY_NOTE[policy]?.command;
  if (note === undefined) return description;
  const open = description.lastIndexOf('(');
  if (description.endsWith(')') && open > 0) return `${description.slice(0, open + 1)}${note}; ${description.slice(open + 1)}`;
  return `${description} (${note})`;
}
/** "a; b; and c". */
const listed = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join('; ')}; and ${items.at(-1)}`);

/**
 * Latchkey's Slack app manifest (Slack's schema, version 1), for what this deployment serves:
 * one slash command per credential given, /reset, and /request-license when license requests
 * are on; every request URL at `origin`. manifest.yml is this for every credential, at
 * https://latchkey.example.com (a unit test keeps the two the same).
 */
export function slackManifest({ credentials, licenses, scopes, origin }: ManifestParts): Record<string, unknown> {
  const url = origin === undefined ? {} : { url: `${origin}${EVENTS_PATH}` };
  const requestUrl = origin === undefined ? {} : { request_url: `${origin}${EVENTS_PATH}` };
  const commands = [
    ...credentials.map((c) => ({ command: c.command, ...url, description: commandDescription(c), should_escape: false })),
    ...(licenses ? [{ command: LICENSE_COMMAND, ...url, description: CORE_DESCRIPTIONS[LICENSE_COMMAND]({ credentials, licenses }), should_escape: false }] : []),
    { command: RESET_PICKER_COMMAND, ...url, description: CORE_DESCRIPTIONS[RESET_PICKER_COMMAND]({ credentials, licenses }), should_escape: false },
  ];
  const can = credentials.map((c) => `${c.words.change?.verb ?? 'reset'} their ${c.words.what} (${[c.command, POLICY_NOTE[c.policy]?.about].filter(Boolean).join(', ')})`);
  const asked = licenses ? ` They can also ask an admin to ${licenses.change?.verb ?? 'change'} their ${licenses.what} (${LICENSE_COMMAND}), who approves or denies it in a modal.` : '';
  const reviewed = licenses !== undefined || credentials.some((c) => c.policy === 'approval');
  const adminSees = `${reviewed ? 'the requests waiting for their review, ' : ''}today's activity and what needs attention`;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'Latchkey',
      description: 'Reset your own passwords and PINs, without a helpdesk ticket.',
      long_description:
        `Latchkey lets employees, from Slack and without a helpdesk ticket: ${listed(can)}. ${RESET_PICKER_COMMAND} offers each of these.${asked} ` +
        'For every request it checks that the person is an active, full member of this workspace and finds their account by their Slack email, matched exactly; ' +
        'a new password or PIN is shown only to them, once, in a private window, and never stored; and every attempt is written to the audit log. ' +
        `Its Home tab has a button for each and the person's own recent activity; admins also see ${adminSees}, ` +
        'and can search the audit log and run the Setup check.',
      background_color: '#1d3557',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'Latchkey', always_online: true },
      slash_commands: commands,
    },
    oauth_config: { scopes: { bot: [...scopes] } },
    settings: {
      event_subscriptions: { ...requestUrl, bot_events: [HOME_OPENED_EVENT] },
      interactivity: { is_enabled: true, ...requestUrl },
      org_deploy_enabled: false,
      socket_mode_enabled: origin === undefined,
      token_rotation_enabled: false,
    },
  };
}

/** The manifest's parts for a configuration: its enabled credentials, its license requests, the scopes `npm run doctor` checks it for. */
export function manifestPartsOf(config: Config): Omit<ManifestParts, 'origin'> {
  return {
    credentials: config.credentials.map(({ credential: { command, words, id } }) => ({ command, words, policy: config.policies.get(id) ?? 'self-service' })),
    ...(config.licenses?.provider.credential.licenses && { licenses: config.licenses.provider.credential.licenses.words }),
    scopes: scopesNeeded({ usergroup: config.admins.usergroupId !== undefined, approvalsChannel: approvalsChannelInUse(config) !== undefined }),
  };
}

/**
 * The origin Slack is to send its requests to, from what an admin typed (`--url`): an https URL of
 * a host, without a path, query or user. Or why not, in a sentence saying what to give instead.
 */
export function manifestOrigin(typed: string): { origin: string } | { problem: string } {
  const example = 'such as https://latchkey.example.com';
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return { problem: `--url must be the https:// address Slack reaches Latchkey at, ${example}: "${typed}" is not a URL` };
  }
  if (url.protocol !== 'https:') {
    return { problem: `--url must start with https:// (${example}): Slack sends its requests only to https, so put TLS in front of Latchkey (a load balancer or reverse proxy) and give that address` };
  }
  if (url.username || url.password) return { problem: `--url must not hold a user or password: give the host only, ${example}` };
  if (url.pathname !== '/' || url.search || url.hash) {
    return { problem: `--url must be the host only, ${example}, without a path, query or fragment (got ${url.pathname}${url.search}${url.hash}): Latchkey adds ${EVENTS_PATH} to it` };
  }
  return { origin: url.origin };
}
