import { z } from 'zod';
import { secureOrigin, tooShort } from '../../config-fields';
import type { AdapterContext, Credential } from '../credential';
import { bearerChangeTime } from '../bearer-directory';
import { callCheck } from '../call-check';
import { PERSON_WAITING } from '../http-errors';
import { PASSWORD_SETTINGS, passwordPolicyOf, type PasswordPolicy } from '../password-generator';
import type { EntraConnection } from './entra-directory';

interface EntraSettings extends EntraConnection {
  readonly password: PasswordPolicy;
}

const GUID_EXAMPLE = '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11';
/** 8-4-4-4-12 hex digits, whatever their version and variant digits. */
const GUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * The ID as the app registration's Overview labels it (`label`). Held to the form Entra makes its
 * IDs in (RFC 4122: a placeholder such as 11111111-2222-3333-4444-555555555555 has a GUID's shape,
 * and would pass only to fail at the first reset), and each refusal says which form that is. The
 * value is never echoed: these IDs are no secret, but a value pasted into the wrong setting may be.
 */
const guid = (what: string, label: string, domainIsNot?: true) =>
  z.string().superRefine((value, ctx) => {
    if (z.uuid().safeParse(value).success) return;
    const copy = `copy the ${label} from the app registration's Overview in the Entra admin center`;
    const message = GUID_SHAPE.test(value)
      ? `is not an ID Entra gives out: it has a GUID's 8-4-4-4-12 shape, but Entra's IDs have a third group that starts with 1 to 8 and a fourth that starts with 8, 9, a or b, as in ${GUID_EXAMPLE}: ${copy}`
      : domainIsNot && DOMAIN.test(value)
        ? `must be the ${what}, a GUID such as ${GUID_EXAMPLE}: a domain name (such as yours.onmicrosoft.com) is not the ID: ${copy}`
        : `must be the ${what}, a GUID: 32 letters a-f and digits in groups of 8-4-4-4-12, such as ${GUID_EXAMPLE}: ${copy}`;
    ctx.addIssue({ code: 'custom', message });
  }).transform((v) => v.toLowerCase());

const NEEDED = ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'] as const;

async function entraDirectory(settings: EntraSettings, context: AdapterContext) {
  const { EntraDirectory } = await import('./entra-directory');
  return new EntraDirectory(context.fetch, settings, settings.password, context.logger, context.clock);
}

/**
 * Microsoft Entra ID (Azure AD): the Microsoft 365 sign-in password (/reset-entra-password). The
 * person gets a temporary password, chooses a new one at their next sign-in, and is signed out of
 * every session. One name per reader: the person knows it as their *Microsoft 365 password* (and
 * account), never "Microsoft account", which is Microsoft's name for a personal one, and of
 * Microsoft 365 where the directory fails them (`service`: "Microsoft 365 is not answering right
 * now"); admins read the directory's own name, Microsoft Entra ID (`directory`, the labels), in
 * their views, the audit search and the doctor. Only the two 24-character names (the modal's
 * title, the request's name) shorten it to "Microsoft password".
 */
