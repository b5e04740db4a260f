/**
 * The credentials Latchkey can reset: the one list of them. A credential is its folder and its
 * line here; docs/add-a-credential.md walks through adding one.
 */
import { chime } from './chime';
import type { Credential } from './credential';
import { okta } from './okta';
import { checkedRegistry } from './registry';
import { workmail } from './workmail';

/** Commands the core answers itself. */
export const CORE_COMMANDS = ['/request-license', '/reset'] as const;

// Checked as it loads: two entries with the same ID, command, variable or context key fail the start.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export const CREDENTIALS: readonly Credential<any>[] = checkedRegistry([chime, workmail, okta], { commands: CORE_COMMANDS });
