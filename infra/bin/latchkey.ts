import { buildApp } from '../lib/app';
import { SettingsError } from '../lib/settings';

// `cdk synth` and `cdk deploy` run this (infra/cdk.json). The stack is environment-agnostic: it
// deploys to the account and region of the credentials and AWS_REGION (or --profile) in use.
try {
  buildApp().app.synth();
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  console.error(err.message);
  console.error('See docs/deploy.md for the -c settings.');
  process.exit(1);
}
