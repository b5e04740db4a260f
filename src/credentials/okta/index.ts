import { z } from 'zod';
import { optional, secureUrl } from '../../config-fields';
import type { Credential } from '../credential';

export interface OktaSettings {
  /** The org's origin, e.g. https://acme.okta.com (no path, no trailing slash). */
  readonly orgUrl: string;
  readonly apiToken: string;
}

/** https://…, or http:// only on this machine (a stand-in in tests or the sandbox). */
const orgUrl = secureUrl('https://acme.okta.com')
  .refine((value) => ['/', ''].includes(new URL(value).pathname), 'must be the org URL alone, with no path (https://acme.okta.com)')
  .transform((value) => new URL(value).origin);

/**
 * Okta: the sign-in password (/reset-okta-password). The person gets a temporary password, chooses
 * a new one at their next sign-in, and is signed out everywhere else; a locked account is unlocked.
 */
export const okta: Credential<OktaSettings> = {
  id: 'okta_password',
  command: '/reset-okta-password',
  words: {
    title: 'Reset Okta password',
    what: 'Okta password',
    short: 'Okta password',
    button: 'Reset password',
    directory: 'Okta',
    account: 'Okta account',
    consequences:
      "Your *Okta password* will be replaced by a temporary one. You'll choose a new password when you next sign in, " +
      "and you'll be signed out of Okta everywhere else. If your account is locked, it will be unlocked.",
    secretTitle: 'Your temporary password',
    secretLead: 'Your temporary Okta password:',
    howToUse: 'Sign in to Okta with it; Okta will ask you to choose a new password. Your other Okta sessions have been signed out.',
    receipt: 'Okta password',
    homeButton: 'Reset my Okta password',
  },
  audit: { action: 'reset_okta_password', directory: 'okta' },
  settings: {
    variables: {
      OKTA_ORG_URL: {
        schema: optional(orgUrl),
        context: 'oktaOrgUrl',
        example: 'https://acme.okta.com',
        doc: { meaning: 'Your Okta org, e.g. `https://acme.okta.com`. Unset: `/reset-okta-password` answers "not enabled here".' },
      },
      OKTA_API_TOKEN: {
        schema: optional(z.string().min(20, 'looks too short for an Okta API token')),
        secret: { description: 'the Okta API token (Security, API, Tokens), sent as SSWS', placeholder: '00placeholder-okta-api-token-for-synth' },
        doc: { meaning: 'An Okta API token, sent as `Authorization: SSWS …`. On Lambda it lives in Secrets Manager.' },
      },
    },
    read: (values) =>
      typeof values.OKTA_ORG_URL === 'string' && typeof values.OKTA_API_TOKEN === 'string'
        ? { orgUrl: values.OKTA_ORG_URL, apiToken: values.OKTA_API_TOKEN }
        : undefined,
    problems: (values) => [
      ...(values.OKTA_ORG_URL && !values.OKTA_API_TOKEN ? [{ variable: 'OKTA_API_TOKEN', message: 'is required with OKTA_ORG_URL' }] : []),
      ...(values.OKTA_API_TOKEN && !values.OKTA_ORG_URL ? [{ variable: 'OKTA_ORG_URL', message: 'is required with OKTA_API_TOKEN' }] : []),
    ],
  },
  async load(settings, context) {
    const { OktaDirectory } = await import('./okta-directory');
    return new OktaDirectory(context.fetch, settings.orgUrl, settings.apiToken);
  },
  // Okta is reached over the internet with its own token: nothing to grant in AWS.
  grants: () => [],
  standIn: () => import('./stand-in'),
};
