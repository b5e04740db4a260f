import {
  GetUserCommand,
  ListUsersCommand,
  ResetPersonalPINCommand,
  UpdateUserCommand,
  type ChimeClient,
  type User as ChimeUser,
} from '@aws-sdk/client-chime';
import { LatchkeyFailure, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Directory, DirectoryUser, License, LicensedUser, LicenseDirectory } from '../../flows/ports';
import { Secret } from '../../flows/secret';
import { SAID_WORD, saidBack } from '../../http/answers';
import type { SetupCheck } from '../../doctor/setup-check';
import { awsCheck, fromAwsError } from '../aws-errors';
import { CHIME_LICENSES } from './licenses';

/** Chime's exceptions in our words; throttling, 5xx and setup errors are fromAwsError's. */
const COMMON: Partial<Record<string, FailureCode>> = {
  ForbiddenException: 'DIRECTORY_MISCONFIGURED',
  UnauthorizedClientException: 'DIRECTORY_MISCONFIGURED',
  BadRequestException: 'DIRECTORY_REJECTED',
  ServiceUnavailableException: 'DIRECTORY_UNAVAILABLE',
  ServiceFailureException: 'DIRECTORY_UNAVAILABLE',
};

/**
 * Amazon Chime (legacy `chime` API, account-level users). The clients must be built for
 * us-east-1: the legacy API is served and signed there whatever region the account "lives" in.
 * `changes` sends the PIN reset and the license change only (AdapterContext.awsChanges).
 */
export class ChimeDirectory implements Directory, LicenseDirectory {
  constructor(
    private readonly client: ChimeClient,
    private readonly changes: ChimeClient,
    private readonly accountId: string,
  ) {}

  /** Read-only: one page of one user proves the credentials, chime:ListUsers and the account ID. */
  check(): Promise<SetupCheck[]> {
    return awsCheck(() => this.client.send(new ListUsersCommand({ AccountId: this.accountId, MaxResults: 1 })), {
      operation: 'chime:ListUsers',
      proves: `for account ${this.accountId}`,
      specific: { ...COMMON, NotFoundException: 'DIRECTORY_MISCONFIGURED' },
      fix: 'check CHIME_ACCOUNT_ID, and that the role may call chime:ListUsers and chime:ResetPersonalPIN (README, "AWS permissions")',
    });
  }

  /** Nothing more to tell about a user than the lookup said. */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    return user;
  }

  async findCandidates(email: string): Promise<DirectoryUser[]> {
    try {
      const { Users = [] } = await this.client.send(new ListUsersCommand({ AccountId: this.accountId, UserEmail: email }));
      return Users.map(toDirectoryUser);
    } catch (err) {
      // On ListUsers a NotFound is about the account, not the person: the account ID is wrong.
      throw fromAwsError(err, 'chime:ListUsers', { ...COMMON, NotFoundException: 'DIRECTORY_MISCONFIGURED' });
    }
  }

  async resetCredential(user: { id: string }): Promise<ChangeResult> {
    let reset: ChimeUser | undefined;
    try {
      ({ User: reset } = await this.changes.send(new ResetPersonalPINCommand({ AccountId: this.accountId, UserId: user.id })));
    } catch (err) {
      throw fromAwsError(err, 'chime:ResetPersonalPIN', { ...COMMON, NotFoundException: 'DIRECTORY_USER_NOT_FOUND' }, { change: true });
    }
    // The SDK does not mark PersonalPIN sensitive: wrap it at once so it cannot be logged as text.
    const pin = reset?.PersonalPIN;
    if (!pin) throw new LatchkeyFailure('DIRECTORY_REJECTED', 'chime:ResetPersonalPIN returned no PIN');
    return { secret: new Secret(pin) };
  }

  async getLicensedUser(userId: string): Promise<LicensedUser> {
    let user: ChimeUser | undefined;
    try {
      ({ User: user } = await this.client.send(new GetUserCommand({ AccountId: this.accountId, UserId: userId })));
    } catch (err) {
      throw fromAwsError(err, 'chime:GetUser', { ...COMMON, NotFoundException: 'DIRECTORY_USER_NOT_FOUND' });
    }
    if (!user?.UserId) throw new LatchkeyFailure('DIRECTORY_USER_NOT_FOUND', 'chime:GetUser returned no user');
    const license = CHIME_LICENSES.find((l) => l.id === user.LicenseType)?.id;
    // Bounded (saidBack): a log line must not grow with what AWS answers.
    if (!license) throw new LatchkeyFailure('DIRECTORY_REJECTED', `chime:GetUser license ${JSON.stringify(saidBack(String(user.LicenseType), SAID_WORD))}`);
    return { ...toDirectoryUser(user), license };
  }

  async changeLicense(userId: string, license: License): Promise<void> {
    try {
      await this.changes.send(new UpdateUserCommand({ AccountId: this.accountId, UserId: userId, LicenseType: license as ChimeUser['LicenseType'] }));
    } catch (err) {
      throw fromAwsError(err, 'chime:UpdateUser', { ...COMMON, NotFoundException: 'DIRECTORY_USER_NOT_FOUND' }, { change: true });
    }
  }
}

function toDirectoryUser(u: ChimeUser): DirectoryUser {
  return {
    id: u.UserId ?? '',
    email: u.PrimaryEmail ?? '',
    displayName: u.DisplayName,
    status:
      u.UserRegistrationStatus === 'Suspended' ? 'suspended' : u.UserType === 'SharedDevice' ? 'not_a_person' : 'active',
  };
}
