import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync, writeSync, type Stats } from 'node:fs';
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
 * `sayWaiting`: where a named pipe's writer that is slow to write is said (standard error).
 */
export function loadDotEnv(path = '.env', sayWaiting: (line: string) => void = onStderr, pipeWait: PipeWait = DOT_ENV_PIPE_WAIT): DotEnvRead {
  const before = new Set(Object.keys(process.env));
  let text: string | undefined;
  try {
    text = dotEnvText(path, sayWaiting, pipeWait);
  } catch (err) {
    throw new DotEnvUnreadable(resolve(path), whyUnreadable(err), whatToDo(err, 'in the environment alone'));
  }
  if (text === undefined) return { cutAtHash: [], duplicates: [] };
  // node's own parser (process.loadEnvFile's) on the text read once, here: loadEnvFile would open
  // the file a second time, and a pipe gives its settings once.
  for (const [name, value] of Object.entries(parseEnv(text))) if (!before.has(name)) process.env[name] = value;
  return {
    cutAtHash: valuesCutAtHash(text).filter((name) => !before.has(name)),
    duplicates: duplicateKeys(text).filter(({ name }) => !before.has(name)),
  };
}

/** More than any .env of settings holds (a few KB, a key or two in PEM included): a bigger one is some other file, not read into memory. */
export const DOT_ENV_MAX_BYTES = 1024 * 1024;

/**
 * A .env that is there but is no file of settings: a directory, a socket, a device (a link to
 * /dev/zero or /dev/stdin), a file bigger than settings take, or a named pipe nothing wrote to in
 * time. Refused before its text is read (/dev/zero's never ends), a pipe once it was waited for.
 */
export class NotASettingsFile extends Error {
  constructor(
    /** What it is, as whyUnreadable says it: 'a named pipe (FIFO)', …; undefined when it is a file, too big. */
    readonly kind: string | undefined,
    /** Where a link named .env leads, when it is one. */
    readonly linkTo: string | undefined,
    /** Its size, when it is a file too big and its size says so. */
    readonly size?: number,
    /** A named pipe nothing wrote to: how long it was waited for. */
    readonly silentForMs?: number,
  ) {
    super(kind ?? 'too big');
    this.name = 'NotASettingsFile';
  }
}

/** What a file that is not a regular one is, in words; undefined for a regular file. */
function kindOf(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'an unknown kind of file';
}

/**
 * How long a .env that is a named pipe is waited for. A tool that keeps settings out of files
 * (1Password Environments mounts .env as a pipe) writes them when the pipe is opened; one that is
 * not running, or locked, writes nothing, and a plain read would wait forever.
 */
export const DOT_ENV_PIPE_WAIT_MS = 5_000;

/**
 * How long a .env that is a named pipe may stay silent before the wait is said: a tool that is
 * running and unlocked writes well within it, and without a word the command seems to hang.
 */
export const DOT_ENV_PIPE_QUIET_MS = 1_000;

/**
 * How long a named pipe is waited for in all (`waitMs`), and how long it may stay silent before the
 * wait is said (`quietMs`). Only tests give others: a writer they start must land on its side of
 * the quiet mark however late a loaded machine starts it.
 */
export interface PipeWait {
  readonly waitMs: number;
  readonly quietMs: number;
}
const DOT_ENV_PIPE_WAIT: PipeWait = { waitMs: DOT_ENV_PIPE_WAIT_MS, quietMs: DOT_ENV_PIPE_QUIET_MS };

/**
 * A line on standard error, written at once: the read blocks the thread, so a line queued on
 * process.stderr (a pipe, on macOS) would only appear once the wait is over. Never on standard
 * output, where manifest and audit write what is piped on. A line that cannot be written is let go.
 */
function onStderr(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // Only the notice is lost: the read goes on, and its outcome is said as ever.
  }
}

/**
 * The text of the .env at `path`, undefined when there is none (nor a link that leads to one). A
 * regular file (or a link to one) is read, and a named pipe for as long as what serves it writes,
 * up to `pipeWait`; anything else, or more than DOT_ENV_MAX_BYTES, is refused (NotASettingsFile),
 * a device before it is opened. Looked at twice: by its path first, so that a device is never
 * opened, then once open (without waiting, as a pipe's open would), so that what was swapped in
 * between is refused too.
 */
