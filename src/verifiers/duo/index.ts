import { z } from 'zod';
import { tooShort } from '../../config-fields';
import { callCheck } from '../../credentials/call-check';
import type { VerifierPlugin } from '../verifier';

export interface DuoSettings {
  /** api-xxxxxxxx.duosecurity.com (or a stand-in's 127.0.0.1:port). */
  readonly hostname: string;
  readonly scheme: 'https' | 'http';
  readonly integrationKey: string;
  readonly secretKey: string;
}

const LOOPBACK = /^(127\.0\.0\.1|localhost):\d{1,5}$/;

/**
 * A user an admin put in bypass, let through with no phone asked: preauth's `allow` (in Duo's words,
 * a user configured to bypass secondary authentication) when the confirmation opens, or auth's
 * `allow` with status `bypass` once the push is asked for. Never proof (VERIFY_NO_FACTOR, told as no
 * Duo Mobile), but on record as itself: an admin's bypass, not a person who never set Duo Mobile up.
 */
export const DUO_BYPASS = 'bypass';

/**
 * A user Duo will not let sign in at this time: preauth's `deny` (in Duo's words, the user is not
 * permitted to authenticate at this time: locked out or disabled in Duo, or, under a "deny" new-user
 * policy, not known to it). No push is sent (VERIFY_USER_REFUSED, told to ask IT to check their Duo
 * account), never told to set up Duo Mobile, which they may have.
 */
export const DUO_DENIED = 'denied';

/**
 * Duo Push (VERIFY_WITH=duo), through Duo's Auth API v2 with an Auth API application's keys
 * (DUO_API_HOSTNAME, DUO_INTEGRATION_KEY, and the secret DUO_SECRET_KEY). The person's Duo
 * username is their email.
 */
export const duo: VerifierPlugin<DuoSettings> = {
  id: 'duo',
  words: { app: 'Duo Mobile', service: 'Duo', mistake: 'tapped Deny', reasons: {
      [DUO_BYPASS]: { label: 'in Duo bypass, allowed without a push' },
      [DUO_DENIED]: { label: 'user locked out or disabled in Duo' },
    },
  },
  audit: { verifier: 'duo' },
  // Duo's Auth API docs: a push not answered lapses after 60 seconds (auth_status then answers
  // deny/timeout). A longer wait would promise the person time Duo never gives.
  longestWaitSeconds: 60,
  settings: {
    variables: {
      DUO_API_HOSTNAME: {
        schema: z
          .string()
          .transform((v) => v.trim().toLowerCase())
          // Duo's Admin Panel shows the hostname alone, but a URL is what people paste: say so, not only what it must be.
          .superRefine((v, ctx) => {
            if (/^api-[a-z0-9]+\.duosecurity\.com$/.test(v) || LOOPBACK.test(v)) return;
            const message = /^[a-z][a-z0-9+.-]*:\/\//.test(v)
              ? 'is a URL: give the hostname alone, without https:// or a path, such as api-1a2b3c4d.duosecurity.com'
              : 'must be your Duo API hostname, such as api-1a2b3c4d.duosecurity.com';
            ctx.addIssue({ code: 'custom', message });
          })
          .optional(),
        context: 'duoApiHostname',
        envPlaceholder: { what: "your Duo Auth API application's API hostname", note: ', such as api-1a2b3c4d.duosecurity.com' },
        doc: { meaning: "Your Duo Auth API application's API hostname, e.g. `api-1a2b3c4d.duosecurity.com`; with `VERIFY_WITH=duo`." },
        example: 'api-1a2b3c4d.duosecurity.com',
      },
      DUO_INTEGRATION_KEY: {
        schema: z.string().regex(/^DI[A-Z0-9]{18}$/, 'must be a Duo integration key: DI and 18 more letters or digits').optional(),
        context: 'duoIntegrationKey',
        envPlaceholder: { what: "the Auth API application's integration key", note: ', DI and 18 more letters or digits' },
        doc: { meaning: "The Auth API application's integration key (`DI…`); required with `DUO_API_HOSTNAME`." },
        example: 'DIWJ8X6AEYOR5OMC6TQ1',
      },
      DUO_SECRET_KEY: {
        schema: z
          .string()
          .min(40, tooShort({ what: 'a Duo secret key', looks: '40 characters', get: 'copy the Secret key whole from the Duo Admin Panel → Applications → your Auth API application' }))
          .optional(),
        secret: { description: 'the Duo Auth API secret key, which signs every request', placeholder: 'placeholder-duo-secret-key-0123456789abcdef' },
        envPlaceholder: { what: "the Auth API application's secret key", note: ' (40 characters; it signs each request and is never sent)' },
        doc: { meaning: "The Auth API application's secret key, which signs each request (never sent). On Lambda it lives in Secrets Manager." },
      },
    },
    read: (values) =>
      typeof values.DUO_API_HOSTNAME === 'string' && typeof values.DUO_INTEGRATION_KEY === 'string' && typeof values.DUO_SECRET_KEY === 'string'
        ? {
            hostname: values.DUO_API_HOSTNAME,
            scheme: LOOPBACK.test(values.DUO_API_HOSTNAME) ? 'http' : 'https',
            integrationKey: values.DUO_INTEGRATION_KEY,
            secretKey: values.DUO_SECRET_KEY,
          }
        : undefined,
    problems: (values) =>
      values.VERIFY_WITH !== 'duo'
        ? []
        : (['DUO_API_HOSTNAME', 'DUO_INTEGRATION_KEY', 'DUO_SECRET_KEY'] as const)
            .filter((name) => !values[name])
            .map((variable) => ({ variable, message: 'is required with VERIFY_WITH=duo' })),
  },
  async load(settings, context) {
    const { DuoAuth } = await import('./duo-auth');
    return new DuoAuth(context.fetch, settings, undefined, context.longPollMs);
  },
  /** The keys and the request signature, as Duo's /auth/v2/check proves them; nobody is pushed. */
  // Worded as every directory's check is (callCheck): a host that cannot be reached is the hostname or the network, not the keys.
  async check(settings, context) {
    const { DuoAuth } = await import('./duo-auth');
    return callCheck('Duo Auth API', () => new DuoAuth(context.fetch, settings).checkKeys(), {
      proves: `${settings.hostname} accepts the integration key and the signed requests`,
      fix: "check DUO_INTEGRATION_KEY and DUO_SECRET_KEY (the Auth API application's), and this machine's clock",
      otherwise: 'check DUO_API_HOSTNAME and the network path to Duo',
      address: 'DUO_API_HOSTNAME',
    });
  },
  standIn: () => import('./stand-in'),
};
