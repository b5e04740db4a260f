import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** What loadDotEnv read, for loadConfig to tell: the variables whose value in .env was cut short, or given twice. */
export interface DotEnvRead {
  /**
   * Variables taken from .env whose unquoted value holds a '#' that starts no comment anyone
   * meant (`PASSWORD_SYMBOLS=!#$%`, `APPROVALS_CHANNEL_ID=#it-approvals`): node's parser reads the
   * rest of the line as a comment, so the value is cut there without a word.
   */
  readonly cutAtHash: readonly string[];
  /**
   * Variables taken from .env that it sets more than once: node's parser keeps the last value
   * without a word, so an edit to the first line changes nothing.
   */
  readonly duplicates: readonly DuplicateKey[];
}

/** A variable .env sets more than once, and the lines (from 1) that set it, in order: the last is the one read. */
export interface DuplicateKey {
  readonly name: string;
  readonly lines: readonly number[];
}

/**
 * `.env` in the working directory, when there is one, for local runs: npm start, npm run doctor and
 * npm run audit read the same settings from it. A variable the environment already has wins, as
 * with node --env-file (process.loadEnvFile never overwrites one). One .env sets twice: the last wins.
 */
export function loadDotEnv(path = '.env'): DotEnvRead {
  if (!existsSync(path)) return { cutAtHash: [], duplicates: [] };
  const before = new Set(Object.keys(process.env));
  let text: string;
  try {
    // Read as text too, for what node's parser does not say: only the lines it took. First, so
    // that a directory is said as one (node's loader says only "Contents … should be a valid string").
    text = readFileSync(path, 'utf8');
    process.loadEnvFile(path);
  } catch (err) {
    throw new DotEnvUnreadable(resolve(path), whyUnreadable(err), whatToDo(err, 'in the environment alone'));
  }
  return {
    cutAtHash: valuesCutAtHash(text).filter((name) => !before.has(name)),
    duplicates: duplicateKeys(text).filter(({ name }) => !before.has(name)),
  };
}

/**
 * A .env that is there but cannot be read (a directory, its mode): a problem its reader can fix,
 * said in words without a stack trace. It names the file and why, never a line of it: .env holds secrets.
 */
export class DotEnvUnreadable extends Error {
  constructor(readonly file: string, readonly why: string, fix: string) {
    super(`${file} ${why}. Latchkey reads its settings from .env when it is there: ${fix}.`);
    this.name = 'DotEnvUnreadable';
  }
}

/**
 * loadDotEnv for an entry point (npm start, doctor, manifest): a .env it cannot read is said on
 * standard error in one line, as the configuration's problems are (`Latchkey cannot <what>: …`),
 * and undefined is returned for the caller to exit 2, as for bad configuration. Other errors are thrown.
 */
export function loadDotEnvSayingWhyNot(cannot: string, path = '.env'): DotEnvRead | undefined {
  try {
    return loadDotEnv(path);
  } catch (err) {
    if (!(err instanceof DotEnvUnreadable)) throw err;
    process.stderr.write(`Latchkey cannot ${cannot}: ${err.message}\n`);
    return undefined;
  }
}

/** Why a .env that is there could not be read, from the error reading it: its code (fs errors name the path and call, never the file's text). */
export function whyUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'is a directory, not a file';
  return PERMISSION.has(code ?? '') ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (err as Error).message})`;
}

const PERMISSION = new Set(['EACCES', 'EPERM']);

/**
 * What to do about a .env that is there but could not be read, each case its own advice (a
 * directory is no file chmod makes readable); `alone`: where the settings are given without it.
 */
export function whatToDo(err: unknown, alone: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return `move the directory away, then give the settings in a .env file or ${alone}`;
  const fix = PERMISSION.has(code ?? '') ? 'let the user running it read the file (chmod u+r)' : 'make it a file you can read';
  return `${fix}, or move it away to give the settings ${alone}`;
}

/**
 * A .env file's variables as node reads them (util.parseEnv is process.loadEnvFile's parser), with
 * what loadDotEnv tells of it, but set nowhere: `cdk synth` passes some of them on to the stack and
 * must not hold the secrets among them in its process.env, where any code it runs could read them.
 * Undefined when there is no file.
 */
export function readDotEnv(path: string): (DotEnvRead & { readonly values: Readonly<Record<string, string>> }) | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  return { values: parseEnv(text) as Record<string, string>, cutAtHash: valuesCutAtHash(text), duplicates: duplicateKeys(text) };
}

/** One `NAME=value` of a .env file: its line (from 1), and its value as written, unless quoted. */
interface Assignment {
  readonly name: string;
  readonly line: number;
  /** The text after `=`, when the value is not quoted. */
  readonly unquoted?: string;
}

/**
 * The file's assignments, line by line, as node's parser takes them: comments and blank lines
 * skipped, `export ` allowed, and a value quoted over several lines skipped to its closing quote
 * (a `NAME=` inside it is part of the value, not an assignment).
 */
function assignmentsOf(text: string): Assignment[] {
  const found: Assignment[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((row, index) => {
    if (openQuote !== undefined) {
      if (row.includes(openQuote)) openQuote = undefined;
      return;
    }
    const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(row);
    if (!assignment) return;
    const [, name, value] = assignment as unknown as [string, string, string];
    const quoted = value.trimStart();
    const first = quoted[0];
    if (first === '"' || first === "'" || first === '`') {
      if (!quoted.slice(1).includes(first)) openQuote = first;
      found.push({ name, line: index + 1 });
    } else found.push({ name, line: index + 1, unquoted: value });
  });
  return found;
}

/**
 * The names whose unquoted value a '#' cuts short: one right after `=`, or after any character
 * but a space or tab (`KEY=value # note` and `KEY= # note` are comments their writer meant, and
 * are not named). A quoted value is whole.
 */
export function valuesCutAtHash(text: string): string[] {
  return assignmentsOf(text).flatMap(({ name, unquoted }) => {
    const hash = unquoted?.indexOf('#') ?? -1;
    return hash === 0 || (hash > 0 && !/[ \t]/.test(unquoted![hash - 1]!)) ? [name] : [];
  });
}

/** The names the file sets more than once, each with every line that sets it, in the order they first appear. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const lines = new Map<string, number[]>();
  for (const { name, line } of assignmentsOf(text)) lines.set(name, [...(lines.get(name) ?? []), line]);
  return [...lines].filter(([, at]) => at.length > 1).map(([name, at]) => ({ name, lines: at }));
}
