import { buildApp } from '../lib/app';
import { PackageError } from '../lib/bundle';
import { SettingsError } from '../lib/settings';

// `cdk synth` and `cdk deploy` run this (infra/cdk.json). They build the Lambda bundle first
// (unless -c codePath names a package), so a deploy never ships stale code. The stack is
// environment-agnostic: it deploys to the account and region of the credentials and AWS_REGION
// (or --profile) in use.
try {
  buildApp({}, { buildBundle: true }).app.synth();
} catch (err) {
  if (!(err instanceof SettingsError || err instanceof PackageError)) throw err;
  console.error(err.message);
  console.error('See docs/deploy.md for the -c settings.');
  process.exit(1);
}
