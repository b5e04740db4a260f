import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../src/config';
import { DOT_ENV_MAX_BYTES, DOT_ENV_PIPE_QUIET_MS, DOT_ENV_PIPE_WAIT_MS, DotEnvUnreadable, duplicateKeys, loadDotEnv, readDotEnv, valuesCutAtHash, whatToDo, whyUnreadable } from '../../src/env-file';

/** A WorkMail deployment: its generated passwords read PASSWORD_SYMBOLS. */
const VALID = { SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aaabbb85a5', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_TEAM_ID: 'T0LATCHKEY', WORKMAIL_ORGANIZATION_ID: 'm-0123456789abcdef0123456789abcdef' };

/**
 * A '#' in an unquoted .env value starts a comment for node's parser (process.loadEnvFile), and
 * cuts the value there without a word: PASSWORD_SYMBOLS=!#$%*+-=?@^_, the README's documented
 * default, was read as '!' and refused as too short; APPROVALS_CHANNEL_ID=#it-approvals as unset.
 */
describe('.env values cut at #', () => {
  // Made once its tests run: a run that leaves them all out (jest -t) runs no afterAll here either.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-env-'));
  });
  const names = ['LK_TEST_SYMBOLS', 'LK_TEST_CHANNEL', 'LK_TEST_EXPORTED', 'LK_TEST_NOTE', 'LK_TEST_QUOTED', 'LK_TEST_SINGLE', 'LK_TEST_KEY', 'LK_TEST_AFTER', 'LK_TEST_ALREADY'];
  afterAll(() => {
    for (const name of names) delete process.env[name];
    rmSync(dir, { recursive: true, force: true });
  });

  it("loadDotEnv names each variable it took whose unquoted value a '#' cut; a comment after a space, a quoted value (over several lines too) and a variable the environment already had are not named", () => {
    const path = join(dir, '.env');
    writeFileSync(
      path,
      [
        '# a comment line',
        'LK_TEST_SYMBOLS=!#$%*+-=?@^_',
        'LK_TEST_CHANNEL=#it-approvals',
        'export LK_TEST_EXPORTED=a#b',
        'LK_TEST_NOTE=kept # a note its writer meant',
        'LK_TEST_QUOTED="!#$%*+-=?@^_"',
        "LK_TEST_SINGLE='#x'",
        'LK_TEST_KEY="{',
        'LK_TEST_INSIDE=#not-a-variable',
        '}"',
        'LK_TEST_AFTER=ok',
        'LK_TEST_ALREADY=#x',
      ].join('\n'),
    );
    process.env.LK_TEST_ALREADY = 'from the environment';
    expect(loadDotEnv(path)).toEqual({ cutAtHash: ['LK_TEST_SYMBOLS', 'LK_TEST_CHANNEL', 'LK_TEST_EXPORTED'], duplicates: [] });
    // What node's parser reads (jest's process.env is not the one process.loadEnvFile sets), as the names say.
    const read = parseEnv(readFileSync(path, 'utf8'));
    expect([read.LK_TEST_SYMBOLS, read.LK_TEST_CHANNEL, read.LK_TEST_NOTE, read.LK_TEST_QUOTED, read.LK_TEST_AFTER]).toEqual(['!', '', 'kept', '!#$%*+-=?@^_', 'ok']);
    expect(loadDotEnv(join(dir, 'none.env'))).toEqual({ cutAtHash: [], duplicates: [] });
    expect(valuesCutAtHash('A= # nothing here yet\nB=x\t#c\n')).toEqual([]);
  });

  it("a cut value is said where its problem is, with what to do (quote it); one that causes no problem is a warning; never the value itself", () => {
    const refused = loadConfig({ ...VALID, PASSWORD_SYMBOLS: '!' }, { cutInDotEnv: ['PASSWORD_SYMBOLS'] });
    expect(refused.ok ? [] : refused.problems).toEqual([
      expect.stringMatching(/^PASSWORD_SYMBOLS: .* \(the value of PASSWORD_SYMBOLS in \.env is cut at '#', which starts a comment there: quote it, PASSWORD_SYMBOLS="…"\)$/),
    ]);
    const unset = loadConfig({ ...VALID, APPROVALS_CHANNEL_ID: '' }, { cutInDotEnv: ['APPROVALS_CHANNEL_ID', 'SOME_OTHER_PROGRAMS'] });
    expect(unset.ok && unset.config.warnings).toEqual([
      {
        variable: 'APPROVALS_CHANNEL_ID',
        subject: 'cut at #',
        // Read as unset: the value began with '#', a channel's name (#it-approvals), which quoting would not mend.
        message:
          "APPROVALS_CHANNEL_ID: the value in .env starts with '#', which starts a comment there, so it is read as unset: a channel's name is not its ID: set the channel's ID, such as C0123ABCD (open the channel's details; it is at the bottom)",
      },
    ]);
    // A problem naming it says the same, not "quote it".
    const needed = loadConfig({ ...VALID, RESET_POLICY: 'approval', ADMIN_USER_IDS: 'UADA', APPROVALS_CHANNEL_ID: '' }, { cutInDotEnv: ['APPROVALS_CHANNEL_ID'] });
    const said = needed.ok ? '' : needed.problems.join('\n');
    expect(said).toMatch(/APPROVALS_CHANNEL_ID.*starts with '#'.*a channel's name is not its ID: set the channel's ID, such as C0123ABCD/);
    expect(said).not.toContain('APPROVALS_CHANNEL_ID="…"');
    // Along with every other problem, when there are some.
    const both = loadConfig({ ...VALID, SLACK_TEAM_ID: undefined, ENTRA_CLIENT_SECRET: 'abc' }, { cutInDotEnv: ['ENTRA_CLIENT_SECRET'] });
    const text = both.ok ? '' : both.problems.join('\n');
    expect(text).toContain('SLACK_TEAM_ID: is required');
    expect(text).toMatch(/ENTRA_CLIENT_SECRET.*cut at '#'/);
    expect(text).not.toContain("abc'");
  });
});

