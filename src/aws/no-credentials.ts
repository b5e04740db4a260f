/**
 * The AWS SDK found no credentials at all: said the same way by npm start's checks, the doctor's
 * and the AWS directories' checks, and npm run audit, with where the SDK looks for them.
 */
export const NO_AWS_CREDENTIALS =
  'no AWS credentials found: give the process a role (or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) with the permissions listed in README.md, "AWS permissions"';

/** The SDK's provider chain found no credentials (it says so as a CredentialsProviderError: "Could not load credentials from any providers"). */
export const noAwsCredentials = (err: unknown): boolean => (err as { name?: string } | undefined)?.name === 'CredentialsProviderError';
