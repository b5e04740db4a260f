import {
  ListUsersCommand,
  ResetPasswordCommand,
  type User as WorkMailUser,
  type WorkMailClient,
} from '@aws-sdk/client-workmail';
import { LatchkeyFailure, type FailureCode } from '../../flows/failure';
import type { ChangeResult, Directory, DirectoryUser } from '../../flows/ports';
import { Secret } from '../../flows/secret';
import { failed, type SetupCheck } from '../../doctor/setup-check';
import { awsCheck, fromAwsError } from '../aws-errors';
import { generatePassword, type PasswordPolicy } from '../password-generator';

/** WorkMail's exceptions in our words; throttling, 5xx and setup errors are fromAwsError's. */
const WORKMAIL_ERRORS: Partial<Record<string, FailureCode>> = {
  EntityNotFoundException: 'DIRECTORY_USER_NOT_FOUND',
  EntityStateException: 'DIRECTORY_USER_DISABLED',
  InvalidPasswordException: 'DIRECTORY_REJECTED',
  OrganizationNotFoundException: 'DIRECTORY_MISCONFIGURED',
  OrganizationStateException: 'DIRECTORY_MISCONFIGURED',
  DirectoryServiceAuthenticationFailedException: 'DIRECTORY_MISCONFIGURED',
  DirectoryUnavailableException: 'DIRECTORY_UNAVAILABLE',
  UnsupportedOperationException: 'DIRECTORY_USER_NOT_A_PERSON',
  InvalidParameterException: 'DIRECTORY_REJECTED',
  LimitExceededException: 'DIRECTORY_THROTTLED',
  ThrottlingException: 'DIRECTORY_THROTTLED',
};

/** Amazon WorkMail mailboxes; the credential is the mailbox password. `changes` sends the reset only (AdapterContext.awsChanges). */
export class WorkMailDirectory implements Directory {
  constructor(
    private readonly client: WorkMailClient,
    private readonly changes: WorkMailClient,
    private readonly organizationId: string,
    private readonly password: PasswordPolicy,
    private readonly generate: typeof generatePassword = generatePassword,
  ) {}

  /**
   * Read-only: one page of one user proves the credentials, workmail:ListUsers and the organization
   * ID. Failed in a region WorkMail is not offered in (`regions`), that is the line: its host has
   * no address there, which read as a typo or the network's fault.
   */
  async check(regions: readonly string[] = []): Promise<SetupCheck[]> {
    const lines = await awsCheck(() => this.client.send(new ListUsersCommand({ OrganizationId: this.organizationId, MaxResults: 1 })), {
      operation: 'workmail:ListUsers',
      proves: `for organization ${this.organizationId}`,
      specific: WORKMAIL_ERRORS,
      fix: 'check WORKMAIL_ORGANIZATION_ID and AWS_REGION (the organization\'s region), and that the role may call workmail:ListUsers and workmail:ResetPassword on it (README, "AWS permissions")',
    });
    if (regions.length === 0 || lines.every((l) => l.ok) || lines.some((l) => l.cause?.name === 'AWS credentials' || l.cause?.name === 'AWS region')) return lines;
    const region = await this.client.config.region().catch(() => undefined);
    if (region === undefined || regions.includes(region)) return lines;
    return [
      failed(
        'region',
        `Amazon WorkMail is not offered in ${region}, the region Latchkey calls it in: set AWS_REGION to your WorkMail organization's region, ${regions.slice(0, -1).join(', ')} or ${regions.at(-1)} (the WorkMail console shows it); on Lambda, deploy the stack to that region`,
      ),
    ];
  }

  /** Nothing more to tell about a user than the lookup said. */
  async inspect(user: DirectoryUser): Promise<DirectoryUser> {
    return user;
  }

  async findCandidates(email: string): Promise<DirectoryUser[]> {
    const found: DirectoryUser[] = [];
    let NextToken: string | undefined;
    try {
      do {
        // The whole address is the tightest prefix WorkMail offers; the exact match is the flow's.
        const page = await this.client.send(
          new ListUsersCommand({ OrganizationId: this.organizationId, Filters: { PrimaryEmailPrefix: email }, MaxResults: 100, NextToken }),
        );
        for (const u of page.Users ?? []) found.push(toDirectoryUser(u));
        NextToken = page.NextToken;
      } while (NextToken);
    } catch (err) {
      throw fromAwsError(err, 'workmail:ListUsers', WORKMAIL_ERRORS);
    }
    return found;
  }

  /** WorkMail may apply a stricter password policy than ours: one fresh try, then a clear failure. */
  async resetCredential({ id: userId }: { id: string }): Promise<ChangeResult> {
    for (let attempt = 1; ; attempt++) {
      const password = this.generate(this.password);
      try {
        await this.changes.send(new ResetPasswordCommand({ OrganizationId: this.organizationId, UserId: userId, Password: password }));
        return { secret: new Secret(password) };
      } catch (err) {
        const name = (err as Error | undefined)?.name;
        if (name === 'InvalidPasswordException' && attempt < 2) continue;
        if (name === 'InvalidPasswordException') {
          throw new LatchkeyFailure('DIRECTORY_REJECTED', 'workmail:ResetPassword rejected two generated passwords');
        }
        throw fromAwsError(err, 'workmail:ResetPassword', WORKMAIL_ERRORS, { change: true });
      }
    }
  }
}

function toDirectoryUser(u: WorkMailUser): DirectoryUser {
  return {
    id: u.Id ?? '',
    email: u.Email ?? '',
    displayName: u.DisplayName,
    // Resources and system users are never reset by self-service, whatever their state.
    status: u.UserRole !== 'USER' ? 'not_a_person' : u.State !== 'ENABLED' ? 'disabled' : 'active',
  };
}
