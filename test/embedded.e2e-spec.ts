import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { call, waitFor } from './support/api';
import { API_MAIN, freePort, startProcess, type AppProcess } from './support/processes';
import { createTestDatabase } from './support/services';

const CLI = resolve(__dirname, '../dist/apps/api/src/cli.js');

/** The README's quick start: `npm start` with no environment, then the printed curl sequence. */
describe('embedded default (npm start with no configuration)', () => {
  let dataDir: string;
  let proc: AppProcess;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-embedded-'));
    const port = await freePort();
    const pgPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = await startProcess(
      API_MAIN,
      { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) },
      /from_flow[\s\S]*messages -H/,
      90_000,
    );
  }, 120_000);

  afterAll(async () => {
    await proc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints an API key once and a curl sequence that works', async () => {
    const output = proc.output();
    const key = output.match(/^API key: (ck_\S+)$/m)?.[1];
    const flowId = output.match(/"from_flow":"([0-9a-f-]{36})"/)?.[1];
    expect(key).toBeDefined();
    expect(flowId).toBeDefined();
    const h = { 'X-API-Key': key! };

    const chat = await call(
      base,
      'POST',
      '/chats',
      { name: 'My first chat', from_type: 'flow', from_flow: flowId },
      h,
    );
    expect(chat.status).toBe(201);
    expect(chat.body.status).toBe('ready');
    const sent = await call(base, 'POST', `/chats/${chat.body.id}/messages`, { message: 'Hello!' }, h);
    expect(sent.status).toBe(202);
    await waitFor(
      async () =>
        (await call(base, 'GET', `/chats/${chat.body.id}`, undefined, h)).body.status ===
        'wait_for_human_input',
    );
    const messages = await call(base, 'GET', `/chats/${chat.body.id}/messages`, undefined, h);
    expect(messages.body.map((m: any) => m.sender)).toEqual(['user', 'assistant']);
    const exit = await call(base, 'POST', `/chats/${chat.body.id}/input?wait=true`, { message: 'exit' }, h);
    expect(exit.body.chat.status).toBe('completed');
    // the secret is stored only as a hash: it never appears in an API response
    const keys = await call(base, 'GET', '/api-keys', undefined, h);
    expect(JSON.stringify(keys.body)).not.toContain(key);
  });
});

describe('CLI bootstrap: npm run cli -- keys:create', () => {
  it('creates an account and a working key, printed once', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const api = await startProcess(
      API_MAIN,
      { DATABASE_URL: database.url, PORT: String(port), SEED_DEMO: 'false' },
      /listening on/,
    );
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [CLI, 'keys:create', '--email', 'ops@example.com'],
        {
          env: { PATH: process.env.PATH, DATABASE_URL: database.url },
        },
      );
      const key = stdout.match(/^API key: (ck_\S+)$/m)?.[1];
      expect(key).toBeDefined();
      const res = await call(`http://127.0.0.1:${port}`, 'GET', '/account', undefined, {
        Authorization: `Bearer ${key}`,
      });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe('ops@example.com');
    } finally {
      await api.stop();
      await database.drop();
    }
  });
});
