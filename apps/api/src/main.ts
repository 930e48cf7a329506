import { Logger } from '@nestjs/common';
import { runProcess } from '@conclave/bootstrap';
import { DEMO_EMAIL, seedDemo } from './accounts/demo-seed';
import { loadOrCreateKeyFile } from '@conclave/secrets';
import { createApiApp } from './api-app';
import { resolveDatabase } from './database-url';

/**
 * `npm start`: with no environment this is the embedded default (embedded Postgres in ./.data/pg,
 * runs executed in-process, a demo account whose API key is printed on first start).
 */
runProcess({
  service: 'api',
  name: 'Conclave',
  stopping: 'shutting down',
  async start(loaded, pino) {
    // Embedded default: the account secret store's key lives beside the embedded database.
    const config =
      loaded.secrets.encryptionKey || loaded.databaseUrl
        ? loaded
        : { ...loaded, secrets: { ...loaded.secrets, encryptionKey: loadOrCreateKeyFile(loaded.dataDir) } };
    const logger = new Logger('Conclave');
    const database = await resolveDatabase(config, (line) => logger.log(line));
    const api = await createApiApp({ ...config, databaseUrl: database.url }, pino);
    await api.app.listen(config.port, config.host);
    const base = `http://localhost:${config.port}`;
    // Always printed (whatever LOG_LEVEL): scripts and tests wait for this line.
    process.stdout.write(
      `Conclave API listening on ${base} (${config.redisUrl ? 'queue' : 'embedded'} mode)\n`,
    );

    if (config.seedDemo) {
      const seeded = await seedDemo(api.db, config.credits.defaultBalance);
      if (seeded) printQuickStart(base, seeded.apiKey, seeded.flowId);
      else
        process.stdout.write(
          `Demo account ${DEMO_EMAIL} exists; its key was printed on its first start. ` +
            `Lost it? A new key for it: npm run cli -- keys:create\n`,
        );
    }
    return {
      async close() {
        await api.close().catch((err) => logger.error(err));
        await database.embedded?.stop().catch(() => undefined);
      },
    };
  },
});

function printQuickStart(base: string, apiKey: string, flowId: string): void {
  const lines = [
    '',
    'Demo account created. This API key is shown once:',
    '',
    `API key: ${apiKey}`,
    '',
    'Try it (create a chat, send a message and wait for the reply):',
    '',
    `export CONCLAVE_KEY=${apiKey}`,
    `CHAT=$(curl -s -X POST ${base}/chats -H "X-API-Key: $CONCLAVE_KEY" -H 'Content-Type: application/json' \\`,
    `  -d '{"name":"My first chat","from_type":"flow","from_flow":"${flowId}"}' | sed -E 's/.*"id":"([^"]+)".*/\\1/')`,
    `curl -s -X POST "${base}/chats/$CHAT/messages?wait=true" -H "X-API-Key: $CONCLAVE_KEY" \\`,
    `  -H 'Content-Type: application/json' -d '{"message":"Hello!"}'`,
    `curl -s ${base}/chats/$CHAT/messages -H "X-API-Key: $CONCLAVE_KEY"`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
