import { z } from 'zod';
import { awsCallMs, type AdapterContext, type Credential } from '../credential';
import type { ChimeDirectory } from './chime-directory';
import { CHIME_LICENSES } from './licenses';

interface ChimeSettings {
  readonly accountId: string;
}

/**
 * Amazon Chime: the personal meeting PIN (/reset-pin), and its licenses (/request-license).
 * Chime's end of support was 2026-02-20; it stays for the accounts that still run it.
 */
const ANY_RESOURCE =
  'Amazon Chime (legacy account API) defines no resource types for ListUsers, ResetPersonalPIN, GetUser or ' +
  'UpdateUser: the Service Authorization Reference requires Resource "*". The actions are listed one by one; ' +
  'the Chime account is fixed by CHIME_ACCOUNT_ID in the app.';

// One client and adapter for the PIN and the licenses: both calls go to the same account.
const adapters = new WeakMap<ChimeSettings, Promise<ChimeDirectory>>();
function adapterFor(settings: ChimeSettings, context: AdapterContext): Promise<ChimeDirectory> {
  let adapter = adapters.get(settings);
  if (!adapter) {
    adapter = Promise.all([import('@aws-sdk/client-chime'), import('./chime-directory')]).then(
      // The legacy Chime API is served and signed in us-east-1, whatever AWS_REGION says. The PIN
      // reset and the license change go through a client of their own, which never sends a change twice.
      ([{ ChimeClient }, { ChimeDirectory }]) =>
        new ChimeDirectory(
          new ChimeClient({ ...context.aws, region: 'us-east-1' }),
          new ChimeClient({ ...context.awsChanges, region: 'us-east-1' }),
          settings.accountId,
        ),
    );
    adapters.set(settings, adapter);
  }
  return adapter;
}

export const chime: Credential<ChimeSettings> = {
  id: 'pin',
  command: '/reset-pin',
  supportEnds: '2026-02-20',
  words: {
    title: 'Reset meeting PIN',
    what: 'Amazon Chime personal meeting PIN',
    short: 'PIN',
    request: 'meeting PIN reset',
    button: 'Reset PIN',
    directory: 'Amazon Chime',
    account: 'Amazon Chime account',
    consequences: 'Your *Amazon Chime personal meeting PIN* will be replaced; the old one stops working.',
    secretTitle: 'Your new PIN',
    secretLead: 'Your new Amazon Chime personal meeting PIN:',
    howToUse: 'Use it to start or join your personal Amazon Chime meetings.',
    receipt: 'Amazon Chime meeting PIN',
    newSecret: 'new PIN',
    homeButton: 'Reset my meeting PIN',
    commandDescription: 'Reset your Amazon Chime personal meeting PIN (the old one stops working)',
  },
  audit: { action: 'reset_pin', directory: 'chime' },
  settings: {
    variables: {
      CHIME_ACCOUNT_ID: {
        envPlaceholder: { what: 'your Amazon Chime account ID', note: ", such as a1b2c3d4-5678-90ab-cdef-111122223333, from the Chime console's Account page" },
        // The form alone (8-4-4-4-12 hex), as the Chime API asks no more: a strict RFC 4122 check also
        // refused IDs of the right form for their version and variant digits, which said nothing a person could see.
        schema: z
          .string()
          // The AWS account's 12 digits are what an AWS admin knows by heart, and what a console shows first.
          .refine((v) => !/^\d{12}$/.test(v.replaceAll('-', '')), "is an AWS account ID (12 digits), not the Amazon Chime account's: copy the Chime account ID, 32 hex digits in groups of 8-4-4-4-12, from the Chime console's Account page")
          .pipe(z.guid({ message: "must be a Chime account ID: 32 hex digits in groups of 8-4-4-4-12, such as a1b2c3d4-5678-90ab-cdef-111122223333, from the Chime console's Account page" }))
          .optional(),
        context: 'chimeAccountId',
        example: '5f2c1d2e-8a7b-4c3d-9e8f-0a1b2c3d4e5f',
        doc: { meaning: 'Chime account ID (8-4-4-4-12 hex digits). Unset: `/reset-pin` answers "not enabled here", and license requests are off.' },
      },
    },
    read: (values) => (typeof values.CHIME_ACCOUNT_ID === 'string' ? { accountId: values.CHIME_ACCOUNT_ID.toLowerCase() } : undefined),
  },
  load: adapterFor,
  // One call: ResetPersonalPIN answers with the new PIN.
  changeTime: (aws) => ({ secretMs: awsCallMs(aws) }),
  check: async (settings, context) => (await adapterFor(settings, context)).check(),
  grants: () => [{ sid: 'ChimeUsers', actions: ['chime:ListUsers', 'chime:ResetPersonalPIN'], resources: ['*'], whyAnyResource: ANY_RESOURCE }],
  licenses: {
    words: {
      title: 'Request a license',
      what: 'Amazon Chime license',
      short: 'license',
      request: 'license change',
      button: 'Send request',
      directory: 'Amazon Chime',
      account: 'Amazon Chime account',
      // A license request changes a license: the shared refusals never call it a reset.
      change: { verb: 'change', doing: 'changing', plural: 'changes', done: 'changed' },
      limitReached: 'You have sent as many license change requests as Latchkey allows in a day.',
    },
    kinds: CHIME_LICENSES,
    auditDirectory: 'chime',
    load: adapterFor,
    // GetUser and UpdateUser serve license requests only; UpdateUser changes what the company pays for.
    grants: () => [{ sid: 'ChimeLicenses', actions: ['chime:GetUser', 'chime:UpdateUser'], resources: ['*'], whyAnyResource: ANY_RESOURCE }],
  },
  standIn: () => import('./stand-in'),
};
