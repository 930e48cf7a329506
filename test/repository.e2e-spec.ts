import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Every tracked text file of the checkout (what a clone has). */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(
      (f) =>
        f && !f.endsWith('package-lock.json') && /\.(ts|js|mjs|md|json|yml|ya?ml|txt)$|Dockerfile$/.test(f),
    )
    .filter((f) => existsSync(join(ROOT, f)));
}

/** The repository stands alone: its docs are in the repository, and every pointer resolves. */
describe('the repository stands alone', () => {
  const files = trackedFiles();

  it('points to no document outside the repository', () => {
    // Built from parts so this file does not match itself.
    const outside = new RegExp(
      [
        'seeds' + '/',
        'DESIGN' + '\\.md',
        'AG2-' + 'SEMANTICS',
        'PERFORMANCE' + '\\.md',
        '\\.\\./' + 'shared',
        '/work/' + 'shared',
      ].join('|'),
    );
    const hits = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => (outside.test(line) ? `${file}:${i + 1}: ${line.trim()}` : null))
        .filter((hit): hit is string => hit !== null),
    );
    expect(hits).toEqual([]);
  });

  it('every docs/… file named anywhere exists', () => {
    const missing = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\bdocs\/[\w.-]+\.md/g)]
        .map((m) => m[0])
        .filter((doc) => !existsSync(join(ROOT, doc)))
        .map((doc) => `${file} → ${doc}`),
    );
    expect(missing).toEqual([]);
  });

  it('every relative link in the README and docs/ resolves', () => {
    const markdown = files.filter((f) => f === 'README.md' || f.startsWith('docs/') || f === 'BENCHMARKS.md');
    const broken = markdown.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/i.test(target))
        .filter((target) => !existsSync(resolve(ROOT, dirname(file), target)))
        .map((target) => `${file} → ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('has the documentation the README lists', () => {
    for (const doc of ['architecture', 'engine', 'queue-mode', 'compatibility']) {
      expect(existsSync(join(ROOT, 'docs', `${doc}.md`))).toBe(true);
      expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`](docs/${doc}.md)`);
    }
  });
});
