import * as path from 'node:path';
import { CONFIG_VARIABLES, secretVariables } from '../../src/config';
import { closestName } from '../../src/setting-names';
import type { DuplicateKey } from '../../src/env-file';
import { readDotEnv, whatToDo, whyUnreadable } from '../../src/env-file';
import { NOT_CONTEXT_KEYS, REPO_ROOT, SettingsError, VARIABLE_OF_CONTEXT, type ContextKey } from './settings';

/**
 * The .env `npm run manifest`, `npm run doctor` and `npm start` read (npm runs them from the
 * repository root), so that one file describes both the Slack app and the stack: `cdk` runs in
 * infra/, and would otherwise look for none.
 */
export const DOT_ENV_PATH = path.join(REPO_ROOT, '.env');

/** What `cdk synth`/`cdk deploy` take from .env, and what they leave there. */
export interface DotEnvContext {
  readonly file: string;
  /** Context key → value, for each setting .env gives that the context does not. */
  readonly context: Readonly<Record<ContextKey, string>>;
  /** The settings taken, by variable name: the values are no secrets, and are said. */
  readonly taken: readonly { readonly key: ContextKey; readonly variable: string; readonly value: string }[];
  /**
   * Settings .env gives that the shell sets too, to another value: the shell's is taken (unset when
   * empty there), as `npm run manifest` and `npm start` take it. Values said: these are no secrets.
   */
  readonly fromShell: readonly { readonly key: ContextKey; readonly variable: string; readonly value: string; readonly inDotEnv: string }[];
  /** Settings .env gives that a context key also gives, which wins. */
  readonly overridden: readonly { readonly key: ContextKey; readonly variable: string }[];
  /** Secrets .env holds: never taken (the stack reads them from Secrets Manager). Names only. */
  readonly secrets: readonly string[];
  /** Everything else .env sets: the server's own (PORT), or nothing the app reads. Names only. */
  readonly ignored: readonly string[];
  /** .env's AWS_REGION, when set: not the stack's region, but the one npm start and the doctor call AWS in (WorkMail's organization's). */
  readonly region?: string;
  /** The app's settings read from .env (taken, or left empty there): a problem with one names its variable, as in the file. */
  readonly variables: readonly string[];
  /** For the app's own hints, about those variables only: a value a '#' cut, one set twice. */
  readonly cutInDotEnv: readonly string[];
  readonly duplicatesInDotEnv: readonly DuplicateKey[];
  /**
   * Names .env sets that are no setting but a letter or two off one (OKTA_ORG_ULR), with the one
   * likely meant, and the value when that one is no secret: the rest of the settings are checked as
   * if it were renamed, so that what follows from its absence alone is not said as more problems.
   */
  readonly misspelled: readonly { readonly name: string; readonly suggestion: string; readonly value?: string }[];
}

const CONTEXT_OF_VARIABLE: Readonly<Record<string, ContextKey>> = Object.fromEntries(Object.entries(VARIABLE_OF_CONTEXT).map(([key, variable]) => [variable, key]));

/**
 * Reads `file` (undefined when there is none) for the settings the context (`given`: -c keys and
 * cdk.json's block) leaves out: a context key wins, even an empty one, which leaves the setting
 * unset. Only variables with a context key are taken, and never a secret, whatever the file holds:
 * a secret in the synth would be in the template, cdk.out and the function's environment.
 *
 * A variable `shell` (the CLI: process.env) sets too wins over the file's, as for `npm run
 * manifest`, `npm run doctor` and `npm start` (loadDotEnv never overwrites one): else
 * `SLACK_TEAM_ID=T… npm run manifest` then `npm run deploy` would make the Slack app and the stack
 * from two values, with nothing to tell which.
 */