export const entra: Credential<EntraSettings> = {
  id: 'entra_password',
  command: '/reset-entra-password',
  words: {
    title: 'Reset Microsoft password',
    what: 'Microsoft 365 password',
    short: 'Microsoft 365 password',
    // Not "Microsoft 365 password reset": the request's one name titles the admin's review, in 24 characters.
    request: 'Microsoft password reset',
    button: 'Reset password',
    directory: 'Microsoft Entra ID',
    service: 'Microsoft 365',
    account: 'Microsoft 365 account',
    consequences:
      "Your *Microsoft 365 password* will be replaced by a temporary one. You'll choose a new password " +
      "when you next sign in, and you'll be signed out of Microsoft 365 everywhere.",
    secretTitle: 'Your temporary password',
    secretLead: 'Your temporary Microsoft 365 password:',
    howToUse: 'Sign in to Microsoft 365 with it; Microsoft will ask you to choose a new password. Your other sessions are being signed out.',
    receipt: 'Microsoft 365 password',
    newSecret: 'temporary password',
    homeButton: 'Reset my Microsoft 365 password',
    commandDescription: 'Reset your Microsoft 365 password (you choose a new one at your next sign-in)',
    refusals: {
      directory_guest: {
        headline: 'Your Microsoft 365 account here is a guest account: its password belongs to the organization that invited you.',
        next: "Reset it where your account comes from (your own organization's sign-in page), or ask IT.",
        label: 'Entra ID guest account',
      },
      // Graph refused to set the password of an account synced from Active Directory (no password writeback).
      synced_from_on_premises: {
        headline: "Your Microsoft 365 password is managed by your company's Active Directory, so Latchkey cannot reset it.",
        next: 'Reset it where you reset your company (Windows) password, or contact IT: they reset it there, and Microsoft 365 takes the new one.',
        label: 'managed by Active Directory',
      },
      // The person's sign-in domain is federated: they sign in at another identity provider (AD FS, Okta, Ping…), with its password.
      federated_sign_in: {
        headline: "Your Microsoft 365 account signs in through your organization's own sign-in service, not Microsoft's, so Latchkey cannot reset its password.",
        next: "Reset it where you sign in (your organization's sign-in page), or ask IT.",
        label: 'signs in at another identity provider',
      },
      // The role check read ROLE_PAGES of the person's memberships (entra-directory.ts) and Graph had more:
      // whether they hold an admin role is not known, so they are not reset by self-service.
      roles_unread: {
        headline: 'Your Microsoft 365 account is in more groups than Latchkey reads to check it holds no admin role, so Latchkey will not reset its password. Nothing was changed.',
        next: 'Ask IT to reset it, and give them the reference below.',
        label: 'admin roles unread: too many groups',
      },
      // Graph refused to set the password (403 Authorization_RequestDenied): an account Entra protects
      // from the app's reset, or any account while the app lacks its role, which Graph answers alike.
      // One person cannot be told which; several refused of late are told it is likely the setup (ResetFailure.widespread).
      protected_account: {
        headline: 'Microsoft would not let Latchkey reset your password. Nothing was changed.',
        next:
          'Ask IT to reset it, and give them the reference below. Microsoft refuses apps such as Latchkey the accounts it protects (as it protects accounts with admin rights), ' +
          "and every account while Latchkey's own setup is missing a permission: IT can tell which.",
        label: 'protected account, or app lacks its role',
      },
    },
  },
  audit: { action: 'reset_entra_password', directory: 'entra' },
  // Under the `approval` policy, the approver sees Entra's account (Directory.reviewFacts).
  reviewFacts: true,
  settings: {
    variables: {
      ENTRA_TENANT_ID: {
        envPlaceholder: { what: 'your directory (tenant) ID', note: ", a GUID from the app registration's Overview" },
        schema: guid('directory (tenant) ID', 'Directory (tenant) ID', true).optional(),
        context: 'entraTenantId',
        example: '7c3f9a52-1b6e-4d8a-9f0c-2e5b8d4a6c11',
        doc: { meaning: 'The directory (tenant) ID, a GUID. Unset: `/reset-entra-password` answers "not enabled here".' },
      },
      ENTRA_CLIENT_ID: {
        envPlaceholder: { what: "the app registration's application (client) ID", note: ', a GUID' },
        schema: guid('application (client) ID', 'Application (client) ID').optional(),
        context: 'entraClientId',
        example: 'b2d4f6a8-3c5e-4a7b-8d9f-1e2c3b4a5d6e',
        doc: { meaning: "The app registration's application (client) ID, a GUID." },
      },
      ENTRA_CLIENT_SECRET: {
        envPlaceholder: { what: "the client secret's value (not its ID)", note: ', from Certificates & secrets' },
        schema: z
          .string()
          .min(
            16,
            tooShort({
              what: 'an Entra client secret',
              looks: 'about 40 characters; Latchkey takes 16 or more',
              get: "copy the secret's Value (not its Secret ID) when you make it, in the app registration → Certificates & secrets → New client secret: it is shown only then, so make a new one if you no longer have it",
            }),
          )
          .optional(),
        secret: { description: "the Entra app registration's client secret (Certificates & secrets)", placeholder: 'placeholder~entra~client~secret~for~synth' },
        doc: { meaning: "The app registration's client secret (its value, not its ID). On Lambda it lives in Secrets Manager." },
      },
      ENTRA_AUTHORITY_URL: {
        schema: secureOrigin('https://login.microsoftonline.com').default('https://login.microsoftonline.com'),
        context: 'entraAuthorityUrl',
        doc: { default: '`https://login.microsoftonline.com`', meaning: 'Where tokens are asked for (another for a national cloud).' },
      },
      ENTRA_GRAPH_URL: {
        schema: secureOrigin('https://graph.microsoft.com').default('https://graph.microsoft.com'),
        context: 'entraGraphUrl',
        doc: { default: '`https://graph.microsoft.com`', meaning: 'Microsoft Graph.' },
      },
      ...PASSWORD_SETTINGS,
    },
    read: (values) =>
      NEEDED.every((v) => typeof values[v] === 'string')
        ? {
            tenantId: values.ENTRA_TENANT_ID as string,
            clientId: values.ENTRA_CLIENT_ID as string,
            clientSecret: values.ENTRA_CLIENT_SECRET as string,
            authorityUrl: values.ENTRA_AUTHORITY_URL as string,
            graphUrl: values.ENTRA_GRAPH_URL as string,
            password: passwordPolicyOf(values),
          }
        : undefined,
    // Any one of the three asks for the others, named by the IDs given: the secret may be npm run
    // manifest's stand-in for one not given yet (withSecretStandIns), never a reason named to its admin.
    problems: (values) => {
      const given = NEEDED.filter((v) => values[v]);
      if (given.length === 0) return [];
      const ids = given.filter((v) => v !== 'ENTRA_CLIENT_SECRET');
      return NEEDED.filter((v) => !values[v]).map((variable) => ({ variable, message: `is required with ${(ids.length > 0 ? ids : given).join(' and ')}` }));
    },
  },
  load: entraDirectory,
  // A token and the password, then revokeSignInSessions once the password is shown.
  changeTime: () => bearerChangeTime(PERSON_WAITING),
  // A lookup of an address nobody has gets a token and proves it, Graph's address and the right to
  // read users; the role check's own call on one user proves what every lookup reads to refuse
  // admins; the domains' list proves Domain.Read.All, which every lookup's federation check needs
  // (without it, not checked), and names the federated ones. None changes anything.
  check: async (settings, context) => {
    const directory = await entraDirectory(settings, context);
    const users = await callCheck('app registration and permissions', () => directory.findCandidates('latchkey-setup-check@invalid.example'), {
      // In Graph's own terms: entra:ListUsers is only Latchkey's name for the call, which Azure knows nothing of.
      proves: 'a token was issued, and Microsoft Graph answers a lookup of users by email (GET /users, the User.Read.All application permission)',
      fix: 'check ENTRA_TENANT_ID, ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET, and that the app registration has the Graph application permissions README lists, with admin consent',
    });
    // The same token and address: where they failed, the domains would fail the same way.
    if (users.some((c) => !c.ok)) return users;
    return [...users, ...(await Promise.all([directory.checkRoleRead(), directory.checkDomains()]))];
  },
  // Entra is reached over the internet with its own app registration: nothing to grant in AWS.
  grants: () => [],
  standIn: () => import('./stand-in'),
};
