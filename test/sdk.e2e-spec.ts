import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  Conclave,
  ConclaveError,
  ConclaveRealtimeError,
  ConclaveTimeoutError,
  isTerminalEvent,
  type ChatEvent,
  type ChatSubscription,
} from '@conclave/sdk';
import { startTestApi, twoAgentFlow, waitFor, type TestAccount, type TestApi } from './support/api';
import { startQueueMode, type QueueModeEnv } from './support/queue';
import { pingPongFlow } from './support/realtime';

/**
 * The SDK (packages/sdk) against the real API: REST helpers, the human-input loop, and `subscribe`
 * keeping its promise — every seq once, in order — through a dropped connection and a restarted
 * server. Reconnection delays are shortened so the tests do not idle.
 */
const fastReconnect = { reconnectionDelay: 50, reconnectionDelayMax: 300 };

/** Reads a subscription until the chat's status says the run ended (the last event of a run); what it got, in order. */
async function readToEnd(
  subscription: ChatSubscription,
  onEvent: (event: ChatEvent, index: number) => void | Promise<void> = () => undefined,
): Promise<ChatEvent[]> {
  const events: ChatEvent[] = [];
  for await (const event of subscription) {
    events.push(event);
    await onEvent(event, events.length - 1);
    if (event.type === 'chat.status' && ['completed', 'error'].includes(event.data.status)) break;
  }
  return events;
}

type ReadmeExample = (args: { baseUrl: string; apiKey: string; flowId: string }) => Promise<any>;

/** The README's SDK example exactly as documented, with its console output captured. */
function readmeExample(log: string[]): ReadmeExample {
  const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
  const match = /<!-- snippet: sdk-human-loop[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no sdk-human-loop snippet');
  const console = { log: (line: string) => log.push(line) };
  return new Function('require', 'console', `${match[1]}\nreturn talkToConclave;`)(require, console);
}

const seqs = (events: ChatEvent[]) => events.map((e) => e.seq);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('SDK against the API (in-process runs)', () => {
  let api: TestApi;
  let account: TestAccount;
  let conclave: Conclave;

  beforeAll(async () => {
    api = await startTestApi();
    account = await api.account();
    conclave = new Conclave({ baseUrl: api.url, apiKey: account.key, socket: fastReconnect });
  });
  afterAll(async () => {
    conclave?.close();
    await api?.close();
  });

  it('runs a human-input loop: send, waitForInput, answer, waitForStatus', async () => {
    const flowId = await account.createFlow(twoAgentFlow(['Hi there!', 'Still here.']));
    const chat = await conclave.chats.create({ flowId, name: 'sdk loop' });
    expect(chat).toMatchObject({ name: 'sdk loop', status: 'ready', from_flow: flowId });

    const sent = await conclave.chats.send(chat.id, 'Hello!');
    expect(sent.run?.id).toEqual(expect.any(String));
    const waiting = await conclave.waitForInput(chat.id, { timeout: 30_000 });
    expect(waiting.input_request).toMatchObject({ kind: 'text', agent: 'user' });

    // A message to a chat that waits for a person is a 409 that says where to answer.
    const refused = await conclave.chats.send(chat.id, 'again').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConclaveError);
    expect((refused as ConclaveError).status).toBe(409);
    expect((refused as ConclaveError).detail('next')).toEqual({
      method: 'POST',
      path: `/chats/${chat.id}/input`,
    });

    const answered = await conclave.chats.answer(chat.id, 'Tell me more', { wait: true });
    expect(answered.chat.status).toBe('wait_for_human_input');
    expect(answered.messages?.map((m) => m.content)).toEqual(['Tell me more', 'Still here.']);

    await conclave.chats.answer(chat.id, 'exit');
    const done = await conclave.waitForStatus(chat.id, ['completed', 'error'], { timeout: 30_000 });
    expect(done).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });

    const transcript = await conclave.chats.messages(chat.id);
    expect(transcript.map((m) => m.content)).toEqual(['Hello!', 'Hi there!', 'Tell me more', 'Still here.']);

    // The whole log replays from seq 0: dense, ordered, with both questions and the end.
    const events = await readToEnd(conclave.subscribe(chat.id));
    expect(seqs(events)).toEqual(oneToN(events.length));
    expect(events.filter((e) => e.type === 'input.requested')).toHaveLength(2);
    expect(events[events.length - 2].type).toBe('run.completed');
  });

  it('runs the README example', async () => {
    const flowId = await account.createFlow(twoAgentFlow(['Hi there!']));
    const log: string[] = [];
    const { chat, seen } = await readmeExample(log)({ baseUrl: api.url, apiKey: account.key, flowId });
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });
    expect(seen).toEqual(oneToN(chat.last_seq));
    expect(log).toEqual([expect.stringMatching(/^user is asked: /), 'user: Hello!', 'assistant: Hi there!']);
  });

  it('resumes after the seq it is given', async () => {
    const flowId = await account.createFlow(pingPongFlow(0, 2));
    const chat = await conclave.chats.create({ flowId });
    await conclave.chats.send(chat.id, 'Go', { wait: true });
    const all = await readToEnd(conclave.subscribe(chat.id));
    const rest = await readToEnd(conclave.subscribe(chat.id, { afterSeq: 3 }));
    expect(seqs(rest)).toEqual(seqs(all).slice(3));
  });

  it('throws typed errors carrying the status and the server body', async () => {
    const missing = await conclave.chats.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConclaveError);
    expect(missing).toMatchObject({ status: 404, body: { statusCode: 404, message: 'Chat not found' } });

    const bad = await conclave.chats.create({ flowId: '' }).catch((e: unknown) => e);
    expect((bad as ConclaveError).status).toBe(400);
    expect((bad as ConclaveError).message).toMatch(/from_flow/);

    // Subscriptions: an unknown chat ends the iterator with the server's reason, a bad key too.
    const unknown = conclave.subscribe('00000000-0000-4000-8000-000000000000');
    await expect(unknown.next()).rejects.toThrow(new ConclaveRealtimeError('Chat not found'));

    const stranger = new Conclave({ baseUrl: api.url, apiKey: 'ck_not_a_key' });
    const chat = await conclave.chats.create({ flowId: await account.createFlow(pingPongFlow(0, 1)) });
    await expect(stranger.subscribe(chat.id).next()).rejects.toThrow(/Invalid or revoked API key/);
    await expect(stranger.chats.get(chat.id)).rejects.toMatchObject({ status: 401 });
    stranger.close();

    const late = await conclave
      .waitForStatus(chat.id, 'completed', { timeout: 200 })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ConclaveTimeoutError);
  });

  it('ends cleanly on break, close() and an AbortSignal, and closes its socket with the last one', async () => {
    const flowId = await account.createFlow(pingPongFlow(0, 2));
    const chat = await conclave.chats.create({ flowId });
    await conclave.chats.send(chat.id, 'Go', { wait: true });

    for await (const event of conclave.subscribe(chat.id)) {
      expect(event.seq).toBe(1);
      break;
    }
    expect(conclave.realtime.socket).toBeNull();

    const controller = new AbortController();
    const aborted: ChatEvent[] = [];
    for await (const event of conclave.subscribe(chat.id, { signal: controller.signal })) {
      aborted.push(event);
      if (aborted.length === 2) controller.abort();
    }
    expect(seqs(aborted)).toEqual([1, 2]);

    const closed = conclave.subscribe(chat.id);
    expect((await closed.next()).value?.seq).toBe(1);
    expect(closed.lastSeq).toBe(1);
    closed.close();
    expect(await closed.next()).toEqual({ value: undefined, done: true });
    expect(conclave.realtime.socket).toBeNull();
  });

  it('yields every seq exactly once, in order, when the connection is dropped mid-run', async () => {
    const flowId = await account.createFlow(pingPongFlow(40, 12));
    const chat = await conclave.chats.create({ flowId });
    const subscription = conclave.subscribe(chat.id);
    await conclave.chats.send(chat.id, 'Go');
    let reconnects = 0;
    const events = await readToEnd(subscription, async (event, index) => {
      if (index === 0) conclave.realtime.socket!.io.on('reconnect', () => reconnects++);
      // Kill the transport under the socket twice: socket.io reconnects, the SDK resubscribes from its seq.
      if (index === 3 || index === 9) {
        const before = reconnects;
        conclave.realtime.socket!.io.engine.close();
        await waitFor(async () => reconnects > before);
      }
    });
    expect(reconnects).toBe(2);
    expect(seqs(events)).toEqual(oneToN(events.length));
    const chatNow = await conclave.chats.get(chat.id);
    expect(events[events.length - 1].seq).toBe(chatNow.last_seq);
  });

  it('keeps committed types in step with the OpenAPI document the API serves', async () => {
    const child = spawn(
      process.execPath,
      [resolve(__dirname, '../scripts/sdk-generate.mjs'), '--check', '--url', api.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('up to date') });
  });
});

