// First: what it defers must not have been loaded by anything before it.
import './deferred-modules';
import { createLatchkey } from './app';
import { describeProblems, describeWarnings, loadConfig } from './config';
import { loadDotEnvSayingWhyNot } from './env-file';
import { describeError } from './flows/failure';
import { createLogger } from './logger';
import { describeStartFailure } from './start-checks';
import { onStopSignals } from './stop-signals';

/** The long-running server: `npm start`. Reads `.env` when there is one, for local runs. */
async function main(): Promise<void> {
  const dotEnv = loadDotEnvSayingWhyNot('start');
  if (!dotEnv) {
    // As for a configuration problem below: what reads stdout hears it too, by the file's name alone.
    if (!process.stdout.isTTY) createLogger('info').fatal({ file: '.env' }, 'Latchkey could not start: .env could not be read (exit status 2)');
    process.exit(2);
  }
  const loaded = loadConfig(process.env, { cutInDotEnv: dotEnv.cutAtHash, duplicatesInDotEnv: dotEnv.duplicates });
  if (!loaded.ok) {
    process.stderr.write(`${describeProblems(loaded.problems, loaded)}\n`);
    // The same fatal line as every other failed start, for what reads stdout (a log pipeline
    // alerting on level fatal): the settings' names only, never a problem's words, which may quote
    // part of a value, and a value may be a secret. At a terminal the words above say it all.
    if (!process.stdout.isTTY) {
      createLogger('info').fatal({ variables: problemVariables(loaded.problems), problems: loaded.problems.length }, 'Latchkey could not start: the configuration has problems (exit status 2)');
    }
    process.exit(2);
  }
  const logger = createLogger(loaded.config.logLevel);
  // A promise nobody awaited failed (inside a library, or a request's handling): that is a bug to
  // fix, not a reason to drop every other request in flight. The request itself gets a 500.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: describeError(reason), alert: true }, 'unhandled promise rejection; the process goes on');
  });
  const latchkey = createLatchkey(loaded.config, { logger });
  // What the configuration accepts but an admin should hear (a credential set up but off, a
  // misspelled setting): at a terminal, in words on stderr, as its problems are, and not again as
  // JSON lines; elsewhere (a journal, a log shipper), a warn line each.
  const atTerminal = process.stdout.isTTY === true;
  const { warnings } = loaded.config;
  // Said before the start is known to succeed, so its lead promises nothing: "Latchkey starts"
  // read oddly above "Latchkey could not start" when Slack then refused the token.
  if (atTerminal && warnings.length > 0) process.stderr.write(`${describeWarnings(warnings, 'Note (`npm run doctor` says these too):')}\n`);
  try {
    await latchkey.start({ configWarningsSaid: atTerminal, checkDirectories: true });
  } catch (err) {
    // Most often a bad token (auth.test) or an unreachable table: said without a stack trace, in
    // words on stderr, as the configuration check says its problems. The JSON line is for what reads
    // stdout (a journal, a log shipper); at a terminal it would say the same thing twice.
    process.stderr.write(`${describeStartFailure(err)}\n`);
    if (!process.stdout.isTTY) logger.fatal({ err: describeError(err) }, 'Latchkey could not start');
    process.exit(1);
  }
  // The work in flight is finished first (its outcome audited): a Ctrl+C that npm delivers twice must not cut it short.
  onStopSignals(
    (signal) => {
      logger.info({ signal }, 'shutting down');
      latchkey.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    },
    () => {
      latchkey.flushRefusals();
      process.exit(1);
    },
  );
}

/** The settings named by the configuration's problems ("SLACK_TEAM_ID: must be…"), each once; a problem about no one setting names none. */
function problemVariables(problems: readonly string[]): string[] {
  return [...new Set(problems.flatMap((p) => /^([A-Z][A-Z0-9_]*): /.exec(p)?.[1] ?? []))];
}

void main();
