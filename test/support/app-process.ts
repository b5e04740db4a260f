import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** What `npm start` runs: the build (made by jest's globalSetup, test/support/build-once.js) with npm start's Node flags. */
const MAIN = join(ROOT, 'dist', 'main.js');
const START_FLAGS = (/\bnode((?:\s+--\S+)*)\s+dist\/main\.js/.exec(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start)?.[1] ?? '')
  .trim()
  .split(/\s+/)
  .filter(Boolean);

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Resolves with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<number | string | null>;
}

/**
 * Latchkey as its own process, as `npm start` runs it (the built dist/main.js), for what only a
 * real process shows: being killed mid-request, shutting down on SIGTERM, and the build itself.
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, [...START_FLAGS, MAIN], {
    cwd: join(__dirname, '..'), // no .env here
    env: { PATH: process.env.PATH, ...pickAws(), ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${out}`)), 20_000);
    const look = () => {
      const ready = out.split('\n').find((l) => l.includes('"Latchkey is ready"'));
      if (ready) {
        clearTimeout(timer);
        resolve(JSON.parse(ready).port);
      }
    };
    child.stdout!.on('data', look);
    void exited.then(() => reject(new Error(`app exited before it was ready:\n${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/slack/events`, output: () => out, exited };
}

function pickAws(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('AWS_') && v !== undefined)) as Record<string, string>;
}
