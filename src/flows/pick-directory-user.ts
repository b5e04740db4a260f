import { LatchkeyFailure } from './failure';
import type { Directory, DirectoryUser } from './ports';

/**
 * The one place a Slack email becomes a directory user: exactly one candidate whose primary email
 * equals it, compared case-insensitively. A directory's search may match more loosely (a prefix,
 * a substring): `xann@…` or `ann@….au` is never taken for `ann@…`.
 */
export function matchByEmail(candidates: readonly DirectoryUser[], email: string): DirectoryUser {
  const wanted = email.toLowerCase();
  const exact = candidates.filter((u) => u.id !== '' && u.email.toLowerCase() === wanted);
  const [user, ...others] = exact;
  if (!user) throw new LatchkeyFailure('DIRECTORY_USER_NOT_FOUND');
  if (others.length > 0) throw new LatchkeyFailure('DIRECTORY_USER_AMBIGUOUS', `${exact.length} users for ${email}`);
  return user;
}

/** Only a person who can sign in, holding no admin role, is reset by self-service. */
export function requireResettable(user: DirectoryUser): DirectoryUser {
  // The directory's own reason first: its words are more exact than any status.
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
