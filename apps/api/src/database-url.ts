import type { AppConfig } from '@conclave/config';
import { Database, startEmbeddedPostgres, type EmbeddedDatabase } from '@conclave/persistence';

/**
 * DATABASE_URL when set; otherwise the embedded Postgres in DATA_DIR (reused when another Conclave
 * process, e.g. the running server, already started it).
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  const url = `postgres://postgres:postgres@127.0.0.1:${config.embeddedPgPort}/conclave`;
  if (await reachable(url)) return { url, embedded: null };
  log(`Starting embedded Postgres in ${config.dataDir}/pg (port ${config.embeddedPgPort})...`);
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return { url: embedded.url, embedded };
}

async function reachable(url: string): Promise<boolean> {
  const db = new Database(url, { poolSize: 1 });
  try {
    await db.connect();
    return true;
  } catch {
    return false;
  } finally {
    await db.close().catch(() => undefined);
  }
}
