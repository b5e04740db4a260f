import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireOption } from '../support/node-options';

describe("the tests' NODE_OPTIONS --require", () => {
  it('loads a file whose path has spaces, double quotes and backslashes, as Node reads NODE_OPTIONS', () => {
    const root = mkdtempSync(join(tmpdir(), 'latchkey-node-options-'));
    try {
      const dir = join(root, 'My Projects', 'a "quoted" and \\ back');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'mark.js');
      writeFileSync(file, "process.stdout.write('required');\n");
      const run = spawnSync(process.execPath, ['-e', ''], { env: { PATH: process.env.PATH, NODE_OPTIONS: requireOption(file) }, encoding: 'utf8' });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'required', stderr: '' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
