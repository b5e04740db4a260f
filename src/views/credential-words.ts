import type { CredentialKind, DirectoryName } from '../flows/ports';

/** How each credential and directory is named to a person, in one place. */
export interface CredentialWords {
  readonly command: string;
  readonly title: string;
  readonly what: string;
  readonly short: string;
  readonly button: string;
}

export const CREDENTIAL_WORDS: Record<CredentialKind, CredentialWords> = {
  pin: {
    command: '/reset-pin',
    title: 'Reset meeting PIN',
    what: 'Amazon Chime personal meeting PIN',
    short: 'PIN',
    button: 'Reset PIN',
  },
  password: {
    command: '/reset-password',
    title: 'Reset mail password',
    what: 'Amazon WorkMail password',
    short: 'password',
    button: 'Reset password',
  },
};

export const DIRECTORY_NAMES: Record<DirectoryName, string> = {
  chime: 'Amazon Chime',
  workmail: 'Amazon WorkMail',
};
