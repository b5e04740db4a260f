import { checkOkta, OKTA_SETTINGS, type OktaSettings } from '../../credentials/okta-api';
import type { VerifierPlugin } from '../verifier';

/**
 * Okta Verify (VERIFY_WITH=okta): a push with number matching to the person's Okta Verify app,
 * through the Factors API of the Okta org in OKTA_ORG_URL, with OKTA_API_TOKEN. It proves any
 * credential, not only Okta's: the person's Okta user is found by the same exact email match.
 * The token's admin must be allowed to read users and their factors and to verify a factor.
 */
export const oktaVerify: VerifierPlugin<OktaSettings> = {
  id: 'okta',
  words: { app: 'Okta Verify', service: 'Okta', mistake: 'rejected it or picked the wrong number' },
  audit: { verifier: 'okta_verify' },
  // Okta's MFA reset (src/credentials/okta): the person enrols Okta Verify again on their new phone.
  resetBy: 'okta_mfa',
  settings: {
    // The Okta org and token, declared once for every Okta plug-in (src/credentials/okta-api.ts): the same Setting objects as the Okta credentials'.
    variables: OKTA_SETTINGS.variables,
    read: OKTA_SETTINGS.read,
    problems: (values) =>
      values.OKTA_ORG_URL && values.OKTA_API_TOKEN ? [] : [{ variable: 'VERIFY_WITH', message: 'okta needs OKTA_ORG_URL and OKTA_API_TOKEN: the Okta org whose Okta Verify pushes are sent' }],
  },
  async load(settings, context) {
    const { OktaVerify } = await import('./okta-verify');
    return new OktaVerify(context.fetch, settings.orgUrl, settings.apiToken);
  },
  // The same token as Okta's credentials, checked the same way (src/credentials/okta-api.ts): that it works, and that its owner holds an admin role.
  check: checkOkta,
  // The Okta org's stand-in, which speaks the Factors API as well as the Users API.
  standIn: () => import('../../credentials/okta-stand-in'),
};
