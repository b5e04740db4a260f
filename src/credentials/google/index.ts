import { z } from 'zod';
import { secureOrigin, secureUrl } from '../../config-fields';
import type { AdapterContext, Credential } from '../credential';
import { bearerChangeTime } from '../bearer-directory';
import { PERSON_WAITING } from '../http-errors';
import { PASSWORD_SETTINGS, passwordPolicyOf, type PasswordPolicy } from '../password-generator';
import type { GoogleConnection } from './google-directory';

interface GoogleSettings extends GoogleConnection {
  readonly password: PasswordPolicy;
}

const PEM = /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/;

/**
 * The service account's JSON key, as Google's console downloads it: its shape is checked here (at
 * start, and at synth against the placeholder); the key itself is read when first used.
 */
const serviceAccountKey = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: "must be the service account's JSON key (its content, not a path)" });
      return z.NEVER;
    }
  })
  .pipe(
    z.object(
      {
        type: z.literal('service_account', { message: 'must be a service account key ("type": "service_account")' }),
        client_email: z.email({ message: 'must hold the service account\'s "client_email"' }),
        private_key: z.string({ message: 'must hold a "private_key"' }).regex(PEM, 'must hold a PEM "private_key" (-----BEGIN PRIVATE KEY-----)'),
        private_key_id: z.string().optional(),
        token_uri: secureUrl('https://oauth2.googleapis.com/token').default('https://oauth2.googleapis.com/token'),
      },
      { message: "must be the service account's JSON key" },
    ),
  );

async function googleDirectory(settings: GoogleSettings, context: AdapterContext) {
  const { GoogleDirectory } = await import('./google-directory');
  return new GoogleDirectory(context.fetch, settings, settings.password);
}

/** A made-up key of the right shape for synth: nothing in it is a key. */
const PLACEHOLDER = JSON.stringify({
  type: 'service_account',
  client_email: 'latchkey@placeholder.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nplaceholder-for-synth-not-a-key\n-----END PRIVATE KEY-----\n',
  token_uri: 'https://oauth2.googleapis.com/token',
});

/**
 * Google Workspace: the Google account password (/reset-google-password). The person gets a
 * generated password, chooses a new one at their next sign-in, and is signed out everywhere.
 */
export const google: Credential<GoogleSettings> = {
  id: 'google_password',
  command: '/reset-google-password',
  words: {
    title: 'Reset Google password',
    what: 'Google Workspace password',
    short: 'Google password',
    request: 'Google password reset',
    button: 'Reset password',
    directory: 'Google Workspace',
    account: 'Google account',
    consequences:
      "Your *Google Workspace password* will be replaced by a temporary one. You'll choose a new password when you next sign in, " +
      "and you'll be signed out of Google everywhere.",
    secretTitle: 'Your temporary password',
    secretLead: 'Your temporary Google Workspace password:',
    howToUse: 'Sign in to Google with it; Google will ask you to choose a new password. Your other sessions are being signed out.',
    receipt: 'Google Workspace password',
    newSecret: 'temporary password',
    homeButton: 'Reset my Google password',
    commandDescription: 'Reset your Google Workspace password (you choose a new one at your next sign-in)',
    refusals: {
      archived: {
        headline: 'Your Google account is archived: an archived account cannot sign in, so its password is not reset by self-service.',
        next: 'If you need the account again, ask IT to restore it.',
        label: 'archived Google account',
      },
      // Google would not let the admin Latchkey acts as read this person (users.get 403 forbidden), an
      // address in that admin's own domain: their account is beyond its role's reach (google-directory.ts).
      beyond_admin: {
        headline: 'Google would not let Latchkey look up your Google account: the Google admin Latchkey acts for does not manage the part of your organization your account is in. Nothing was changed.',
        next: 'Ask IT to reset your password, and give them the reference below.',
        label: "beyond the Google admin's reach",
      },
    },
  },
  audit: { action: 'reset_google_password', directory: 'google' },
  // Under the `approval` policy, the approver sees Google's account (Directory.reviewFacts).
  reviewFacts: true,
  settings: {
    variables: {
      GOOGLE_SERVICE_ACCOUNT_KEY: {
        envPlaceholder: { what: "the service account's JSON key", note: ', its whole content on one line in single quotes' },
        schema: serviceAccountKey.optional(),
        secret: { description: "the Google service account's JSON key (domain-wide delegation for admin.directory.user and admin.directory.user.security)", placeholder: PLACEHOLDER },
        doc: { meaning: 'The service account\'s JSON key, its content (not a path); setting it turns `/reset-google-password` on. On Lambda it lives in Secrets Manager.' },
      },
      GOOGLE_ADMIN_EMAIL: {
        envPlaceholder: { what: 'the email of the Workspace admin the service account acts as' },
        schema: z.email({ message: 'must be the email of the Workspace admin the service account acts as' }).optional(),
        context: 'googleAdminEmail',
        example: 'it-admin@example.com',
        doc: { meaning: 'The Workspace admin the service account acts as (the JWT\'s `sub`); required with the key.' },
      },
      GOOGLE_TOKEN_URL: {
        schema: secureUrl('https://oauth2.googleapis.com/token').optional(),
        context: 'googleTokenUrl',
        doc: { default: "the key's `token_uri`", meaning: 'Where the token is asked for.' },
      },
      GOOGLE_API_URL: {
        schema: secureOrigin('https://admin.googleapis.com').default('https://admin.googleapis.com'),
        context: 'googleApiUrl',
        doc: { default: '`https://admin.googleapis.com`', meaning: 'The Admin SDK Directory API.' },
      },
      ...PASSWORD_SETTINGS,
    },
    read: (values) => {
      const key = values.GOOGLE_SERVICE_ACCOUNT_KEY as z.infer<typeof serviceAccountKey> | undefined;
      if (!key || typeof values.GOOGLE_ADMIN_EMAIL !== 'string') return undefined;
      return {
        clientEmail: key.client_email,
        privateKey: key.private_key,
        ...(key.private_key_id && { privateKeyId: key.private_key_id }),
        adminEmail: values.GOOGLE_ADMIN_EMAIL,
        tokenUrl: (values.GOOGLE_TOKEN_URL as string | undefined) ?? key.token_uri,
        apiUrl: values.GOOGLE_API_URL as string,
        password: passwordPolicyOf(values),
      };
    },
    problems: (values) => [
      ...(values.GOOGLE_SERVICE_ACCOUNT_KEY && !values.GOOGLE_ADMIN_EMAIL ? [{ variable: 'GOOGLE_ADMIN_EMAIL', message: 'is required with GOOGLE_SERVICE_ACCOUNT_KEY' }] : []),
      ...(values.GOOGLE_ADMIN_EMAIL && !values.GOOGLE_SERVICE_ACCOUNT_KEY ? [{ variable: 'GOOGLE_SERVICE_ACCOUNT_KEY', message: 'is required with GOOGLE_ADMIN_EMAIL' }] : []),
    ],
  },
  load: googleDirectory,
  // A token and the password, then users.signOut once the password is shown.
  changeTime: () => bearerChangeTime(PERSON_WAITING),
  check: async (settings, context) => (await googleDirectory(settings, context)).check(),
  // Google is reached over the internet with its own service account: nothing to grant in AWS.
  grants: () => [],
  standIn: () => import('./stand-in'),
};
