import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './settings';

/** The package cannot be deployed: the message says what to run. `cdk synth` prints it alone, with no stack trace. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
}

/** What the bundle is made from: a change to any of these makes a bundle built before it stale. */
const SOURCES = ['src', 'package-lock.json', path.join('scripts', 'build-lambda.js')];

/**
 * `cdk synth` and `cdk deploy` build the bundle themselves (infra/bin/latchkey.ts), as
 * NodejsFunction does: `npm run build:lambda` into the default code path, so what is deployed is
 * what the sources say. Throws with esbuild's own message when the build fails.
 */
export function buildBundle(codePath: string): void {
  const built = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-lambda.js'), `--out=${codePath}`], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new PackageError(`npm run build:lambda failed, so there is nothing to deploy:\n${built.stderr}`);
  process.stderr.write(built.stderr);
}

/**
 * Why the package at `entry` cannot be trusted to be the sources' (a file of them changed after it
 * was built), or undefined. Only in a checkout: a package built elsewhere has no sources beside it.
 */
export function staleBundle(entry: string): string | undefined {
  if (!fs.existsSync(path.join(REPO_ROOT, 'src'))) return undefined;
  const built = fs.statSync(entry).mtimeMs;
  const newer = SOURCES.flatMap((s) => filesUnder(path.join(REPO_ROOT, s))).find((f) => fs.statSync(f).mtimeMs > built);
  if (!newer) return undefined;
  return (
    `${entry} is older than ${path.relative(REPO_ROOT, newer)}: it would deploy stale code. ` +
    'Run `npm run build:lambda` (or `-c codePath=…` a package built from these sources), or leave -c codePath out and `cdk deploy` builds it.'
  );
}

function filesUnder(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p, { withFileTypes: true }).flatMap((e) => filesUnder(path.join(p, e.name)));
}
