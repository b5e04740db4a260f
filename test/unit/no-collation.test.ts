import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');

/**
 * The app orders ISO timestamps, request IDs and label names, for which the locale's collation and
 * compareText agree; but the collation's first use maps about 3 MB of ICU data into the process for
 * good, of a 100 MB budget (issue 28). Every sort in src/ says so by not using it.
 */
describe("the app's sorts", () => {
  it("never use the locale's collation (localeCompare, Intl.Collator)", () => {
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(50);
    const using = files.filter((f) => /\blocaleCompare\s*\(|\bIntl\.Collator\b/.test(readFileSync(join(SRC, f), 'utf8')));
    expect(using).toEqual([]);
  });
});
