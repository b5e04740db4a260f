import { z } from 'zod';
import { awsCallMs, type AdapterContext, type Credential } from '../credential';
import { PASSWORD_SETTINGS, passwordPolicyOf, type PasswordPolicy } from '../password-generator';

/** Where Amazon WorkMail is offered: an organization lives in one of these. */
const WORKMAIL_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

interface WorkMailSettings {
  readonly organizationId: string;
  readonly password: PasswordPolicy;
}

async function workMailDirectory(settings: WorkMailSettings, context: AdapterContext) {
  const [{ WorkMailClient }, { WorkMailDirectory }] = await Promise.all([import('@aws-sdk/client-workmail'), import('./workmail-directory')]);
  // The password reset goes through a client of its own, which never sends a change twice.
  return new WorkMailDirectory(new WorkMailClient({ ...context.aws }), new WorkMailClient({ ...context.awsChanges }), settings.organizationId, settings.password);
}

/**
 * Amazon WorkMail: the mailbox password (/reset-password), replaced by a strong generated one.
 * WorkMail's end of support is 2027-03-31.
 */
export const workmail: Credential<WorkMailSettings> = {
  id: 'password',
  command: '/reset-password',
  supportEnds: '2027-03-31',
  words: {
    title: 'Reset mail password',
    what: 'Amazon WorkMail password',
    short: 'password',
    request: 'mail password reset',
    button: 'Reset password',
    directory: 'Amazon WorkMail',
    account: 'mailbox',
    consequences:
      'Your *Amazon WorkMail password* will be replaced by a strong generated one; the old one stops working. ' +
      'Mail apps on your phone and computer will ask for the new password.',
    secretTitle: 'Your new password',
    secretLead: 'Your new Amazon WorkMail password:',
    howToUse: 'Sign in to WorkMail with it, then update the password in your mail apps.',
    receipt: 'Amazon WorkMail password',
    newSecret: 'new password',
    homeButton: 'Reset my mail password',
    commandDescription: 'Reset your Amazon WorkMail password (then update it in your mail apps)',
  },
  audit: { action: 'reset_password', directory: 'workmail' },
  settings: {
    variables: {
      WORKMAIL_ORGANIZATION_ID: {
        envPlaceholder: { what: 'your WorkMail organization ID', note: ': m- and 32 hex digits, from the WorkMail console' },
        // WorkMail takes the ID in lower case only (its API's pattern is ^m-[0-9a-f]{32}$), as its console
        // shows it; the same hex in capitals (an ID retyped, or passed through a tool that upper-cases)
        // names the same organization, so it is taken, in lower case, for the calls and the role's ARN.
        schema: z
          .string()
          .regex(/^m-[0-9a-f]{32}$/i, 'must be a WorkMail organization ID: m- followed by 32 hex digits')
          .transform((id) => id.toLowerCase())
          .optional(),
        context: 'workmailOrganizationId',
        example: 'm-0123456789abcdef0123456789abcdef',
        doc: { meaning: '`m-` + 32 hex digits (in capitals too: taken in lower case, as WorkMail takes it). Unset: `/reset-password` answers "not enabled here".' },
      },
      ...PASSWORD_SETTINGS,
    },
    read: (values) =>
      typeof values.WORKMAIL_ORGANIZATION_ID === 'string'
        ? {
            organizationId: values.WORKMAIL_ORGANIZATION_ID,
            password: passwordPolicyOf(values),
          }
        : undefined,
  },
  load: workMailDirectory,
  // WorkMail was never offered elsewhere, and takes no new region before its end of support.
  awsRegions: WORKMAIL_REGIONS,
  // ResetPassword, and once more with a fresh password when WorkMail's policy refuses the first.
  changeTime: (aws) => ({ secretMs: 2 * awsCallMs(aws) }),
  check: async (settings, context) => (await workMailDirectory(settings, context)).check(WORKMAIL_REGIONS),
  grants: (settings) => [
    {
      sid: 'WorkMailUsers',
      actions: ['workmail:ListUsers', 'workmail:ResetPassword'],
      resources: [{ service: 'workmail', resource: 'organization', resourceName: settings.organizationId }],
    },
  ],
  standIn: () => import('./stand-in'),
};
