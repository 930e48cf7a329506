import type { AppConfig } from '@conclave/config';
import { Client } from 'pg';
import { embeddedDatabaseUrl, startEmbeddedPostgres, type EmbeddedDatabase } from '@conclave/persistence';

/**
 * DATABASE_URL when set; otherwise the embedded Postgres in DATA_DIR (reused when another Conclave
 * process, e.g. the running server, already started it: its password is in DATA_DIR).
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  const running = embeddedDatabaseUrl(config.dataDir, config.embeddedPgPort);
  if (running && (await reachable(running))) return { url: running, embedded: null };
  log(`Starting embedded Postgres in ${config.dataDir}/pg (port ${config.embeddedPgPort})...`);
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return { url: embedded.url, embedded };
}

/** Bounded: whatever listens on the port may not speak Postgres at all. */
async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
