import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Test defaults (docs/architecture.md, testing); override with TEST_DATABASE_URL / TEST_REDIS_URL. */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const START_PG = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** A fresh, empty database for one test file; dropped by `drop()`. Fails loudly when Postgres is down. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `conclave_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `Postgres is not reachable at ${PG_ADMIN_URL} (${(err as Error).message}). Start it: ${START_PG}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
