#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to dist/, one JavaScript file per TypeScript file, with esbuild.
 *
 * Why esbuild and not tsc: it only strips types (tsc -p tsconfig.json --noEmit checks them, in
 * `npm test`), so a build takes about a second and 50 MB instead of 10-25 s and 370 MB, which is what
 * lets `npm start` build a stale tree itself (scripts/build-if-stale.sh) and fit a small container.
 * The output keeps src/'s modules as they are (CommonJS), so Node loads only what runs.
 */
'use strict';
const { buildSync } = require('esbuild');
const { readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const started = Date.now();
rmSync(dist, { recursive: true, force: true });
const entryPoints = sources(src);
buildSync({
  entryPoints,
  outdir: dist,
  outbase: src,
  bundle: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() as require(): the output is CommonJS, and Node's ESM loader would want file
  // extensions on the lazily loaded adapters (`import('./chime-directory')`).
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});
writeFileSync(join(dist, '.build-stamp'), `${new Date().toISOString()}\n`);
process.stderr.write(`built ${entryPoints.length} files into ${relative(root, dist)}/ in ${Date.now() - started} ms\n`);
