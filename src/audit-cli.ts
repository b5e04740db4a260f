import { parseArgs } from 'node:util';
import { concerns, csvHeader, csvRow, daysBetween, jsonLine, type ExportFormat } from './audit/audit-export';
import type { AuditRecord } from './audit/audit-record';
import type { DynamoDbAuditLog } from './audit/dynamodb-audit-log';
import { noAwsCredentials } from './aws/no-credentials';
import { quietNodeVersionNotice } from './aws/node-version-notice';
import { optionSuggestion } from './cli-args';
import { slackApiUrl } from './config-fields';
import { DotEnvUnreadable, loadDotEnv } from './env-file';
import type { Logger } from './flows/ports';
import { unknownOutcomes } from './flows/unknown-outcomes';
import { httpFetch } from './http/fetch';
import { closestName } from './setting-names';
import { SLACK_API_URL_DEFAULT } from './slack/api-url';
import { EMAIL, ID_INSTEAD, memberIdByEmail, PERSON_FORMS, SLACK_USER_ID } from './slack/member-by-email';
import { SlackWebApi } from './slack/slack-web-api';

const USAGE = `Latchkey's audit log, for operators (AWS credentials of your own: dynamodb:Query on the audit table's by-day index).

usage:
  npm run audit -- unknown [--days N]
      Attempts with no outcome record, or whose directory never confirmed the change, in the last N
      UTC days (default 2, at most 400), as JSON lines: the change may or may not have happened;
      check the directory and the person.
  npm run audit -- export --from YYYY-MM-DD --to YYYY-MM-DD [--person U…|email] [--format csv|jsonl]
      Every record of those UTC days (both included, at most 400), oldest first, to standard output:
      CSV with a header (the default) or JSON lines. --person keeps the records by or about one
      Slack user: their user ID, or their email, which is looked up in Slack with SLACK_BOT_TOKEN
      (users.lookupByEmail; only the address is sent). Records never hold a PIN or password. A
      reset has one outcome record, or two when its new secret never reached its person: the
      second has restated true (a column of its own) and deliveryFailed; count resets without
      it. A record this version cannot read is a row of its own (phase unreadable: its key,
      day, time, reference and person, and the fields it could not read), named on standard
      error. To a file, run npm with -s, which keeps npm's own lines out of it:
      npm run -s audit -- export --from … --to … > records.csv
  npm run audit -- --help

The table is AUDIT_TABLE_NAME (default latchkey-audit); region and endpoint come from the AWS SDK's
usual settings (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DYNAMODB). It reads the same environment
(and .env) as npm start.

Exit status: 0 done; 2 nothing was asked: the arguments, .env, or SLACK_BOT_TOKEN or SLACK_API_URL
(for --person by email) are to fix, as npm start exits 2 for its settings; 1 AWS or Slack could
not be asked or failed (no region or credentials, no table, no such member), as npm start exits 1.
`;

class UsageError extends Error {}

/** A setting or .env to fix before anything is asked of AWS or Slack: exit 2, as npm start, doctor and manifest exit for theirs. */
class SetupError extends Error {}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const QUIET: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const MAX_DAYS = 400;
const SUBCOMMANDS = ['export', 'unknown'];

