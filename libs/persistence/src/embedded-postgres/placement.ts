import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the embedded Postgres runs from and as whom.
 *
 * Postgres refuses to run as root. For anyone else it simply runs as the invoking user from
 * node_modules with its data in DATA_DIR/pg. As root it runs as the `postgres` OS user, which
 * often cannot reach the checkout (a clone in /root or in a `mktemp -d` directory is mode 0700):
 * then the binaries are copied once to /var/lib/conclave/postgres-<version>, and the cluster is
 * created under /var/lib/conclave/clusters/ with DATA_DIR/pg a symlink to it.
 */
export interface Placement {
  /** Directory containing bin/initdb and bin/postgres. */
  nativeDir: string;
  /** Real path of the cluster's data directory (PGDATA). */
  clusterDir: string;
  /** uid/gid the server runs as; undefined → the invoking user. */
  runAs?: { uid: number; gid: number };
  serverUser: string;
  /** Set when the cluster lives outside DATA_DIR (DATA_DIR/pg is a symlink to it). */
  relocated: boolean;
}

/** Root-owned home for binaries and clusters the `postgres` user must reach. */
export const SHARED_HOME = '/var/lib/conclave';

export function placeEmbeddedPostgres(dataDir: string, nativeDir: string, version: string): Placement {
  const linkPath = join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  if (!isRoot()) {
    mkdirSync(linkPath, { recursive: true, mode: 0o700 });
    return {
      nativeDir,
      clusterDir: realpathSync(linkPath),
      serverUser: currentUserName(),
      relocated: false,
    };
  }

  const runAs = postgresUser();
  const usableNative = canAccess(runAs, join(nativeDir, 'bin', 'postgres'), '-x')
    ? nativeDir
    : sharedCopyOfBinaries(nativeDir, version);

  // An existing cluster (a directory or our symlink) stays where it is.
  const existing = existingCluster(linkPath);
  if (existing && canAccess(runAs, existing, '-w')) {
    return {
      nativeDir: usableNative,
      clusterDir: existing,
      runAs,
      serverUser: 'postgres',
      relocated: existing !== resolve(linkPath),
    };
  }
  if (existing && existsSync(join(existing, 'PG_VERSION'))) {
    // A cluster the server user cannot reach (e.g. the checkout was moved into a private directory).
    return { nativeDir: usableNative, clusterDir: existing, runAs, serverUser: 'postgres', relocated: false };
  }
  if (existing) rmSync(linkPath, { recursive: true, force: true }); // empty leftover of a failed start

  mkdirSync(linkPath, { mode: 0o700 });
  chownSync(linkPath, runAs.uid, runAs.gid);
  if (canAccess(runAs, linkPath, '-w')) {
    return {
      nativeDir: usableNative,
      clusterDir: realpathSync(linkPath),
      runAs,
      serverUser: 'postgres',
      relocated: false,
    };
  }
  rmSync(linkPath, { recursive: true, force: true });
  const clusters = join(SHARED_HOME, 'clusters');
  mkdirSync(clusters, { recursive: true, mode: 0o755 });
  const clusterDir = join(clusters, `pg-${randomBytes(6).toString('hex')}`);
  mkdirSync(clusterDir, { mode: 0o700 });
  chownSync(clusterDir, runAs.uid, runAs.gid);
  symlinkSync(clusterDir, linkPath);
  return { nativeDir: usableNative, clusterDir, runAs, serverUser: 'postgres', relocated: true };
}

/** The cluster DATA_DIR/pg points at, or null (a dangling symlink is removed). */
function existingCluster(linkPath: string): string | null {
  let stat;
  try {
    stat = lstatSync(linkPath);
  } catch {
    return null;
  }
  if (stat.isSymbolicLink()) {
    const target = resolve(dirname(linkPath), readlinkSync(linkPath));
    if (existsSync(target)) return target;
    rmSync(linkPath, { force: true });
    return null;
  }
  return stat.isDirectory() ? resolve(linkPath) : null;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function currentUserName(): string {
  try {
    return execFileSync('id', ['-un']).toString().trim();
  } catch {
    return 'the current user';
  }
}

/** The `postgres` OS user, created (as a system user) when missing. */
function postgresUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    return lookup();
  }
}

/** `test <flag> path` run as the given user: checks every directory on the way, not just the last. */
function canAccess(user: { uid: number; gid: number }, path: string, flag: '-x' | '-w'): boolean {
  const result = spawnSync('test', [flag, path], { uid: user.uid, gid: user.gid, cwd: '/' });
  return result.status === 0;
}

/** Copies the binaries once per version to a root-owned, world-readable place (atomically: tests start in parallel). */
function sharedCopyOfBinaries(nativeDir: string, version: string): string {
  const target = join(SHARED_HOME, `postgres-${version}`);
  if (existsSync(join(target, '.complete'))) return target;
  mkdirSync(SHARED_HOME, { recursive: true, mode: 0o755 });
  const staging = `${target}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(staging, '.complete'), `${version}\n`);
  try {
    renameSync(staging, target);
  } catch {
    // another process won the race; its copy is as good as ours
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(join(target, '.complete')))
    throw new Error(`could not copy the Postgres binaries to ${target}`);
  return target;
}
