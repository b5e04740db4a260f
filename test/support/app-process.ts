import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'src', 'main.ts');

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  /** Resolves with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<number | string | null>;
}

/**
 * Latchkey as its own process, `npm start`'s entry point run from source, for what only a real
 * process shows: being killed mid-request, and shutting down on SIGTERM.
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
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
