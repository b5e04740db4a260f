/** Amazon Chime's license types, each in one line a requester can choose by without a price sheet. */
export const CHIME_LICENSES = [
  { id: 'Basic', description: 'Join meetings and chat; cannot host' },
  { id: 'Plus', description: 'Basic, plus sharing your screen' },
  { id: 'Pro', description: 'Host meetings, with recording and dial-in' },
  { id: 'ProTrial', description: 'Pro features for a limited trial period' },
] as const;