/**
 * `npm run audit -- <subcommand>`: an entry point of its own, like main.ts. It builds the clients
 * it needs; no record goes through Slack, so audit data leaves the AWS account only through an
 * operator's own credentials (an export's --person given as an email is the one call to Slack, and
 * sends only that address).
 */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  // The arguments first: a typo or a missing date is named as such, whatever the AWS settings.
  const run = command === 'unknown' ? unknown(rest) : command === 'export' ? exportRecords(rest) : undefined;
  if (!run) {
    const meant = closestName(command, SUBCOMMANDS);
    throw new UsageError(`unknown subcommand "${command}"${meant ? ` (did you mean "${meant}"?)` : ''}`);
  }
  try {
    loadDotEnv();
  } catch (err) {
    throw err instanceof DotEnvUnreadable ? new SetupError(err.message) : err;
  }
  quietNodeVersionNotice();
  // The AWS SDK only now, with the arguments and .env good: loading it takes seconds on a busy
  // machine, which --help and a typo would wait for (they answer from here, or before).
  const [{ DynamoDBClient }, { DynamoDbAuditLog }, { AWS_CLIENT }, { missingTable }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('./audit/dynamodb-audit-log'),
    import('./aws-client'),
    import('./start-checks'),
  ]);
  const client = new DynamoDBClient(AWS_CLIENT);
  // The SDK's own words are "Region is missing", at the first query: name the setting before it.
  if (!(await client.config.region().catch(() => undefined))) {
    client.destroy();
    throw new Error('no AWS region: set AWS_REGION to the audit table\'s region (as AWS_REGION=eu-west-1), or AWS_PROFILE to a profile that names one');
  }
  const now = new Date();
  const tableName = process.env.AUDIT_TABLE_NAME || 'latchkey-audit';
  // A record this version cannot read is exported as a row of its own (readAuditItem): its key, and which fields, on standard error.
  const warn: Pick<Logger, 'warn'> = { warn: (fields, message) => process.stderr.write(`${message}: ${JSON.stringify(fields)}\n`) };
  const audit = new DynamoDbAuditLog(client, tableName, 1, { now: () => now }, warn);
  try {
    await run({ audit, now, memberId });
  } catch (err) {
    // The SDK says only "Requested resource not found": name the table, its setting and what to do, as the start does.
    if ((err as Error).name === 'ResourceNotFoundException') throw new Error(missingTable({ variable: 'AUDIT_TABLE_NAME', tableName }, await client.config.region()), { cause: err });
    throw err;
  } finally {
    client.destroy();
  }
}

/** What a subcommand runs with: the audit log, the time it started, and a member's ID by their email. */
interface Tools {
  readonly audit: DynamoDbAuditLog;
  readonly now: Date;
  memberId(email: string): Promise<string>;
}

/** A subcommand whose arguments have been checked, to run against the audit log. */
type Run = (tools: Tools) => Promise<void>;

/**
 * A member's ID by their email, looked up in Slack with the bot token and SLACK_API_URL as npm
 * start reads them (the environment, then .env). Its one client is made here, for this one call.
 */
async function memberId(email: string): Promise<string> {
  const token = process.env.SLACK_BOT_TOKEN;
  if (!token) throw new SetupError(`--person ${email} is an email, which is looked up in Slack with the bot token: set SLACK_BOT_TOKEN (xoxb-…, from OAuth & Permissions; in .env or the environment), or ${ID_INSTEAD}`);
  if (!token.startsWith('xoxb-')) throw new SetupError(`SLACK_BOT_TOKEN must be the bot token (xoxb-…) from OAuth & Permissions, to look up --person ${email}; or ${ID_INSTEAD}`);
  const set = process.env.SLACK_API_URL || undefined;
  const apiUrl = slackApiUrl.safeParse(set ?? SLACK_API_URL_DEFAULT);
  if (!apiUrl.success) throw new SetupError(`SLACK_API_URL: ${apiUrl.error.issues[0]?.message ?? 'is not a URL'}`);
  const { slackAddress } = await import('./start-checks');
  const slack = new SlackWebApi({ token, apiUrl: apiUrl.data, fetch: httpFetch(), logger: QUIET, retries: 2 });
  return memberIdByEmail(slack, email, slackAddress(set === undefined ? undefined : apiUrl.data));
}

function unknown(argv: string[]): Run {
  const { values, positionals } = parse(argv, { days: { type: 'string' } }, true);
  // `npm run audit:unknown 7` still works: the days may come bare.
  const days = Number(values.days ?? positionals[0] ?? 2);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new UsageError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
  return async ({ audit, now }) => {
    const found: AuditRecord[] = [];
    // An attempt's outcome is written just after it, which can be past midnight, in the next day's
    // records: a day's attempts with none are listed once the next day's records are read too.
    let open: AuditRecord[] = [];
    for (let i = days - 1; i >= 0; i--) {
      const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
      const unknown = unknownOutcomes([...open, ...(await audit.listByDay(day))], now);
      found.push(...unknown.filter((r) => open.includes(r)));
      open = unknown.filter((r) => !open.includes(r));
    }
    found.push(...open);
    for (const record of found) process.stdout.write(jsonLine(record));
    process.stderr.write(`${found.length} attempt(s) with unknown outcome in the last ${days} day(s)\n`);
  };
}