/**
 * A key .env sets twice is read with its last value (node's parser, process.loadEnvFile), without
 * a word: an admin who fixes the first line changes nothing. Said, by name and line numbers, never
 * by value (the values may be secrets).
 */
describe('.env keys set more than once', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-env-'));
  });
  const names = ['LK_DUP_TOKEN', 'LK_DUP_ONCE', 'LK_DUP_ALREADY', 'LK_DUP_THRICE', 'LK_DUP_KEY'];
  afterAll(() => {
    for (const name of names) delete process.env[name];
    rmSync(dir, { recursive: true, force: true });
  });

  it('loadDotEnv names each key it took that the file sets more than once, with every line that sets it; the last value is the one read, as node reads it; a NAME= inside a quoted value is not one', () => {
    const path = join(dir, '.env');
    const text = [
      'LK_DUP_TOKEN=first-secret-value', // 1
      '# LK_DUP_TOKEN=a-comment', // 2
      'LK_DUP_ONCE=x', // 3
      'LK_DUP_KEY="{', // 4
      'LK_DUP_TOKEN=inside-a-quoted-value', // 5
      '}"', // 6
      'export LK_DUP_TOKEN=second-secret-value', // 7
      'LK_DUP_ALREADY=a', // 8
      'LK_DUP_ALREADY=b', // 9
      'LK_DUP_THRICE=1', // 10
      'LK_DUP_THRICE=2', // 11
      'LK_DUP_THRICE=3', // 12
    ].join('\n');
    writeFileSync(path, text);
    process.env.LK_DUP_ALREADY = 'from the environment';
    expect(loadDotEnv(path)).toEqual({
      cutAtHash: [],
      duplicates: [
        { name: 'LK_DUP_TOKEN', lines: [1, 7] },
        { name: 'LK_DUP_THRICE', lines: [10, 11, 12] },
      ],
    });
    // The last line's value is what node reads: what the warning says is read.
    const read = parseEnv(text);
    expect([read.LK_DUP_TOKEN, read.LK_DUP_THRICE]).toEqual(['second-secret-value', '3']);
    expect(duplicateKeys('A=1\nB=2\n')).toEqual([]);
  });

  it('a key set twice is a warning naming it and both lines, and which is read; in a problem about it, a hint in its line; never either value', () => {
    const duplicatesInDotEnv = [{ name: 'SLACK_BOT_TOKEN', lines: [3, 12] }];
    const warned = loadConfig(VALID, { duplicatesInDotEnv });
    expect(warned.ok && warned.config.warnings).toEqual([
      {
        variable: 'SLACK_BOT_TOKEN',
        subject: 'set twice in .env',
        message: 'SLACK_BOT_TOKEN is set twice in .env (lines 3 and 12): only the last, line 12, is read, so a change to an earlier one changes nothing. Keep the line you mean and delete the other',
      },
    ]);
    expect(JSON.stringify(warned.ok && warned.config.warnings)).not.toContain(VALID.SLACK_BOT_TOKEN);
    // A problem about it: which line's value was refused.
    const refused = loadConfig({ ...VALID, SLACK_BOT_TOKEN: 'xoxp-a-user-token' }, { duplicatesInDotEnv });
    expect(refused.ok ? [] : refused.problems).toEqual([
      "SLACK_BOT_TOKEN: is a user token (xoxp-…), which acts as the person who installed the app: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions (SLACK_BOT_TOKEN is set twice in .env, lines 3 and 12: the value read is line 12's; keep one line for it)",
    ]);
    expect(JSON.stringify(refused)).not.toContain('xoxp-a-user-token');
    // Beside other problems, one no problem names is said along with them, as not refused.
    const beside = loadConfig({ ...VALID, SLACK_TEAM_ID: undefined }, { duplicatesInDotEnv: [{ name: 'PASSWORD_LENGTH', lines: [4, 5, 9] }] });
    expect(beside).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^SLACK_TEAM_ID: is required/)],
      warnings: ['PASSWORD_LENGTH is set 3 times in .env (lines 4, 5 and 9): only the last, line 9, is read, so a change to an earlier one changes nothing. Keep the line you mean and delete the others'],
    });
  });
});

