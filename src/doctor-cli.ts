import { quietNodeVersionNotice } from './aws/node-version-notice';
import { parseArgsPointingAtHelp } from './cli-args';
import { describeProblems, loadConfig } from './config';
import { checksSummary, renderChecks } from './doctor/setup-check';
import { loadDotEnvSayingWhyNot } from './env-file';
import { describeError } from './flows/failure';
import { EMAIL, PERSON_FORMS, SLACK_USER_ID } from './slack/member-by-email';

const USAGE = `Latchkey's setup check: every part the configuration uses, checked read-only.

usage:
  npm run doctor                        Slack (token, scopes, approvals channel, admins), each DynamoDB
                                        table and index, and every enabled credential's own check
  npm run doctor -- --person U0123ABCD  the same, then why this person can or cannot reset each
                                        credential: identity and directory match; no limit is
                                        counted and no audit record written (their ID: in Slack,
                                        their profile → ⋮ More → Copy member ID)
  npm run doctor -- --person ann@example.com
                                        the same, for the member with that email, looked up in
                                        Slack with SLACK_BOT_TOKEN (users:read.email): only the
                                        address is sent
  npm run doctor -- --help

It reads the same environment (and .env) as npm start. One line per check, ✓, ✗ or ⚠; a ✗ says what
to do next, a ⚠ is worth a read but fails nothing. Exit status 0 when every check passed (⚠ lines
included), 1 when one failed, 2 for bad configuration or usage.
`;

/** What the doctor's own problems say it cannot do: `Latchkey cannot check its setup: …`. */
const CANNOT = 'check its setup';

/** `npm run doctor`: an entry point of its own, like main.ts. It changes nothing and prints no secret. */
async function main(argv: string[]): Promise<number> {
  let person: string | undefined;
  try {
    const { values } = parseArgsPointingAtHelp({ args: argv, options: { person: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }, 'doctor');
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    person = values.person;
  } catch (err) {
    // One line, without node:util's error class: what was wrong and where the options are.
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (person !== undefined && !SLACK_USER_ID.test(person) && !EMAIL.test(person)) {
    process.stderr.write(`${PERSON_FORMS}\n`);
    return 2;
  }
  const dotEnv = loadDotEnvSayingWhyNot(CANNOT);
  if (!dotEnv) return 2;
  quietNodeVersionNotice();
  const loaded = loadConfig(process.env, { cutInDotEnv: dotEnv.cutAtHash, duplicatesInDotEnv: dotEnv.duplicates });
  if (!loaded.ok) {
    process.stderr.write(`${describeProblems(loaded.problems, { ...loaded, cannot: CANNOT })}\n`);
    return 2;
  }
  // The app (the AWS SDK, Bolt) only now, with the arguments and settings good: loading it takes
  // seconds on a busy machine, which --help, a typo or a setting to fix would wait for.
  const [{ createDoctor }, { createLogger }] = await Promise.all([import('./app'), import('./logger')]);
  // The adapters' own log lines would interleave with the checks; each check says what it found.
  const doctor = createDoctor(loaded.config, { logger: createLogger('silent') });
  try {
    const checks = await doctor.run({ person });
    const failing = checks.filter((c) => !c.ok).length;
    process.stdout.write(`${renderChecks(checks)}\n\n${checksSummary(checks)}\n`);
    return failing === 0 ? 0 : 1;
  } finally {
    doctor.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`the setup check itself failed: ${describeError(err)}\n`);
    process.exit(1);
  },
);
