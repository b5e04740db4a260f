import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, any>;

/**
 * npm 11 runs a dependency's install script only as package.json's allowScripts says: it warns on
 * `npm ci` about every package the list leaves out, and a later npm skips their scripts.
 */
describe("package.json's allowScripts", () => {
  const allow = (read('package.json').allowScripts ?? {}) as Record<string, boolean>;
  const withScripts = Object.entries(read('package-lock.json').packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('decides every dependency with an install script in package-lock.json, so npm ci has nothing to warn about', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => typeof allow[name] !== 'boolean')).toEqual([]);
  });

  it('allows the scripts the tests, the build and the sandbox need: esbuild, dynalite\'s LevelDB (classic-level) and jest\'s resolver (unrs-resolver)', () => {
    expect(allow).toMatchObject({ esbuild: true, 'classic-level': true, 'unrs-resolver': true });
  });
});
