import type { Credential } from '../credentials/credential';
import type { ResetWords } from '../views/words';

/** A credential's words with its command: what the views of one reset receive. */
export function resetWordsOf(credential: Credential): ResetWords {
  return { ...credential.words, command: credential.command };
}
