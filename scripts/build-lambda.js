#!/usr/bin/env node
/**
 * `npm run build:lambda`: what the CDK stack deploys, one minified file, infra/build/lambda/lambda.js,
 * bundled with esbuild from src/lambda.ts. No node_modules, no @types, no source maps.
 *
 * Left out of the bundle, because Lambda never runs them: Bolt's Socket Mode receiver and OAuth
 * installer (and with them @slack/socket-mode, undici and jsonwebtoken; Lambda answers over its
 * function URL with a bot token), and each credential's stand-in (tests and the sandbox only).
 * Each becomes a stand-in module that throws if it is ever used, so a mistake fails loudly.
 *
 * `--out=DIR` writes DIR/lambda.js instead (the tests build their own copy).
 *
 * `--aws-sdk=external` leaves @aws-sdk/* out too, for the copy the Node.js runtime brings; bundled
 * (the default) pins the versions the tests ran with. docs/deploy.md gives the sizes and
 * start-up times of both.
 */
'use strict';
const { build } = require('esbuild');
const { mkdirSync, rmSync, statSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

const root = join(__dirname, '..');
const outOption = process.argv.find((a) => a.startsWith('--out='));
const out = outOption ? resolve(outOption.slice('--out='.length)) : join(root, 'infra', 'build', 'lambda');
const awsSdkExternal = process.argv.includes('--aws-sdk=external');

/** Modules Lambda never runs, replaced by one that says so if it is ever used. */
// A stand-in is a plug-in's stand-in.ts, or a shared one beside the plug-ins (okta-stand-in.ts, Okta's two plug-ins').
const NEVER_ON_LAMBDA = /^(@slack\/socket-mode|@slack\/oauth)$|[/-]stand-in$/;
const neverOnLambda = {
  name: 'never-on-lambda',
  setup(build) {
    build.onResolve({ filter: NEVER_ON_LAMBDA }, (args) => ({ path: args.path, namespace: 'never-on-lambda' }));
    build.onLoad({ filter: /.*/, namespace: 'never-on-lambda' }, (args) => ({
      contents:
        `const missing = ${JSON.stringify(args.path)};\n` +
        "module.exports = new Proxy({}, { get: (_t, key) => { if (key === '__esModule') return true; " +
        "throw new Error(missing + ' is not in the Lambda bundle: Lambda never runs it'); } });\n",
      loader: 'js',
    }));
  },
};

async function main() {
  const started = Date.now();
  // Only the file this script writes: --out may name a directory that holds other things.
  rmSync(join(out, 'lambda.js'), { force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'src', 'lambda.ts')],
    outfile: join(out, 'lambda.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    legalComments: 'none',
    external: awsSdkExternal ? ['@aws-sdk/*', '@smithy/*'] : [],
    plugins: [neverOnLambda],
    logLevel: 'warning',
  });
  const size = statSync(join(out, 'lambda.js')).size;
  process.stderr.write(`built ${relative(root, join(out, 'lambda.js'))} (${(size / 1024 / 1024).toFixed(2)} MB, @aws-sdk ${awsSdkExternal ? 'external' : 'bundled'}) in ${Date.now() - started} ms\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
