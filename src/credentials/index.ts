/**
 * The credentials Latchkey can reset: the one list of them. A credential is its folder and its
 * line here; docs/add-a-credential.md walks through adding one.
 */
import { chime } from './chime';
import type { Credential } from './credential';
import { okta } from './okta';
import { workmail } from './workmail';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has settings of its own type
export const CREDENTIALS: readonly Credential<any>[] = [chime, workmail, okta];
