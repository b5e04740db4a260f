import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { quietNodeVersionNotice } from '../../src/aws/node-version-notice';
import { missingAwsCredentials, profileArgument } from '../lib/aws-credentials';

// `npm run deploy [-- <cdk deploy's arguments>]`: `cdk deploy` in infra/, with the arguments given,
// once AWS credentials are known to be there (infra/lib/aws-credentials.ts). Without any, CDK
// built the bundle and synthesized the stack only to end on "Unable to resolve AWS account to use";
// this says so in one line, with what to do, before any of that. Never refused when credentials
// may be there: the check asks nothing of AWS when the environment or a profile holds them.
const REPO_ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  // cdk's own AWS SDK prints it, as it looks up the account, in cdk's process: it takes this one's
  // environment. Run directly (`npx cdk synth`), cdk prints it; nothing of ours runs before it.
  quietNodeVersionNotice();
  const args = process.argv.slice(2);
  const problem = await missingAwsCredentials({
    env: process.env,
    profile: profileArgument(args),
    cdkSettings: [path.join(REPO_ROOT, 'infra', 'cdk.json'), path.join(os.homedir(), '.cdk.json')],
    dotEnv: path.join(REPO_ROOT, '.env'),
  }).catch((err: unknown) => {
    // The check only spares a wasted synth: when it cannot tell (a settings file it cannot read),
    // the deploy goes on and cdk says what it finds, rather than a check blocking a deploy that may work.
    console.warn(`npm run deploy: could not check for AWS credentials (${firstLine(err)}); going on with cdk.`);
    return undefined;
  });
  if (problem !== undefined) {
    console.error(problem);
    process.exit(1);
  }
  const cdk = spawn(process.execPath, [require.resolve('aws-cdk/bin/cdk'), 'deploy', ...args], { cwd: path.join(REPO_ROOT, 'infra'), stdio: 'inherit' });
  // Ctrl-C reaches cdk too (one process group): it ends its own deploy, and this ends with it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => cdk.kill('SIGTERM'));
  cdk.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n', 1)[0]?.slice(0, 200) ?? '';
