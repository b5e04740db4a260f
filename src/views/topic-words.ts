import type { CredentialKind, DirectoryName } from '../flows/ports';

/** What a request is about: a credential to reset, or a license to change. */
export type Topic = CredentialKind | 'license';

/** How each topic and directory is named to a person, in one place. */
export interface TopicWords {
  readonly command: string;
  readonly title: string;
  readonly what: string;
  readonly short: string;
  readonly button: string;
}

export const TOPIC_WORDS: Record<Topic, TopicWords> = {
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
  license: {
    command: '/request-license',
    title: 'Request a license',
    what: 'Amazon Chime license',
    short: 'license',
    button: 'Send request',
  },
};

export const DIRECTORY_NAMES: Record<DirectoryName, string> = {
  chime: 'Amazon Chime',
  workmail: 'Amazon WorkMail',
};