function dotEnvText(path: string, sayWaiting: (line: string) => void, pipeWait: PipeWait): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    if (NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
  const refuse = (found: Stats): NotASettingsFile => new NotASettingsFile(kindOf(found), linkTarget(path), found.size > DOT_ENV_MAX_BYTES ? found.size : undefined);
  const pipe = stats.isFIFO();
  if (!(stats.isFile() || pipe) || stats.size > DOT_ENV_MAX_BYTES) throw refuse(stats);
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = fstatSync(fd);
    if (!(pipe ? opened.isFIFO() : opened.isFile())) throw refuse(opened);
    return pipe ? pipeText(fd, path, opened, pipeWait, sayWaiting) : fileText(fd, opened, refuse);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text, to its end whatever its size said (a file in /proc says 0), never past the bound. */
function fileText(fd: number, opened: Stats, refuse: (found: Stats) => NotASettingsFile): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    const read = readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    total += read;
    if (total > DOT_ENV_MAX_BYTES) throw refuse(opened);
    chunks.push(chunk.subarray(0, read));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A named pipe's text, opened without waiting: until its writer has written and closed it, or
 * `waitMs` passed with nothing written. Before anything is read, an end (no writer) may only mean
 * the writer has not opened it yet, so it is read again; once something was, it is the end. The
 * settings are read once, at start, so the thread sleeps between tries. Still nothing after
 * `quietMs` is said once (`sayWaiting`), for whoever is waiting at the terminal.
 */
function pipeText(fd: number, path: string, opened: Stats, { waitMs, quietMs }: PipeWait, sayWaiting: (line: string) => void): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const began = Date.now();
  const until = began + waitMs;
  let said = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      read = -1; // A writer, nothing written yet.
    }
    if (read > 0) {
      total += read;
      if (total > DOT_ENV_MAX_BYTES) throw new NotASettingsFile(undefined, linkTarget(path), total);
      chunks.push(chunk.subarray(0, read));
    }
    if (read === 0 && total > 0) break;
    if (read <= 0) {
      if (Date.now() >= until) {
        if (total > 0) break;
        throw new NotASettingsFile(kindOf(opened), linkTarget(path), undefined, waitMs);
      }
      if (!said && total === 0 && Date.now() - began >= quietMs) {
        said = true;
        sayWaiting(
          `Nothing written to ${resolve(path)} yet: waiting up to ${waitMs / 1000} s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.`,
        );
      }
      Atomics.wait(pause, 0, 0, 20);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** No .env: none, or a link to nothing (as before, when existsSync said so). */
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR']);

/** Where .env leads when it is a link (as it was made, one step), for what is refused to say what it really is. */
function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A .env that is there but cannot be read (a directory, a pipe, a device, its mode, its size): a problem its reader can fix,
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

/** Why a .env that is there could not be read, from the error reading it: its code (fs errors name the path and call, never the file's text), or what it is. */
export function whyUnreadable(err: unknown): string {
  if (err instanceof NotASettingsFile) {
    const link = err.linkTo === undefined ? '' : `is a link to ${err.linkTo}, which `;
    const size = err.size === undefined ? '' : ` (${err.size} bytes)`;
    if (err.kind === undefined) return `${link}is over ${DOT_ENV_MAX_BYTES / (1024 * 1024)} MB${size}, more than a file of settings holds: a .env is a few KB`;
    if (err.kind === 'a directory' && link === '') return 'is a directory, not a file';
    if (err.silentForMs !== undefined) return `${link}is ${err.kind} that nothing wrote settings to within ${err.silentForMs / 1000} s`;
    return `${link}is ${err.kind}, not a file${WHY_NOT[err.kind] ?? ''}`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'is a directory, not a file';
  return PERMISSION.has(code ?? '') ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (err as Error).message})`;
}

/** What reading it would do, for what is not plain that it should not be read. */
const WHY_NOT: Readonly<Record<string, string>> = {
  'a character device': ' (reading a terminal or /dev/zero never ends)',
};

const PERMISSION = new Set(['EACCES', 'EPERM']);

/**
 * What to do about a .env that is there but could not be read, each case its own advice (a
 * directory is no file chmod makes readable); `alone`: where the settings are given without it.
 */
export function whatToDo(err: unknown, alone: string): string {
  if (err instanceof NotASettingsFile) {
    if (err.kind === undefined) return `keep only the settings in it (NAME=value lines), or move it away to give the settings ${alone}`;
    if (err.kind === 'a directory') return `move ${err.linkTo === undefined ? 'the directory' : 'the link'} away, then give the settings in a .env file or ${alone}`;
    if (err.silentForMs !== undefined) {
      return `if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings ${alone}`;
    }
    return `make .env a regular file of NAME=value lines, or move it away to give the settings ${alone}`;
  }
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
export function readDotEnv(
  path: string,
  sayWaiting: (line: string) => void = onStderr,
  pipeWait: PipeWait = DOT_ENV_PIPE_WAIT,
): (DotEnvRead & { readonly values: Readonly<Record<string, string>> }) | undefined {
  const text = dotEnvText(path, sayWaiting, pipeWait);
  if (text === undefined) return undefined;
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
