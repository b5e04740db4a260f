import { z } from 'zod';
import { optional } from '../../config-fields';
import { describeError } from '../../flows/failure';
import { failed, passed } from '../../doctor/setup-check';
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
 * Duo Push (VERIFY_WITH=duo), through Duo's Auth API v2 with an Auth API application's keys
 * (DUO_API_HOSTNAME, DUO_INTEGRATION_KEY, and the secret DUO_SECRET_KEY). The person's Duo
 * username is their email.
 */
export const duo: VerifierPlugin<DuoSettings> = {
  id: 'duo',
  words: { app: 'Duo Mobile' },
  audit: { verifier: 'duo' },
  settings: {
    variables: {
      DUO_API_HOSTNAME: {
        schema: optional(
          z
            .string()
            .transform((v) => v.trim().toLowerCase())
            .refine((v) => /^api-[a-z0-9]+\.duosecurity\.com$/.test(v) || LOOPBACK.test(v), 'must be your Duo API hostname, such as api-1a2b3c4d.duosecurity.com'),
        ),
        context: 'duoApiHostname',
        envPlaceholder: "<your Duo Auth API application's API hostname, such as api-1a2b3c4d.duosecurity.com>",
        doc: { meaning: "Your Duo Auth API application's API hostname, e.g. `api-1a2b3c4d.duosecurity.com`; with `VERIFY_WITH=duo`." },
        example: 'api-1a2b3c4d.duosecurity.com',
      },
      DUO_INTEGRATION_KEY: {
        schema: optional(z.string().regex(/^DI[A-Z0-9]{18}$/, 'must be a Duo integration key: DI and 18 more letters or digits')),
        context: 'duoIntegrationKey',
        envPlaceholder: "<the Auth API application's integration key, DI and 18 more letters or digits>",
        doc: { meaning: "The Auth API application's integration key (`DI…`); required with `DUO_API_HOSTNAME`." },
        example: 'DIWJ8X6AEYOR5OMC6TQ1',
      },
      DUO_SECRET_KEY: {
        schema: optional(z.string().min(40, 'looks too short for a Duo secret key (40 characters)')),
        secret: { description: 'the Duo Auth API secret key, which signs every request', placeholder: 'placeholder-duo-secret-key-0123456789abcdef' },
        envPlaceholder: "<the Auth API application's secret key (40 characters; it signs each request and is never sent)>",
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
    return new DuoAuth(context.fetch, settings);
  },
  /** The keys and the request signature, as Duo's /auth/v2/check proves them; nobody is pushed. */
  async check(settings, context) {
    const { DuoAuth } = await import('./duo-auth');
    const name = 'Duo Auth API';
    try {
      await new DuoAuth(context.fetch, settings).checkKeys();
      return [passed(name, `${settings.hostname} accepts the integration key and the signed requests`)];
    } catch (err) {
      return [failed(name, `${settings.hostname} refused the check (${describeError(err)}): check DUO_API_HOSTNAME, DUO_INTEGRATION_KEY and DUO_SECRET_KEY`)];
    }
  },
  standIn: () => import('./stand-in'),
};
