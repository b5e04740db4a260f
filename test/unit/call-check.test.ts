import { failedCall } from '../../src/credentials/call-check';
import { LatchkeyFailure } from '../../src/flows/failure';

describe("a directory check's failed line", () => {
  it("joins the service's message and what to do with a colon alone, not '.:', when the message ends in a full stop (Chime's 'is not accessible.')", () => {
    const failure = new LatchkeyFailure('DIRECTORY_MISCONFIGURED', 'chime:ListUsers ForbiddenException: Account 12a3c1a8 is not accessible.');
    expect(failedCall('credentials and permissions', failure, { fix: 'check CHIME_ACCOUNT_ID' })).toEqual({
      name: 'credentials and permissions',
      ok: false,
      detail: 'chime:ListUsers ForbiddenException: Account 12a3c1a8 is not accessible: check CHIME_ACCOUNT_ID',
    });
  });
});
