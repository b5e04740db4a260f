import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from './setting-names';

/**
 * node:util's parseArgs for a command line (`npm run <script> -- …`), whose refusals (an unknown
 * option, a value missing, an argument it does not take) say where the options are: its own
 * error is a TypeError whose message says only "Unknown option '--bogus'". Throws an Error with
 * one line fit for the terminal; any other error as it came.
 */
export function parseArgsPointingAtHelp<T extends ParseArgsConfig>(config: T, script: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new Error(`${(err as Error).message}${optionSuggestion(err as Error, Object.keys(config.options ?? {}))}: npm run ${script} -- --help lists the options`, { cause: err });
    }
    throw err;
  }
}

/** " (did you mean --port?)" for parseArgs' "Unknown option '--prot'" when a known option is a letter or two off; '' otherwise. */
export function optionSuggestion(err: Error, known: readonly string[]): string {
  const typed = /^Unknown option '--([^'=]+)'/.exec(err.message)?.[1];
  const meant = typed === undefined ? undefined : closestName(typed, known);
  return meant === undefined ? '' : ` (did you mean --${meant}?)`;
}
