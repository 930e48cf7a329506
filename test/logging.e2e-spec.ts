import { call, startTestApi, waitFor, type TestAccount, type TestApi } from './support/api';
import { freePort, type AppProcess } from './support/processes';
import { startQueueMode, type QueueModeEnv } from './support/queue';

const PROVIDER_KEY = 'sk-test-0123456789abcdefghijklmnop';
const BODY_TEXT = 'a private message body 7f3a';

/** JSON log lines of a process; anything else it printed is returned apart (the start banner). */
function logLines(output: string): { records: any[]; other: string[] } {
  const records: any[] = [];
  const other: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('{')) records.push(JSON.parse(line));
    else other.push(line);
  }
  return { records, other };
}

/** A user proxy that never asks a human and a scripted assistant: ends on max_turns. */
function endingFlow(name: string) {
  return {
    name,
    agents: [
      { name: 'user', type: 'user_proxy' as const, human_input_mode: 'NEVER' as const },
      {
        name: 'assistant',
        type: 'assistant' as const,
        llm: { provider: 'scripted' as const, replies: ['ok'] },
      },
    ],
    chat: { type: 'two_agent' as const, initiator: 'user', recipient: 'assistant', max_turns: 1 },
  };
}

async function startChat(a: TestAccount, flowId: string, message: string): Promise<string> {
  const chat = await a.request('POST', '/chats', { name: 'log test', from_type: 'flow', from_flow: flowId });
  expect(chat.status).toBe(201);
  const sent = await a.request('POST', `/chats/${chat.body.id}/messages`, { message });
  expect(sent.status).toBe(202);
  return chat.body.id as string;
}

describe('logging (LOG_FORMAT=json): access log, run ends, failures, no secrets', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi({
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'log',
      OPENAI_API_KEY: PROVIDER_KEY,
      LLM_RETRY_ATTEMPTS: '1',
      LLM_RETRY_BASE_MS: '0',
      // the failing model is a closed loopback port, which the egress policy must let through
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
    });
    a = await t.account();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('writes one line per request, per run end and per failure, and never a key or a body', async () => {
    const account = await a.request('GET', '/account', undefined, { 'X-Request-Id': 'req-from-caller-1' });
    expect(account.status).toBe(200);
    expect(account.headers.get('x-request-id')).toBe('req-from-caller-1');
    const refused = await call(t.url, 'GET', '/chats?status=running', undefined, {
      Authorization: 'Bearer ck_not_a_real_key_0123456789abcdef',
    });
    expect(refused.status).toBe(401);
    const generatedId = refused.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    const ending = await startChat(a, await a.createFlow(endingFlow('ends')), BODY_TEXT);
    const closedPort = await freePort();
    const failingFlow = {
      name: 'fails',
      agents: [
        { name: 'user', type: 'user_proxy' as const, human_input_mode: 'NEVER' as const },
        {
          name: 'assistant',
          type: 'assistant' as const,
          llm: { provider: 'openai' as const, model: 'm', base_url: `http://127.0.0.1:${closedPort}/v1` },
        },
      ],
      chat: { type: 'two_agent' as const, initiator: 'user', recipient: 'assistant', max_turns: 2 },
    };
    const failing = await startChat(a, await a.createFlow(failingFlow), BODY_TEXT);

    await waitFor(async () => {
      const { records } = logLines(t.process.output());
      return (
        records.some((r) => r.chat_id === ending && r.msg === 'run ended') &&
        records.some((r) => r.chat_id === failing && r.msg === 'run failed')
      );
    }, 60_000);
    const output = t.process.output();
    const { records, other } = logLines(output);

    // JSON lines only, apart from the start banner; no colours; no route mapping at this level
    expect(other).toEqual([expect.stringMatching(/^Conclave API listening on /)]);
    expect(output).not.toMatch(/\x1b\[/);
    expect(output).not.toContain('Mapped {');
    for (const r of records) {
      expect(r).toMatchObject({ level: expect.any(String), time: expect.any(String), service: 'api' });
    }

    const access = records.filter((r) => r.context === 'HTTP' && r.msg === 'request');
    expect(access.find((r) => r.request_id === 'req-from-caller-1')).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/account',
      status: 200,
      ms: expect.any(Number),
      account_id: a.id,
    });
    expect(access.find((r) => r.request_id === generatedId)).toMatchObject({
      method: 'GET',
      path: '/chats', // no query string
      status: 401,
      account_id: null,
    });
    expect(access.filter((r) => r.method === 'POST' && r.path === '/chats' && r.status === 201)).toHaveLength(
      2,
    );
    expect(access.filter((r) => r.path.endsWith('/messages') && r.status === 202)).toHaveLength(2);

    const ended = records.filter((r) => r.chat_id === ending && r.context === 'Runs');
    expect(ended).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'run ended',
        status: 'completed',
        termination_reason: 'max_turns',
        account_id: a.id,
        run_id: expect.any(String),
      }),
    ]);
    const failed = records.filter((r) => r.chat_id === failing && r.context === 'Runs');
    expect(failed).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'run failed',
        status: 'failed',
        termination_reason: 'error',
        error: expect.stringMatching(/connect|connection|ECONNREFUSED|fetch failed/i),
      }),
    ]);

    // never the API key (sent on every request), the provider key, or a message body
    expect(output).not.toContain(a.key);
    expect(output).not.toContain('ck_not_a_real_key');
    expect(output).not.toContain(PROVIDER_KEY);
    expect(output).not.toContain(BODY_TEXT);
  });
});

describe('logging in queue mode: the worker logs run ends the same way', () => {
  let q: QueueModeEnv;
  let worker: AppProcess;

  beforeAll(async () => {
    q = await startQueueMode({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'log' } });
    worker = await q.startWorker();
  });

  afterAll(async () => {
    await q?.close();
  });

  it('writes a JSON run-end line from the worker that executed the run', async () => {
    const a = await q.api.account();
    const chatId = await startChat(a, await a.createFlow(endingFlow('queued')), BODY_TEXT);
    const line = await waitFor(
      async () =>
        logLines(worker.output()).records.find((r) => r.chat_id === chatId && r.msg === 'run ended'),
      30_000,
    );
    expect(line).toMatchObject({
      service: 'worker',
      context: 'Runs',
      status: 'completed',
      termination_reason: 'max_turns',
      account_id: a.id,
    });
    expect(worker.output()).not.toContain(a.key);
    expect(worker.output()).not.toContain(BODY_TEXT);
  });
});