export function contextFromDotEnv(file: string, given: (key: ContextKey) => unknown, shell: Readonly<Record<string, string | undefined>> = {}): DotEnvContext | undefined {
  const read = readable(file);
  if (!read) return undefined;
  const secret = new Set(secretVariables());
  const context: Record<ContextKey, string> = {};
  const taken: { key: ContextKey; variable: string; value: string }[] = [];
  const overridden: { key: ContextKey; variable: string }[] = [];
  const fromShell: { key: ContextKey; variable: string; value: string; inDotEnv: string }[] = [];
  const secrets: string[] = [];
  const ignored: string[] = [];
  const variables: string[] = [];
  for (const [variable, raw] of Object.entries(read.values)) {
    const key = CONTEXT_OF_VARIABLE[variable];
    if (secret.has(variable)) secrets.push(variable);
    else if (key === undefined) ignored.push(variable);
    else if (given(key) !== undefined) overridden.push({ key, variable });
    else {
      variables.push(variable);
      const inShell = shell[variable];
      const shellWins = inShell !== undefined && inShell !== raw;
      if (shellWins) fromShell.push({ key, variable, value: inShell, inDotEnv: raw ?? '' });
      const value = shellWins ? inShell : raw;
      // `GOOGLE_API_URL=`, as .env files copied from an example leave: not set here, as for the app.
      if (value === undefined || value.trim() === '') continue;
      context[key] = value;
      if (!shellWins) taken.push({ key, variable, value });
    }
  }
  // The app's hints are about the file's values it took: not one the shell's replaced.
  const shells = new Set(fromShell.map(({ variable }) => variable));
  const fromFile = new Set(variables.filter((v) => !shells.has(v)));
  // Each a slip the app would name at start ("did you mean"); here it is the stack's to name, or the
  // setting is left out of it without a word (a stack without Okta, for OKTA_ORG_ULR).
  const known = [...CONFIG_VARIABLES, ...secretVariables()];
  const misspelled = ignored.flatMap((name) => {
    const suggestion = closestName(name, known);
    if (suggestion === undefined) return [];
    const value = read.values[name];
    // A secret's value is never taken, under any name (see above).
    return [secret.has(suggestion) || value === undefined ? { name, suggestion } : { name, suggestion, value }];
  });
  return {
    file,
    context,
    misspelled,
    taken,
    fromShell,
    overridden,
    secrets,
    ignored,
    variables,
    ...(read.values.AWS_REGION?.trim() && { region: read.values.AWS_REGION.trim() }),
    cutInDotEnv: read.cutAtHash.filter((v) => fromFile.has(v)),
    duplicatesInDotEnv: read.duplicates.filter((d) => fromFile.has(d.name)),
  };
}

/** What the synth says on standard error of what it took from .env: values of the settings taken, names of the rest. */
export function describeDotEnv(read: DotEnvContext, regionChecked?: string): string[] {
  const lines = [`Settings from ${read.file} (a -c key, or cdk.json's context, wins over it):`];
  if (read.taken.length === 0 && read.fromShell.length === 0) lines.push('  none: it gives no setting of the stack that the context leaves out');
  for (const { key, variable, value } of read.taken) lines.push(`  ${key}=${value} (${variable})`);
  for (const { key, variable, value, inDotEnv } of read.fromShell) {
    const taken = value.trim() === '' ? `${key} unset (${variable} is empty in your shell` : `${key}=${value} (${variable} from your shell`;
    lines.push(`  ${taken}, not .env's ${JSON.stringify(inDotEnv)}: the shell's wins, as for npm run manifest and npm start; give -c ${key}=… to choose)`);
  }
  if (read.overridden.length > 0) lines.push(`  Given with -c, so not read from .env: ${read.overridden.map(({ key, variable }) => `${key} (${variable})`).join(', ')}`);
  if (read.secrets.length > 0) {
    lines.push(`  Secrets, not read from .env: ${read.secrets.join(', ')}. The stack reads them from Secrets Manager (docs/deploy.md, step 4).`);
  }
  // The app's own with why (PORT is the server's), so that one meant for the function is not taken for a slip.
  const apps = read.ignored.filter((v) => NOT_CONTEXT_KEYS[v] !== undefined);
  // With a directory called in the function's own region set up (`regionChecked`), .env's AWS_REGION is used: the deploy's region is checked against it.
  const checked = regionChecked !== undefined && read.ignored.includes('AWS_REGION');
  const others = read.ignored.filter((v) => NOT_CONTEXT_KEYS[v] === undefined && !(checked && v === 'AWS_REGION'));
  if (checked) lines.push(`  AWS_REGION: not the stack's region; checked against it, as ${regionChecked}'s organization is there.`);
  if (apps.length > 0) lines.push(`  The app's settings the stack does not take, so not used: ${apps.map((v) => `${v} (${NOT_CONTEXT_KEYS[v]})`).join('; ')}.`);
  if (others.length > 0) {
    // npm start and the doctor take AWS_PROFILE from .env (the SDK reads it from their environment);
    // cdk does not, so without this the stack could go to another account than the one checked.
    const profile = others.includes('AWS_PROFILE')
      ? ' The AWS account is the one of the profile your shell or --profile names, not .env\'s AWS_PROFILE, which npm start and npm run doctor use: give it to the deploy too (AWS_PROFILE=… npm run deploy, or --profile).'
      : '';
    const region = (others.includes('AWS_REGION') ? ' The region is the one of your AWS profile or shell (AWS_REGION, --profile), not .env\'s.' : '') + profile;
    const meant = new Map(read.misspelled.map(({ name, suggestion }) => [name, suggestion]));
    const named = others.map((v) => (meant.has(v) ? `${v} (did you mean ${meant.get(v)}?)` : v));
    lines.push(`  Not settings of the stack, so not used: ${named.join(', ')}.${region}`);
  }
  return lines;
}

/** readDotEnv, with a file that is there but cannot be read (its mode, a directory) said as a problem naming it. */
function readable(file: string): ReturnType<typeof readDotEnv> {
  try {
    return readDotEnv(file);
  } catch (err) {
    throw new SettingsError([
      `${file}: ${whyUnreadable(err)}. The synth reads the app's settings from it: ${whatToDo(err, 'with -c keys alone')}.`,
    ]);
  }
}