/** A .env that is there but cannot be read: each case said in its own words, with its own advice. */
describe('.env unreadable', () => {
  it('a directory is told to be moved away (no chmod makes it a file); a file its user may not read, permission denied and chmod u+r; never a bare error code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-env-'));
    try {
      mkdirSync(join(dir, '.env'));
      expect(() => loadDotEnv(join(dir, '.env'))).toThrow(
        new DotEnvUnreadable(join(dir, '.env'), 'is a directory, not a file', 'move the directory away, then give the settings in a .env file or in the environment alone'),
      );
      expect(() => loadDotEnv(join(dir, '.env'))).not.toThrow(/chmod/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // As fs gives it for a file whose mode its reader lacks (the tests run as root, whom chmod does not stop).
    const denied = Object.assign(new Error("EACCES: permission denied, open '/srv/latchkey/.env'"), { code: 'EACCES', errno: -13, syscall: 'open', path: '/srv/latchkey/.env' });
    // Before: 'cannot be read (EACCES)'.
    expect(whyUnreadable(denied)).toBe('cannot be read (permission denied)');
    expect(whatToDo(denied, 'in the environment alone')).toBe('let the user running it read the file (chmod u+r), or move it away to give the settings in the environment alone');
  });
});

/**
 * A .env that is no file of settings: read as one, /dev/zero never ends (a pipe nothing writes to:
 * test/integration, each entry point in a process of its own, killed if it hangs). Here what cannot
 * hang even when read: each is refused before it is read, saying what it is and what to do; a link
 * to a regular file is read as before, and so is a named pipe a tool writes the settings to.
 */
