import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');

/** Every .ts file under a folder of src/, as a path relative to src/. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

/** What a file of src/ imports from src/ (static, type-only and dynamic imports alike), as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm)].map((m) => relative(SRC, resolve(dirname(join(SRC, file)), m[1]!)));
}

/** Dependencies point inward (GUIDE, Architecture): what every part uses must not lean on a plug-in's code. */
describe('dependencies', () => {
  it('the HTTP stack and the Slack client import nothing from src/credentials/ or src/verifiers/: the core, the doctor and the start use them too', () => {
    const outward = ['http', 'slack'].flatMap(filesUnder).flatMap((file) => importsOf(file).filter((to) => /^(credentials|verifiers)(\/|$)/.test(to)).map((to) => `${file} → ${to}`));
    expect(outward).toEqual([]);
  });

  it("the core (src/ outside credentials/ and verifiers/) imports from the plug-ins' folders only the registries and the plug-in contracts: the start's checks, the CLIs and the composition root lean on no plug-in's code", () => {
    const CONTRACTS = ['credentials', 'credentials/index', 'credentials/credential', 'credentials/registry', 'verifiers', 'verifiers/index', 'verifiers/verifier'];
    const core = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !/^(credentials|verifiers)\//.test(f));
    expect(core).toEqual(expect.arrayContaining(['start-checks.ts', 'audit-cli.ts', 'app.ts', 'config.ts']));
    const outward = core.flatMap((file) =>
      importsOf(file)
        .filter((to) => /^(credentials|verifiers)(\/|$)/.test(to) && !CONTRACTS.includes(to))
        .map((to) => `${file} → ${to}`),
    );
    expect(outward).toEqual([]);
  });

  it("a plug-in's folder imports only from the core and the shared modules, never from another plug-in's folder: each can be left out alone", () => {
    const folders = ['credentials', 'verifiers'].flatMap((kind) =>
      readdirSync(join(SRC, kind), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${kind}/${entry.name}`),
    );
    expect(folders).toEqual(expect.arrayContaining(['credentials/okta', 'verifiers/okta', 'verifiers/duo']));
    const across = folders.flatMap((folder) =>
      filesUnder(folder).flatMap((file) =>
        importsOf(file)
          .filter((to) => folders.some((other) => other !== folder && (to === other || to.startsWith(`${other}/`))))
          .map((to) => `${file} → ${to}`),
      ),
    );
    expect(across).toEqual([]);
  });

  it("the start's checks, which `npm run audit` loads, load neither the configuration's schema nor any credential's code: the CLI starts without every directory's SDK", () => {
    const loaded = spawnSync(process.execPath, ['-e', "require('./dist/start-checks.js'); process.stdout.write(JSON.stringify(Object.keys(require.cache)))"], { cwd: join(SRC, '..'), encoding: 'utf8' });
    expect(loaded.status).toBe(0);
    const files = (JSON.parse(loaded.stdout) as string[]).map((f) => relative(join(SRC, '..', 'dist'), f));
    expect(files).toContain('start-checks.js');
    expect(files.filter((f) => f === 'config.js' || /^(credentials|verifiers)\//.test(f))).toEqual([]);
  });
});
