import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { call } from './support/api';
import {
  composeVariables,
  dockerfileStages,
  execForm,
  loadCompose,
  parseDotenv,
  stageEnv,
  type ComposeFile,
  type DockerInstruction,
} from './support/compose';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';
import { freePort, startProcess, type AppProcess } from './support/processes';
import { createTestDatabase, PG_ADMIN_URL, REDIS_URL } from './support/services';

/**
 * Docker cannot run in CI (no engine), so this test runs what the image and compose declare without
 * it: the Dockerfile's runtime stage and docker-compose.yml are parsed, and the api, worker and
 * bootstrap services' commands are started exactly as declared (image ENV + compose environment
 * interpolated from .env.example) against the test Postgres and Redis. Only what containers give
 * for free is changed: the `postgres`/`redis` host names, ports (free ones, every process shares
 * this host), HOST, DATA_DIR (a temp folder for /data) and per-test Redis/queue prefixes.
 */
const ROOT = resolve(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const composeText = read('docker-compose.yml');
const envExample = parseDotenv(read('.env.example'));
const stages = dockerfileStages(read('Dockerfile'));
const runtime = stages[stages.length - 1];
const build = stages[0];
const instruction = (stage: DockerInstruction[], keyword: string) =>
  stage.filter((i) => i.keyword === keyword).pop();

describe('deployment files', () => {
  it('.env.example lists every variable docker-compose.yml uses', () => {
    const used = composeVariables(composeText);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((name) => !(name in envExample))).toEqual([]);
  });

  it('compose has postgres, redis, api, worker and a bootstrap one-shot wired by health', () => {
    const compose = loadCompose(composeText, envExample);
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'bootstrap',
      'postgres',
      'proxy',
      'redis',
      'worker',
    ]);
    for (const name of ['postgres', 'redis', 'worker']) expect(services[name].healthcheck).toBeDefined();
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.worker.depends_on?.api).toEqual({ condition: 'service_healthy' });
    expect(services.bootstrap.depends_on?.api).toEqual({ condition: 'service_healthy' });
    // The provider keys and the secret store's key reach both processes that may need them.
    for (const name of ['api', 'worker']) {
      for (const key of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_API_KEY', 'SECRETS_ENCRYPTION_KEY']) {
        expect(services[name].environment).toHaveProperty(key);
      }
    }
    // The api runs the image's default command; all three are the image built from this repository.
    expect(services.api.command).toEqual(execForm(instruction(runtime, 'CMD')!.args));
    for (const name of ['api', 'worker', 'bootstrap']) expect(services[name].build).toBe('.');
  });

  it('two API instances behind one published port: the proxy pins a client to an instance, passes upgrades', () => {
    const { services } = loadCompose(composeText, envExample);
    expect(services.api.deploy).toEqual({ replicas: 2 });
    expect(services.api.ports).toBeUndefined();
    expect(services.api.environment?.TRUST_PROXY).toBe('uniquelocal');
    expect(services.proxy.ports).toEqual([`${envExample.CONCLAVE_PORT}:8080`]);
    expect(services.proxy.depends_on?.api).toEqual({ condition: 'service_healthy' });
    const mount = services.proxy.volumes!.map((v) => v.split(':'));
    expect(mount).toEqual([['./deploy/nginx.conf', '/etc/nginx/nginx.conf', 'ro']]);
    const nginx = read(mount[0][0]);
    expect(nginx).toMatch(/listen 8080;/);
    expect(nginx).toMatch(/upstream conclave_api \{[^}]*ip_hash;[^}]*server api:3000\b[^}]*\}/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginx).toMatch(/proxy_buffering off;/);
  });

  it("the Dockerfile's runtime stage: Node LTS, non-root, writable DATA_DIR, healthcheck, port", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const image = instruction(runtime, 'FROM')!.args;
    const major = Number(/node:(\d+)/.exec(image)?.[1]);
    // An even (LTS) release, at least the minimum package.json's engines accept.
    const engines = JSON.parse(read('package.json')).engines.node as string;
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)![1]));
    expect(instruction(build, 'FROM')!.args).toContain(`node:${major}`);

    const user = instruction(runtime, 'USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);

    const dataDir = stageEnv(runtime).DATA_DIR;
    expect(dataDir).toMatch(/^\//);
    const runs = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => r.includes(`chown ${user}`) && r.includes(dataDir))).toBe(true);

    expect(instruction(runtime, 'EXPOSE')!.args).toBe(stageEnv(runtime).PORT);
    expect(instruction(runtime, 'HEALTHCHECK')).toBeDefined();
  });

  it('the build stage copies files that exist, and the entry commands exist in dist after the build', () => {
    for (const copy of build.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    }
    const compose = loadCompose(composeText, envExample);
    const entries = [
      execForm(instruction(runtime, 'CMD')!.args),
      ...['api', 'worker', 'bootstrap'].map((s) => compose.services[s].command!),
    ];
    for (const command of entries) {
      expect(command[0]).toBe('node');
      expect([command[1], existsSync(join(ROOT, command[1]))]).toEqual([command[1], true]);
    }
  });

  it('everything the built server requires is a production dependency (it survives npm prune --omit=dev)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const missing = new Set<string>();
    for (const file of jsFiles(join(ROOT, 'dist/apps')).concat(jsFiles(join(ROOT, 'dist/libs')))) {
      for (const m of readFileSync(file, 'utf8').matchAll(
        /\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g,
      )) {
        const specifier = m[1].replace(/^node:/, '');
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        if (!allowed.has(name)) missing.add(`${name} (${file.slice(ROOT.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

describe('compose services run without Docker', () => {
  const prefix = `deploy-${randomBytes(4).toString('hex')}`;
  const openaiKey = `sk-compose-${randomBytes(6).toString('hex')}`;
  const adminEmail = `admin-${randomBytes(4).toString('hex')}@deploy.test`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let llm: FakeOpenAiServer;
  let compose: ComposeFile;
  let dataDir: string;
  let api: AppProcess;
  let worker: AppProcess;
  let apiEnv: Record<string, string>;
  let workerEnv: Record<string, string>;
  let apiUrl: string;
  const pg = new URL(PG_ADMIN_URL);
  const redis = new URL(REDIS_URL);

  /** The container's environment: image ENV, then the service's, with container-only facts swapped. */
  function serviceEnv(service: string, extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = { ...stageEnv(runtime) };
    for (const [key, value] of Object.entries(compose.services[service].environment ?? {})) {
      env[key] = value === null ? '' : String(value);
    }
    for (const [key, value] of Object.entries(env)) env[key] = toLoopback(value);
    return {
      ...env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      CONCLAVE_QUEUE_PREFIX: prefix,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  /** `postgres:5432` and `redis:6379` are compose service names; here they are the test services. */
  function toLoopback(value: string): string {
    if (!/^(postgres|redis):\/\//.test(value)) return value;
    const url = new URL(value);
    if (url.hostname === 'postgres') url.host = pg.host;
    if (url.hostname === 'redis') url.host = redis.host;
    return url.toString();
  }

  /** Runs a healthcheck's exec form (`CMD` dropped) with the container's environment: exit code. */
  function runCheck(command: string[], env: Record<string, string>): Promise<number | null> {
    const [program, ...args] = command[0] === 'CMD' ? command.slice(1) : command;
    expect(program).toBe('node');
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    return new Promise((r) => child.once('exit', (code) => r(code)));
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    llm = await startFakeOpenAiServer({ replies: ['Deployed and answering.'] });
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-deploy-'));
    const dbName = new URL(database.url).pathname.slice(1);
    // The operator's .env: .env.example with the test's values.
    compose = loadCompose(composeText, {
      ...envExample,
      POSTGRES_USER: decodeURIComponent(pg.username) || 'postgres',
      POSTGRES_PASSWORD: pg.password || 'unused-with-trust-auth',
      POSTGRES_DB: dbName,
      OPENAI_API_KEY: openaiKey,
      OPENAI_BASE_URL: llm.url,
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      // The fake model server is on loopback: allowed the way an operator allows an intranet host.
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      ADMIN_EMAIL: adminEmail,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await llm?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('api: started with its compose command, healthy by the Dockerfile HEALTHCHECK', async () => {
    const command = compose.services.api.command!;
    expect(command).toHaveLength(2);
    const port = await freePort();
    apiEnv = serviceEnv('api', { PORT: String(port) });
    expect(apiEnv.DATABASE_URL).toContain(`/${new URL(database.url).pathname.slice(1)}`);
    api = await startProcess(resolve(ROOT, command[1]), apiEnv, /listening on/, 90_000);
    expect(api.output()).toContain('(queue mode)');
    apiUrl = `http://127.0.0.1:${port}`;

    const healthcheck = execForm(instruction(runtime, 'HEALTHCHECK')!.args);
    expect(await runCheck(healthcheck, apiEnv)).toBe(0);
    const path = /\/health\/\w+/.exec(healthcheck.join(' '))![0];
    expect((await call(apiUrl, 'GET', path)).status).toBe(200);
  });

  it('worker: started with its compose command, healthy by its compose healthcheck', async () => {
    const command = compose.services.worker.command!;
    expect(command).toHaveLength(2);
    workerEnv = serviceEnv('worker', { METRICS_PORT: String(await freePort()) });
    expect(workerEnv.OPENAI_API_KEY).toBe(openaiKey);
    worker = await startProcess(resolve(ROOT, command[1]), workerEnv, /Conclave worker ready/, 90_000);
    expect(await runCheck(compose.services.worker.healthcheck!.test, workerEnv)).toBe(0);
  });

  let apiKey: string;

  it('bootstrap: prints the first API key once and exits 0', async () => {
    const [program, ...args] = compose.services.bootstrap.command!;
    expect(program).toBe('node');
    expect(args).toContain(adminEmail);
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...serviceEnv('bootstrap') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`Account: ${adminEmail}`);
    apiKey = /API key: (\S+)/.exec(stdout)![1];
  });

  it('a chat runs to completion on the worker, with the provider key from .env', async () => {
    const headers = { 'X-API-Key': apiKey };
    const flow = await call(
      apiUrl,
      'POST',
      '/flows',
      {
        name: 'deployed',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
          { name: 'assistant', type: 'assistant', llm: { provider: 'openai', model: 'gpt-test' } },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 1 },
      },
      headers,
    );
    expect(flow.status).toBe(201);
    const chat = await call(apiUrl, 'POST', '/chats', { name: 'd', from_flow: flow.body.id }, headers);
    expect(chat.status).toBe(201);
    const sent = await call(
      apiUrl,
      'POST',
      `/chats/${chat.body.id}/messages?wait=true`,
      { message: 'Hello' },
      headers,
    );
    expect(sent.body.chat).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });
    const messages = await call(apiUrl, 'GET', `/chats/${chat.body.id}/messages`, undefined, headers);
    expect(messages.body.map((m: { content: string }) => m.content)).toEqual([
      'Hello',
      'Deployed and answering.',
    ]);
    expect(llm.headers.map((h) => h.authorization)).toEqual([`Bearer ${openaiKey}`]);
  });

  it('api replica 2: the same command and environment serve the same data; clients are told apart behind the proxy', async () => {
    const port = await freePort();
    const replica = await startProcess(
      resolve(ROOT, compose.services.api.command![1]),
      serviceEnv('api', { PORT: String(port), TRUST_PROXY: 'loopback' }),
      /listening on/,
      90_000,
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const chats = await call(url, 'GET', '/chats', undefined, { 'X-API-Key': apiKey });
      expect(chats.status).toBe(200);
      expect(chats.body.data.length).toBeGreaterThan(0);
      // The proxy's address is not the client's: one client's failed keys do not lock out another.
      const attacker = { 'X-Forwarded-For': '203.0.113.7', 'X-API-Key': 'wrong' };
      let locked = false;
      for (let i = 0; i < 50 && !locked; i++)
        locked = (await call(url, 'GET', '/chats', undefined, attacker)).status === 429;
      expect(locked).toBe(true);
      const other = { 'X-Forwarded-For': '198.51.100.9', 'X-API-Key': apiKey };
      expect((await call(url, 'GET', '/chats', undefined, other)).status).toBe(200);
    } finally {
      await replica.stop();
    }
  });
});