describe('.env that is no file of settings', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-env-'));
  });
  afterAll(() => {
    delete process.env.LK_LINKED;
    rmSync(dir, { recursive: true, force: true });
  });
  const refusal = (path: string): string => {
    try {
      loadDotEnv(path);
    } catch (err) {
      expect(err).toBeInstanceOf(DotEnvUnreadable);
      // The infra's reader (cdk synth) refuses it too, in the same words.
      expect(() => readDotEnv(path)).toThrow();
      expect(whyUnreadable(caught(() => readDotEnv(path)))).toBe((err as DotEnvUnreadable).why);
      return (err as Error).message.slice(path.length + 1);
    }
    throw new Error(`${path} was read`);
  };
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const FIX = 'Latchkey reads its settings from .env when it is there: make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.';

  it('a socket, or a link to a device (/dev/null here), is said as what it is, with what to do, and not opened', async () => {
    const socket = join(dir, 'socket.env');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      // Before: 'cannot be read (ENXIO)', a code and no advice.
      expect(refusal(socket)).toBe(`is a socket, not a file. ${FIX}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const device = join(dir, 'device.env');
    symlinkSync('/dev/null', device);
    // Before: read as an empty file, without a word.
    expect(refusal(device)).toBe(`is a link to /dev/null, which is a character device, not a file (reading a terminal or /dev/zero never ends). ${FIX}`);
  });

  it('a file over 1 MB is no .env of settings: refused, not read into memory; one of 1 MB is read; a link to a regular file is read, and a link to a directory is said as one', () => {
    const big = join(dir, 'big.env');
    writeFileSync(big, `LK_BIG=1\n${'#'.repeat(DOT_ENV_MAX_BYTES - 9)}\n`);
    expect(refusal(big)).toBe(
      `is over 1 MB (${DOT_ENV_MAX_BYTES + 1} bytes), more than a file of settings holds: a .env is a few KB. Latchkey reads its settings from .env when it is there: keep only the settings in it (NAME=value lines), or move it away to give the settings in the environment alone.`,
    );
    writeFileSync(big, `LK_BIG=1\n${'#'.repeat(DOT_ENV_MAX_BYTES - 10)}\n`);
    expect(readDotEnv(big)?.values).toEqual({ LK_BIG: '1' });

    writeFileSync(join(dir, 'settings'), 'LK_LINKED=from-the-link\n');
    symlinkSync('settings', join(dir, 'linked.env'));
    expect(loadDotEnv(join(dir, 'linked.env'))).toEqual({ cutAtHash: [], duplicates: [] });
    expect(process.env.LK_LINKED).toBe('from-the-link');
    // A link to nothing is no .env, as before.
    symlinkSync('nowhere', join(dir, 'dangling.env'));
    expect(loadDotEnv(join(dir, 'dangling.env'))).toEqual({ cutAtHash: [], duplicates: [] });

    mkdirSync(join(dir, 'folder'));
    symlinkSync('folder', join(dir, 'folder.env'));
    expect(refusal(join(dir, 'folder.env'))).toBe(
      'is a link to folder, which is a directory, not a file. Latchkey reads its settings from .env when it is there: move the link away, then give the settings in a .env file or in the environment alone.',
    );
  });
});

/**
 * 1Password Environments (and tools like it) mount .env as a named pipe and write the settings to
 * it when it is opened, so that they are never on disk: read as they are written, whenever the
 * writer opens its end, and refused, saying what to do, only when nothing writes within the wait.
 */
describe('.env that is a named pipe a tool serves', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-pipe-'));
  });
  afterAll(() => {
    delete process.env.LK_PIPED;
    delete process.env.LK_PIPED_LATE;
    rmSync(dir, { recursive: true, force: true });
  });
  /** A writer in a process of its own, as 1Password's is: it opens the pipe after `afterS` and writes `text`. */
  const serve = (pipe: string, text: string, afterS = 0) => spawn('sh', ['-c', `sleep ${afterS}; printf '%s' "$1" > "$2"`, 'serve', text, pipe], { stdio: 'ignore' });
  /**
   * `read` of `pipe`, beside a process that opens the pipe for writing once its wait in all is long
   * past (20 s more) and closes it at once, writing nothing. A read held in a blocking open or read
   * (a pipe opened without O_NONBLOCK, as when every start hung) is so let go, and fails here,
   * instead of holding this jest worker for good: the read runs on its only thread, where no
   * timeout fires. To a reader that waits as it should, an end with nothing written is no end yet.
   */
  const letGo = <T>(pipe: string, waitMs: number, read: () => T): T => {
    const afterMs = waitMs + 20_000;
    const began = Date.now();
    const opener = spawn('sh', ['-c', 'sleep "$1"; : > "$2"', 'let-go', String(afterMs / 1000), pipe], { stdio: 'ignore' });
    try {
      return read();
    } finally {
      opener.kill('SIGKILL');
      // Not over before the opener slept its time: the read was held until it opened the pipe.
      expect(Date.now() - began).toBeLessThan(afterMs);
    }
  };

  it('is read as its writer writes it, by npm start and its kin and by the synth alike, also when the writer opens its end late', () => {
    const served = (name: string, text: string, afterS = 0): [string, ChildProcess] => {
      const pipe = join(dir, name);
      execFileSync('mkfifo', [pipe]);
      return [pipe, serve(pipe, text, afterS)];
    };
    const writers: ChildProcess[] = [];
    // A writer that writes before the quiet mark says nothing of waiting. The mark here is far past
    // a second: on a loaded machine a (niced) sh can start well after it was spawned.
    const pipeWait = { waitMs: 20_000, quietMs: 10_000 };
    const said: string[] = [];
    try {
      // Before: refused as a pipe, whoever wrote to it.
      const [started, first] = served('start.env', 'LK_PIPED=from-the-pipe\n');
      writers.push(first);
      expect(loadDotEnv(started, (line) => said.push(line), pipeWait)).toEqual({ cutAtHash: [], duplicates: [] });
      expect(process.env.LK_PIPED).toBe('from-the-pipe');
      const [synth, second] = served('synth.env', 'LK_PIPED=again\n');
      writers.push(second);
      expect(readDotEnv(synth, (line) => said.push(line), pipeWait)?.values).toEqual({ LK_PIPED: 'again' });
      // Opened after the read began: an end before anything was written is no end yet.
      const [late, third] = served('late.env', 'LK_PIPED_LATE=late\n', 0.5);
      writers.push(third);
      loadDotEnv(late, (line) => said.push(line), pipeWait);
      expect(process.env.LK_PIPED_LATE).toBe('late');
      expect(said).toEqual([]);
    } finally {
      // A writer whose pipe was never opened waits in its open for good.
      for (const writer of writers) writer.kill('SIGKILL');
    }
  }, 90_000);

  /** What is said while a pipe's writer keeps the reader waiting, once, the same from npm start and its kin as from the synth. */
  const waitingLine = (pipe: string, waitMs = DOT_ENV_PIPE_WAIT_MS) =>
    `Nothing written to ${pipe} yet: waiting up to ${waitMs / 1000} s in all for the tool that serves it (for example 1Password) to write the settings. If that tool asks you to unlock it or to allow access, do so.`;

  it('a writer slower than a second (a tool asking to be unlocked): the wait is said once, then the settings are read as ever', () => {
    const pipe = join(dir, 'slow.env');
    const synthPipe = join(dir, 'slow-synth.env');
    for (const p of [pipe, synthPipe]) execFileSync('mkfifo', [p]);
    // The second's mark as shipped; the wait in all longer, for a writer a loaded machine starts late.
    const pipeWait = { waitMs: 20_000, quietMs: DOT_ENV_PIPE_QUIET_MS };
    const writers: ChildProcess[] = [];
    // The tool writes once the wait was said (its person unlocked it), never before the mark, however
    // late the reader began. spawn starts it at once, while the read blocks the thread.
    const saying = (into: string[], pipe: string, text: string) => (line: string) => {
      into.push(line);
      writers.push(serve(pipe, text));
    };
    try {
      // Before: nothing said, the command silent until the tool wrote.
      const said: string[] = [];
      letGo(pipe, pipeWait.waitMs, () => loadDotEnv(pipe, saying(said, pipe, 'LK_PIPED_SLOW=slow\n'), pipeWait));
      expect(process.env.LK_PIPED_SLOW).toBe('slow');
      expect(said).toEqual([waitingLine(pipe, pipeWait.waitMs)]);
      const saidBySynth: string[] = [];
      expect(letGo(synthPipe, pipeWait.waitMs, () => readDotEnv(synthPipe, saying(saidBySynth, synthPipe, 'LK_PIPED_SLOW=synth\n'), pipeWait))?.values).toEqual({ LK_PIPED_SLOW: 'synth' });
      expect(saidBySynth).toEqual([waitingLine(synthPipe, pipeWait.waitMs)]);
    } finally {
      delete process.env.LK_PIPED_SLOW;
      for (const writer of writers) writer.kill('SIGKILL');
    }
  }, 90_000);

  it('nothing writing to it: the wait said once, then refused after it, saying so and what to do (a tool locked or not running), not waited for forever', () => {
    const pipe = join(dir, 'silent.env');
    execFileSync('mkfifo', [pipe]);
    const said: string[] = [];
    const err = (() => {
      try {
        letGo(pipe, DOT_ENV_PIPE_WAIT_MS, () => loadDotEnv(pipe, (line) => said.push(line)));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(said).toEqual([waitingLine(pipe)]);
    expect(err).toBeInstanceOf(DotEnvUnreadable);
    expect((err as Error).message).toBe(
      `${pipe} is a named pipe (FIFO) that nothing wrote settings to within ${DOT_ENV_PIPE_WAIT_MS / 1000} s. Latchkey reads its settings from .env when it is there: if a tool serves it (1Password Environments mounts .env so), unlock that tool and check the file is enabled there, then run this again; otherwise make .env a regular file of NAME=value lines, or move it away to give the settings in the environment alone.`,
    );
  }, 90_000);
});