describe('SDK subscribe across an API restart (queue mode: runs on a worker)', () => {
  let q: QueueModeEnv;
  let account: TestAccount;

  beforeAll(async () => {
    q = await startQueueMode({ env: { REDIS_PREFIX: `sdk-${randomBytes(5).toString('hex')}` } });
    await q.startWorker({ WORKER_CONCURRENCY: '2' });
    account = await q.api.account();
  });
  afterAll(async () => {
    await q?.close();
  });

  it('loses and repeats nothing while the API is stopped and another starts on its address', async () => {
    const conclave = new Conclave({ baseUrl: q.api.url, apiKey: account.key, socket: fastReconnect });
    try {
      const flowId = await account.createFlow(pingPongFlow(60, 30));
      const chat = await conclave.chats.create({ flowId });
      const subscription = conclave.subscribe(chat.id);
      await conclave.chats.send(chat.id, 'Go');
      const port = new URL(q.api.url).port;
      const events = await readToEnd(subscription, async (event, index) => {
        if (index !== 4) return;
        await q.api.process.stop();
        // The worker goes on writing while no API is up: those events reach us only by replay.
        const seen = event.seq as number;
        await waitFor(async () => {
          const { rows } = await q.api.db.query(`SELECT last_seq FROM chats WHERE id = $1`, [chat.id]);
          return rows[0].last_seq >= seen + 3;
        });
        // Start-up is slow on a loaded machine; the run goes on meanwhile, which is the point.
        await q.api.startInstance({ PORT: port }, { readyTimeoutMs: 120_000 });
      });
      expect(seqs(events)).toEqual(oneToN(events.length));
      expect(events.filter(isTerminalEvent).map((e) => e.type)).toEqual(['run.completed']);
      const { rows } = await q.api.db.query(`SELECT last_seq FROM chats WHERE id = $1`, [chat.id]);
      expect(events[events.length - 1].seq).toBe(rows[0].last_seq);
    } finally {
      conclave.close();
    }
  }, 240_000);
});
