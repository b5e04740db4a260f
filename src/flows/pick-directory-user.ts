import { LatchkeyFailure } from './failure';
import type { DirectoryUser } from './ports';

/** Exactly one directory user may answer to an email, and it must be a person who can sign in. */
export function pickDirectoryUser(users: DirectoryUser[], email: string): DirectoryUser {
  const [user, ...others] = users;
  if (!user) throw new LatchkeyFailure('DIRECTORY_USER_NOT_FOUND');
  if (others.length > 0) throw new LatchkeyFailure('DIRECTORY_USER_AMBIGUOUS', `${users.length} users for ${email}`);
  switch (user.status) {
    case 'active':
      return user;
    case 'suspended':
      throw new LatchkeyFailure('DIRECTORY_USER_SUSPENDED');
    case 'disabled':
      throw new LatchkeyFailure('DIRECTORY_USER_DISABLED');
    case 'not_a_person':
      throw new LatchkeyFailure('DIRECTORY_USER_NOT_A_PERSON');
  }
}
