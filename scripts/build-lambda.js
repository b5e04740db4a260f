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
 * Its options are USAGE's. Anything else (a misspelled value such as --aws-sdk=externl) is refused
 * in one line naming the valid ones, exit status 2, before anything is built: left to build, it
 * gave the default package under a name that asked for another.
 */
'use strict';
const { build } = require('esbuild');
const { mkdirSync, rmSync, statSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const USAGE = `Builds what the CDK stack deploys: one minified file, infra/build/lambda/lambda.js.

usage: npm run build:lambda [-- [--out=DIR] [--aws-sdk=bundled|external]]
  --out=DIR            write DIR/lambda.js instead (the tests build their own copy)
  --aws-sdk=bundled    bundle @aws-sdk/* at the versions the tests ran with (the default)
  --aws-sdk=external   leave @aws-sdk/* out, for the copy the Node.js runtime brings
  --help               print this, and build nothing

docs/deploy.md gives the sizes and start-up times of both.
`;
const OPTIONS = '--out=DIR, --aws-sdk=bundled|external and --help';
const AWS_SDK = ['bundled', 'external'];

/** The options, or undefined when the command line is refused (said on stderr, in one line). */
function options(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { out: { type: 'string' }, 'aws-sdk': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    // node:util's own message, to its first sentence (the rest is about positionals after --).
    return refuse(String(err.message).split('. ')[0]);
  }
  const { values } = parsed;
  if (values['aws-sdk'] !== undefined && !AWS_SDK.includes(values['aws-sdk'])) return refuse(`--aws-sdk=${values['aws-sdk']} is not ${AWS_SDK.join(' or ')}`);
  if (values.out === '') return refuse('--out= names no directory');
  return values;
}

function refuse(why) {
  process.stderr.write(`${why}: npm run build:lambda takes ${OPTIONS}\n`);
  process.exitCode = 2;
  return undefined;
}

const root = join(__dirname, '..');
const given = options(process.argv.slice(2));
const out = given?.out !== undefined ? resolve(given.out) : join(root, 'infra', 'build', 'lambda');
const awsSdkExternal = given?.['aws-sdk'] === 'external';

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

if (given?.help) process.stdout.write(USAGE);
else if (given)
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
