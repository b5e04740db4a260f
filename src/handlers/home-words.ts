import { CREDENTIALS } from '../credentials';
import { LICENSE_ACTIONS } from '../flows/license-request';
import type { HomeWords } from '../views/home-tab';
import type { LicenseVocabulary } from '../views/words';
import { resetWordsOf } from './reset-words';

/** The Home tab's words, from the registry: each credential's button and name, and the license steps'. */
export function homeWords(vocabulary: LicenseVocabulary): HomeWords {
  const licenseNames: Record<(typeof LICENSE_ACTIONS)[number], string> = {
    license_request: 'License request',
    license_decide: 'License decision',
    license_apply: 'License change',
  };
  return {
    credentials: Object.fromEntries(CREDENTIALS.map((c) => [c.id, { button: c.words.homeButton, words: resetWordsOf(c) }])),
    actions: {
      ...Object.fromEntries(CREDENTIALS.map((c) => [c.audit.action, { name: c.words.title, words: resetWordsOf(c) }])),
      ...Object.fromEntries(LICENSE_ACTIONS.map((a) => [a, { name: licenseNames[a], words: vocabulary.words }])),
    },
    license: { button: 'Request a license change', vocabulary },
  };
}
