import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseArgs } from 'node:util';
import { concerns, csvHeader, csvRow, daysBetween, jsonLine, type ExportFormat } from './audit/audit-export';
import { DynamoDbAuditLog } from './audit/dynamodb-audit-log';
import { AWS_CLIENT } from './aws-client';
import { noAwsCredentials } from './aws/no-credentials';
import { quietNodeVersionNotice } from './aws/node-version-notice';
import { optionSuggestion } from './cli-args';
import { loadDotEnv } from './env-file';
import { unknownOutcomes } from './flows/unknown-outcomes';
import { missingTable } from './start-checks';
import { closestName } from './setting-names';

const USAGE = `Latchkey's audit log, for operators (AWS credentials of your own: dynamodb:Query on the audit table's by-day index).

usage:
  npm run audit -- unknown [--days N]
      Attempts with no outcome record, or whose directory never confirmed the change, in the last N
      UTC days (default 2, at most 400), as JSON lines: the change may or may not have happened;
      check the directory and the person.
  npm run audit -- export --from YYYY-MM-DD --to YYYY-MM-DD [--person U…] [--format csv|jsonl]
      Every record of those UTC days (both included, at most 400), oldest first, to standard output:
      CSV with a header (the default) or JSON lines. --person keeps the records by or about one
      Slack user. Records never hold a PIN or password. To a file, run npm with -s, which keeps
      npm's own lines out of it: npm run -s audit -- export --from … --to … > records.csv
  npm run audit -- --help

The table is AUDIT_TABLE_NAME (default latchkey-audit); region and endpoint come from the AWS SDK's
usual settings (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DYNAMODB). It reads the same environment
(and .env) as npm start.
`;

class UsageError extends Error {}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 400;
const SUBCOMMANDS = ['export', 'unknown'];

/**
 * `npm run audit -- <subcommand>`: an entry point of its own, like main.ts. It builds the one
 * client it needs; nothing here goes through Slack, so audit data leaves the AWS account only
 * through an operator's own credentials.
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
  loadDotEnv();
  quietNodeVersionNotice();
  const client = new DynamoDBClient(AWS_CLIENT);
  // The SDK's own words are "Region is missing", at the first query: name the setting before it.
  if (!(await client.config.region().catch(() => undefined))) {
    client.destroy();
    throw new Error('no AWS region: set AWS_REGION to the audit table\'s region (as AWS_REGION=eu-west-1), or AWS_PROFILE to a profile that names one');
  }
  const now = new Date();
  const tableName = process.env.AUDIT_TABLE_NAME || 'latchkey-audit';
  const audit = new DynamoDbAuditLog(client, tableName, 1, { now: () => now });
  try {
    await run(audit, now);
  } catch (err) {
    // The SDK says only "Requested resource not found": name the table, its setting and what to do, as the start does.
    if ((err as Error).name === 'ResourceNotFoundException') throw new Error(missingTable({ variable: 'AUDIT_TABLE_NAME', tableName }, await client.config.region()), { cause: err });
    throw err;
  } finally {
    client.destroy();
  }
}

/** A subcommand whose arguments have been checked, to run against the audit log. */
type Run = (audit: DynamoDbAuditLog, now: Date) => Promise<void>;

function unknown(argv: string[]): Run {
  const { values, positionals } = parse(argv, { days: { type: 'string' } }, true);
  // `npm run audit:unknown 7` still works: the days may come bare.
  const days = Number(values.days ?? positionals[0] ?? 2);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new UsageError(`--days must be a whole number from 1 to ${MAX_DAYS}`);
  return async (audit, now) => {
    const found = [];
    for (let i = days - 1; i >= 0; i--) {
      const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10);
      found.push(...unknownOutcomes(await audit.listByDay(day), now));
    }
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
  if (!from || !to) throw new UsageError(`export needs ${from ? '--to' : '--from'} too, a UTC day as YYYY-MM-DD`);
  for (const [option, day] of [['--from', from], ['--to', to]] as const) {
    // Which one, and why: 12/01/2026 could be either month first or day first, so it is not guessed.
    if (!DAY.test(day)) throw new UsageError(`${option} ${day} is not a day as YYYY-MM-DD (year, month, day, as 2026-11-30)`);
    // Date.parse takes 2026-02-30 for 2 March: the day must read back as written.
    if (Number.isNaN(Date.parse(day)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) throw new UsageError(`${option} ${day} is not a day of the calendar`);
  }
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const days = daysBetween(from, to);
  if (days.length > MAX_DAYS) throw new UsageError(`export at most ${MAX_DAYS} days at a time (the log keeps no more by default)`);
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format is csv or jsonl');
  if (person !== undefined && !/^[UW][A-Z0-9]{2,}$/.test(person)) throw new UsageError('--person is a Slack user ID such as U0123ABCD');

  return async (audit) => {
    let count = 0;
    for (const day of days) {
      const records = await audit.listByDay(day);
      // Nothing is written until the first day has been read: an export that cannot read at all
      // (no credentials, no table) leaves an empty file, not a header that looks like no records.
      if (!exportStarted && format === 'csv') process.stdout.write(csvHeader());
      exportStarted = true;
      for (const record of records) {
        if (person && !concerns(record, person)) continue;
        process.stdout.write(format === 'csv' ? csvRow(record) : jsonLine(record));
        count += 1;
      }
    }
    process.stderr.write(`${count} record(s) from ${from} to ${to}${person ? ` by or about ${person}` : ''}\n`);
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
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const message = noAwsCredentials(err)
    ? 'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to credentials that may dynamodb:Query the audit table'
    : err instanceof Error
      ? err.message
      : String(err);
  const partial = exportStarted ? ' (the records written before this are incomplete: discard them and run the export again)' : '';
  process.stderr.write(`audit failed: ${message}${partial}\n`);
  process.exit(1);
});
