/**
 * The credentials Latchkey can reset: the one list of them. A credential is its folder and its
 * line here; docs/add-a-credential.md walks through adding one.
 */
import { CORE_COMMANDS } from '../core-commands';
import { chime } from './chime';
import type { Credential } from './credential';
import { entra } from './entra';
import { google } from './google';
import { okta, oktaMfa, oktaUnlock } from './okta';
import { checkedRegistry } from './registry';
import { workmail } from './workmail';

// Checked as it loads: two entries with the same ID, command, variable or context key fail the start.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export const CREDENTIALS: readonly Credential<any>[] = checkedRegistry([chime, workmail, okta, oktaUnlock, oktaMfa, entra, google], { commands: CORE_COMMANDS });

/** Every slash command the app answers: each credential's, in the registry's order, then the core's. */
export const SLASH_COMMANDS: readonly string[] = [...CREDENTIALS.map((c) => c.command), ...CORE_COMMANDS];

/**
 * The registry's directories: the first credential of each group that shares one `settings`
 * object (several actions on one directory, such as a password reset and an unlock). A group has
 * one set of variables, one secret per secret variable and one stand-in, all its first entry's.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as CREDENTIALS
export const SETTINGS_OWNERS: readonly Credential<any>[] = CREDENTIALS.filter((c, i) => CREDENTIALS.findIndex((o) => o.settings === c.settings) === i);

/** The credential whose settings (and stand-in) this one reuses: itself, unless it shares another's. */
export function settingsOwnerOf(credential: Credential): Credential {
  return CREDENTIALS.find((o) => o.settings === credential.settings) ?? credential;
}
