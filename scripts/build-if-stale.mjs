#!/usr/bin/env node
// `npm start` builds only when a source is newer than the last complete build (dist/.built),
// so a second start takes seconds. `npm test` and CI always run the full `npm run build`.
// `--if-missing` (npm run cli) builds only when there is no build at all: it never rebuilds or
// deletes dist under a running server, it only notes that sources changed.
// `--check` only says whether a build is needed (exit 0: up to date, 1: stale).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');
const SOURCES = ['apps', 'libs', 'bench', 'packages'];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'dist') visit(join(path, name));
    } else if (/\.(ts|tsx|mts|json|css|html)$/.test(path)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of FILES)
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

const stale = !existsSync(stamp) || statSync(stamp).mtimeMs < newestSource();
if (process.argv.includes('--check')) {
  process.stdout.write(stale ? 'build needed\n' : 'build up to date\n');
  process.exit(stale ? 1 : 0);
}
if (process.argv.includes('--if-missing') && existsSync(join(root, 'dist', 'apps'))) {
  if (stale)
    process.stderr.write('note: sources changed since the last build; `npm run build` to use them\n');
  process.exit(0);
}
if (stale) execSync('npm run build', { cwd: root, stdio: 'inherit' });
