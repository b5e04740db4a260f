import { LatchkeyFailure } from './failure';
import type { Directory, DirectoryUser } from './ports';

/**
 * The one place a Slack email becomes a directory user: exactly one candidate whose primary email
 * equals it, compared with ASCII letters folded to lower case and nothing else. A directory's search
 * may match more loosely (a prefix, a substring, Unicode case folding): `xann@…` or `ann@….au` is
 * never taken for `ann@…`, nor `kim@…` spelled with the Kelvin sign (U+212A, which
 * `toLowerCase()` folds to `k`) for `kim@…`. The failure's detail names no email: it is logged.
 */
export function matchByEmail(candidates: readonly DirectoryUser[], email: string): DirectoryUser {
  const exact = candidates.filter((u) => u.id !== '' && sameEmail(u.email, email));
  const [user, ...others] = exact;
  if (!user) throw new LatchkeyFailure('DIRECTORY_USER_NOT_FOUND');
  if (others.length > 0) throw new LatchkeyFailure('DIRECTORY_USER_AMBIGUOUS', `${exact.length} directory users have the requester's email`);
  return user;
}

/** The one comparison of two emails, for every directory and verifier: ASCII letters folded, nothing else. */
export function sameEmail(a: string, b: string): boolean {
  return foldAscii(a) === foldAscii(b);
}

/** A–Z to a–z, every other character as it is. */
function foldAscii(value: string): string {
  return value.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Only a person who can sign in, holding no admin role, is reset by self-service. */
function requireResettable(user: DirectoryUser): DirectoryUser {
  // The directory's own reason first: its words are more exact than any status.
  if (user.nothingToChange !== undefined) throw new LatchkeyFailure('NOTHING_TO_CHANGE', `nothing to change: ${user.nothingToChange}`, { reason: user.nothingToChange });
  if (user.refusal !== undefined) throw new LatchkeyFailure('DIRECTORY_USER_REFUSED', `refused: ${user.refusal}`, { reason: user.refusal });
  switch (user.status) {
    case 'active':
      return user;
    case 'suspended':
      throw new LatchkeyFailure('DIRECTORY_USER_SUSPENDED');
    case 'disabled':
      throw new LatchkeyFailure('DIRECTORY_USER_DISABLED');
    case 'not_a_person':
      throw new LatchkeyFailure('DIRECTORY_USER_NOT_A_PERSON');
    case 'not_activated':
      throw new LatchkeyFailure('DIRECTORY_USER_NOT_ACTIVATED');
    case 'privileged':
      throw new LatchkeyFailure('DIRECTORY_USER_PRIVILEGED');
  }
}

/** The directory user a reset or license request is for: found, matched exactly, and allowed. */
export async function pickDirectoryUser(
  directory: Pick<Directory, 'findCandidates'> & Partial<Pick<Directory, 'inspect'>>,
  email: string,
): Promise<DirectoryUser> {
  const user = requireResettable(matchByEmail(await directory.findCandidates(email), email));
  return directory.inspect ? requireResettable(await directory.inspect(user)) : user;
}