/** Whether an export has written anything yet: if it then fails, what it wrote is incomplete, and the failure says so. */
let exportStarted = false;

function exportRecords(argv: string[]): Run {
  const { values } = parse(argv, { from: { type: 'string' }, to: { type: 'string' }, person: { type: 'string' }, format: { type: 'string' } });
  const { from, to, person } = values;
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!from && !to) throw new UsageError('export needs --from and --to, each a UTC day as YYYY-MM-DD');
  for (const [option, day] of [['--from', from], ['--to', to]] as const) {
    // A day given is judged before the one missing is asked for: its fix is the one to make first.
    if (day === undefined) continue;
    // Which one, and why: 12/01/2026 could be either month first or day first, so it is not guessed.
    if (!DAY.test(day)) throw new UsageError(`${option} ${day} is not a day as YYYY-MM-DD (year, month, day, as 2026-11-30)`);
    // Date.parse takes 2026-02-30 for 2 March: the day must read back as written.
    if (Number.isNaN(Date.parse(day)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) throw new UsageError(`${option} ${day} is not a day of the calendar`);
  }
  if (!from || !to) throw new UsageError(`export needs ${from ? '--to' : '--from'} too, a UTC day as YYYY-MM-DD`);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const days = daysBetween(from, to);
  if (days.length > MAX_DAYS) throw new UsageError(`export at most ${MAX_DAYS} days at a time (the log keeps no more by default)`);
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format is csv or jsonl');
  if (person !== undefined && !SLACK_USER_ID.test(person) && !EMAIL.test(person)) throw new UsageError(PERSON_FORMS);

  return async ({ audit, memberId }) => {
    // Before any day is read: an email Slack cannot find writes nothing, not a header with no records.
    const member = person === undefined || SLACK_USER_ID.test(person) ? person : await memberId(person);
    let count = 0;
    let unreadable = 0;
    for (const day of days) {
      const records = await audit.listByDay(day);
      // Nothing is written until the first day has been read: an export that cannot read at all
      // (no credentials, no table) leaves an empty file, not a header that looks like no records.
      if (!exportStarted && format === 'csv') process.stdout.write(csvHeader());
      exportStarted = true;
      for (const record of records) {
        if (member && !concerns(record, member)) continue;
        process.stdout.write(format === 'csv' ? csvRow(record) : jsonLine(record));
        count += 1;
        if (record.unreadable) unreadable += 1;
      }
    }
    // Each unreadable one was named above, by its key: here how many, so a reader of the file knows to look.
    const unread = unreadable > 0 ? `, ${unreadable} of them unreadable by this version (phase unreadable: its key, day, time and reference only; the column unreadable names the fields it could not read)` : '';
    process.stderr.write(`${count} record(s) from ${from} to ${to}${member ? ` by or about ${member}${member === person ? '' : ` (${person})`}` : ''}${unread}\n`);
  };
}

function parse<T extends Record<string, { type: 'string' }>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}${optionSuggestion(err as Error, Object.keys(options))}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    // One line, as doctor and manifest say theirs: the 25 lines of usage would scroll it away.
    process.stderr.write(`${err.message}: npm run audit -- --help lists the options\n`);
    process.exit(2);
  }
  const message = noAwsCredentials(err)
    ? 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to credentials that may dynamodb:Query the audit table'
    : err instanceof Error
      ? err.message
      : String(err);
  const partial = exportStarted ? ' (the records written before this are incomplete: discard them and run the export again)' : '';
  process.stderr.write(`audit failed: ${message}${partial}\n`);
  process.exit(err instanceof SetupError ? 2 : 1);
});
