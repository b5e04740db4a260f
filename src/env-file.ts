import { existsSync, readFileSync } from 'node:fs';

/** What loadDotEnv read, for loadConfig to tell: the variables whose value in .env was cut short. */
export interface DotEnvRead {
  /**
   * Variables taken from .env whose unquoted value holds a '#' that starts no comment anyone
   * meant (`PASSWORD_SYMBOLS=!#$%`, `APPROVALS_CHANNEL_ID=#it-approvals`): node's parser reads the
   * rest of the line as a comment, so the value is cut there without a word.
   */
  readonly cutAtHash: readonly string[];
}

/**
 * `.env` in the working directory, when there is one, for local runs: npm start, npm run doctor and
 * npm run audit read the same settings from it. A variable the environment already has wins, as
 * with node --env-file (process.loadEnvFile never overwrites one).
 */
export function loadDotEnv(path = '.env'): DotEnvRead {
  if (!existsSync(path)) return { cutAtHash: [] };
  const before = new Set(Object.keys(process.env));
  process.loadEnvFile(path);
  // Read again, as text, for what node's parser does not say: only the lines it took.
  return { cutAtHash: valuesCutAtHash(readFileSync(path, 'utf8')).filter((name) => !before.has(name)) };
}

/**
 * The names whose unquoted value a '#' cuts short: one right after `=`, or after any character
 * but a space or tab (`KEY=value # note` and `KEY= # note` are comments their writer meant, and
 * are not named). A
 * quoted value is whole, and a value quoted over several lines is skipped to its closing quote.
 */
export function valuesCutAtHash(text: string): string[] {
  const names: string[] = [];
  let openQuote: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      continue;
    }
    const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(line);
    if (!assignment) continue;
    const [, name, value] = assignment as unknown as [string, string, string];
    const quoted = value.trimStart();
    const first = quoted[0];
    if (first === '"' || first === "'" || first === '`') {
      if (!quoted.slice(1).includes(first)) openQuote = first;
      continue;
    }
    const hash = value.indexOf('#');
    if (hash === 0 || (hash > 0 && !/[ \t]/.test(value[hash - 1]!))) names.push(name);
  }
  return names;
}
