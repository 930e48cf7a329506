import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded default's secrets key: generated into `DATA_DIR/secrets.key` (mode 0600) on first
 * start and read on later ones. Deployments with DATABASE_URL set `SECRETS_ENCRYPTION_KEY` instead,
 * since their API and worker processes may not share a disk.
 */
export function loadOrCreateKeyFile(dataDir: string): string {
  const file = join(dataDir, 'secrets.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
