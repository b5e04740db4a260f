import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Every Markdown file the repository holds (tracked, or new in the working tree). */
const MARKDOWN = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/') && existsSync(join(ROOT, f)));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
}

/** Relative links, `[text](target)` and `![alt](target)`, outside code blocks. */
function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('links in the Markdown files', () => {
  it('finds the files to check', () => {
    expect(MARKDOWN).toEqual(expect.arrayContaining(['README.md', 'docs/deploy.md', 'docs/performance.md']));
  });

  it.each(MARKDOWN)('%s: every relative link and anchor resolves', (file) => {
    const path = join(ROOT, file);
    const broken = linksOf(path).filter((link) => {
      const [target, hash] = link.split('#');
      const dest = target ? resolve(dirname(path), decodeURI(target)) : path;
      if (!existsSync(dest)) return true;
      return hash !== undefined && dest.endsWith('.md') && !anchorsOf(dest).has(hash);
    });
    expect(broken).toEqual([]);
  });
});
