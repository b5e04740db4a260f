import { buildApp } from '../lib/app';
import { PackageError } from '../lib/bundle';
import { DOT_ENV_PATH } from '../lib/dot-env';
import { SettingsError } from '../lib/settings';

// `cdk synth` and `cdk deploy` run this (infra/cdk.json). They build the Lambda bundle first
// (unless -c codePath names a package), so a deploy never ships stale code. The app's settings no
// -c key gives come from the repository's .env, the one `npm run manifest` reads, so the Slack app
// and the stack are made from one file (never its secrets: those are in Secrets Manager). The
// stack is environment-agnostic: it deploys to the account and region of the credentials and AWS_REGION
// (or --profile) in use.
try {
  buildApp({}, { buildBundle: true, dotEnv: DOT_ENV_PATH, shell: process.env }).app.synth();
} catch (err) {
  if (!(err instanceof SettingsError || err instanceof PackageError)) throw err;
  console.error(err.message);
  console.error('See docs/deploy.md, step 3, for the settings (-c keys, or their variables in .env).');
  process.exit(1);
}
