import { parseArgsPointingAtHelp } from './cli-args';
import { describeProblems, describeWarnings, loadConfig, withSecretStandIns } from './config';
import { loadDotEnvSayingWhyNot } from './env-file';
import { manifestOrigin, manifestPartsOf, slackManifest } from './slack/manifest';

const USAGE = `Latchkey's Slack app manifest, for the credentials this configuration enables.

usage:
  npm run -s manifest -- --url https://latchkey.example.com > manifest.json
                          the manifest, as JSON on standard output, with every request URL at that
                          host (Latchkey adds /slack/events): a slash command for each enabled
                          credential, /reset, and /request-license when license requests are on;
                          the bot scopes npm run doctor checks for (channels:read and groups:read
                          only while admins decide requests in the approvals channel: license
                          requests, the approval policy, /reset-okta-mfa)
  npm run -s manifest -- --socket-mode > manifest.json
                          the same for Socket Mode: no request URL (also when SLACK_APP_TOKEN is set)
  npm run manifest -- --help

It reads the same environment (and .env) as npm start, but not what Slack gives once the app
exists (SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_TEAM_ID): make the app first. Nor does it
need a directory's secret (OKTA_API_TOKEN, ENTRA_CLIENT_SECRET, GOOGLE_SERVICE_ACCOUNT_KEY…): its
other settings say it is set up, and on Lambda the secret goes into Secrets Manager once the stack
exists. A secret given is checked as npm start checks it. Paste the
manifest at api.slack.com/apps → Create New App → From an app manifest (or, for an app that
exists, its App Manifest page). manifest.yml is the same for every credential.
Exit status 0 with the manifest (with, on standard error, what npm start would warn of, such as a
command left out because its credential is off), 2 for bad configuration or usage.
`;

/**
 * What Slack gives once the app exists: the manifest does not depend on them, and it comes before
 * them. Made-up values of the right shape, so the rest of the configuration is checked as npm
 * start checks it; never printed.
 */
const MADE_BY_SLACK = { SLACK_SIGNING_SECRET: '0'.repeat(32), SLACK_BOT_TOKEN: 'xoxb-manifest', SLACK_TEAM_ID: 'T0MANIFEST' };

/** What the manifest's problems say it cannot do: `Latchkey cannot make its Slack app manifest: …`. */
const CANNOT = 'make its Slack app manifest';

/** `npm run manifest`: an entry point of its own, like doctor-cli.ts. It calls nothing and prints no secret. */
function main(argv: string[]): number {
  let url: string | undefined;
  let socketModeAsked = false;
  try {
    const { values } = parseArgsPointingAtHelp(
      { args: argv, options: { url: { type: 'string' }, 'socket-mode': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true },
      'manifest',
    );
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    url = values.url;
    socketModeAsked = values['socket-mode'] === true;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  // The address's own mistakes are said at once, not only once the configuration is right.
  const given = url === undefined ? undefined : manifestOrigin(url);
  if (given && 'problem' in given) {
    process.stderr.write(`${given.problem}\n`);
    return 2;
  }
  const dotEnv = loadDotEnvSayingWhyNot(CANNOT);
  if (!dotEnv) return 2;
  // A directory's secret, like Slack's, is not read by the manifest, and a first deploy has it only later.
  const loaded = loadConfig(withSecretStandIns({ ...process.env, ...MADE_BY_SLACK }), { cutInDotEnv: dotEnv.cutAtHash, duplicatesInDotEnv: dotEnv.duplicates });
  if (!loaded.ok) {
    process.stderr.write(`${describeProblems(loaded.problems, { ...loaded, cannot: CANNOT })}\n`);
    return 2;
  }
  const socketMode = socketModeAsked || loaded.config.slack.appToken !== undefined;
  if (socketMode && url !== undefined) {
    const why = socketModeAsked ? '--socket-mode is given' : 'SLACK_APP_TOKEN is set';
    process.stderr.write(`--url is not used in Socket Mode (${why}): Slack's requests come over its WebSocket. Leave --url out, or leave Socket Mode to use request URLs\n`);
    return 2;
  }
  if (!socketMode && url === undefined) {
    process.stderr.write('--url is required: the https:// address Slack reaches Latchkey at, such as https://latchkey.example.com; or --socket-mode (npm run manifest -- --help)\n');
    return 2;
  }
  const origin = given && 'origin' in given ? given.origin : undefined;
  process.stdout.write(`${JSON.stringify(slackManifest({ ...manifestPartsOf(loaded.config), ...(origin !== undefined && { origin }) }), null, 2)}\n`);
  // What npm start would warn of, on stderr: most of all a credential set up but off (its command
  // left out of the manifest), which an admin would otherwise find missing without a word.
  if (loaded.config.warnings.length > 0) process.stderr.write(`${describeWarnings(loaded.config.warnings, 'The manifest is made, for the configuration as it is. Note:')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
