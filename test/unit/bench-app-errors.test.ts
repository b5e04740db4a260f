import { reportedFirst, worthReporting } from '../../bench/processes';
import { createLogger } from '../../src/logger';

/** The lines the app's own logger writes, as the bench reads them from its output. */
function linesLogged(log: (logger: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(s.trimEnd()) });
  log(logger);
  return lines;
}

describe("the bench's report of what the app logged (bench/processes.ts)", () => {
  it("reports the app's error and fatal lines and any line that pages, as its logger writes them", () => {
    const [error, fatal, paged] = linesLogged((l) => {
      l.error({ code: 'STORE_UNAVAILABLE' }, 'could not save the request');
      l.fatal('cannot start');
      l.warn({ alert: true }, 'a fault of ours, logged as a warning');
    });
    // Before: only pino's numeric levels (50, 60) were read, and this logger writes names, so a run
    // whose commands failed on the app's own errors reported none of them.
    expect(worthReporting(error!)).toBe(true);
    expect(worthReporting(fatal!)).toBe(true);
    expect(worthReporting(paged!)).toBe(true);
  });

  it('leaves out the info and warning lines of a healthy run, and blank lines', () => {
    const lines = linesLogged((l) => {
      l.info('Latchkey is ready');
      l.warn({ code: 'RATE_LIMITED' }, 'a person reached the limit');
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(worthReporting(line)).toBe(false);
    expect(worthReporting('   ')).toBe(false);
  });

  it("reports what is not a log line (a Node warning, a crash's stack) and pino's numeric levels", () => {
    expect(worthReporting('(node:123) Warning: something')).toBe(true);
    expect(worthReporting('    at Object.<anonymous> (dist/main.js:1:1)')).toBe(true);
    expect(worthReporting('{"level":50,"msg":"x"}')).toBe(true);
    expect(worthReporting('{"level":30,"msg":"x"}')).toBe(false);
  });
});

describe("the bench's printed lines of what the app logged", () => {
  it("puts the app's own log lines before a warning Node prints at every start, so the warning never hides them", () => {
    const nodeWarning = Array.from({ length: 7 }, (_, i) => `(node:1) Warning line ${i + 1}`);
    const [error] = linesLogged((l) => l.error('could not save the request'));
    expect(reportedFirst([...nodeWarning, error!])).toEqual([error, ...nodeWarning.slice(0, 4)]);
  });
});
