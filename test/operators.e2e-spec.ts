import { call, startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';
import { startQueueMode, type QueueModeEnv } from './support/queue';
import { connectRealtime, type RealtimeClient } from './support/realtime';

/** An operator: a key of the account, named for the person (issue 14: the key's name is their identity). */
async function operator(t: TestApi, account: TestAccount, name: string) {
  const created = await account.request('POST', '/api-keys', { name });
  expect(created.status).toBe(201);
  const key = created.body.key as string;
  return {
    key,
    keyId: created.body.id as string,
    request: (method: string, path: string, body?: unknown) =>
      call(t.url, method, path, body, { 'X-API-Key': key }),
  };
}

async function waitingChat(account: TestAccount, flowId: string, name = 'c', message = 'Hello') {
  const created = await account.request('POST', '/chats', { name, from_type: 'flow', from_flow: flowId });
  const sent = await account.request('POST', `/chats/${created.body.id}/messages?wait=true`, { message });
  expect(sent.body.chat.status).toBe('wait_for_human_input');
  return created.body.id as string;
}

/** A person in the loop whose questions are overdue after one second. */
const slaFlow = () => ({
  name: 'sla',
  agents: [
    { name: 'user', type: 'user_proxy' as const, human_input_mode: 'ALWAYS' as const, input_sla_seconds: 1 },
    {
      name: 'assistant',
      type: 'assistant' as const,
      llm: { provider: 'scripted' as const, replies: ['Need a person'] },
    },
  ],
  chat: { type: 'two_agent' as const, initiator: 'user', recipient: 'assistant' },
});

/** Operators' API: claim/release (409 naming the holder, expiry), the inbox listing and input.overdue. */
describe('operators: claims, inbox and input SLA (embedded mode)', () => {
  let t: TestApi;
  let a: TestAccount;
  let flowId: string;
  let alice: Awaited<ReturnType<typeof operator>>;
  let bob: Awaited<ReturnType<typeof operator>>;
  let inbox: RealtimeClient;

  beforeAll(async () => {
    t = await startTestApi({ SWEEP_INTERVAL_MS: '200' });
    a = await t.account();
    flowId = await a.createFlow(twoAgentFlow(['Which plan?', 'Done.', 'Bye.']));
    alice = await operator(t, a, 'alice');
    bob = await operator(t, a, 'bob');
    inbox = await connectRealtime(t.url, bob.key);
    expect(await inbox.socket.timeout(10_000).emitWithAck('subscribe_account')).toEqual({ ok: true });
  });
  afterAll(async () => {
    inbox?.close();
    await t?.close();
  });

  it('a claim holds the chat: another operator gets 409 naming the holder, the holder answers', async () => {
    const id = await waitingChat(a, flowId);
    const claimed = await alice.request('POST', `/chats/${id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.claim).toEqual({
      key_id: alice.keyId,
      operator: 'alice',
      claimed_at: expect.any(String),
      expires_at: expect.any(String),
    });
    // The inbox hears of it live (account-wide subscription), with who holds it.
    await inbox.until((es) =>
      es.some((e) => e.chat_id === id && e.type === 'chat.claimed' && e.data.claim.operator === 'alice'),
    );

    const refused = await bob.request('POST', `/chats/${id}/input`, { message: 'I take it' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/claimed by alice/);
    expect(refused.body.claimed_by).toMatchObject({ operator: 'alice', key_id: alice.keyId });
    expect((await bob.request('POST', `/chats/${id}/claim`)).status).toBe(409);
    expect((await bob.request('POST', `/chats/${id}/release`)).status).toBe(409);
    // Still waiting: the refused answer changed nothing.
    expect((await a.request('GET', `/chats/${id}`)).body.status).toBe('wait_for_human_input');

    // Claiming again renews (no second event); the holder's answer goes through and keeps the claim.
    const renewed = await alice.request('POST', `/chats/${id}/claim`);
    expect(renewed.body.claim.claimed_at).toBe(claimed.body.claim.claimed_at);
    const answered = await alice.request('POST', `/chats/${id}/input?wait=true`, { message: 'Pro' });
    expect(answered.status).toBe(202);
    expect(answered.body.messages.map((m: any) => m.content)).toEqual(['Pro', 'Done.']);
    expect(answered.body.chat.claim.operator).toBe('alice');

    const released = await alice.request('POST', `/chats/${id}/release`);
    expect(released.status).toBe(200);
    expect(released.body.claim).toBeNull();
    await inbox.until((es) =>
      es.some((e) => e.chat_id === id && e.type === 'chat.released' && e.data.reason === 'released'),
    );
    // Released: anyone may answer; releasing again is a no-op.
    expect((await alice.request('POST', `/chats/${id}/release`)).status).toBe(200);
    expect((await bob.request('POST', `/chats/${id}/input?wait=true`, { message: 'exit' })).status).toBe(202);

    const claimEvents = await t.db.query(
      `SELECT type FROM events WHERE chat_id = $1 AND type IN ('chat.claimed','chat.released') ORDER BY seq`,
      [id],
    );
    expect(claimEvents.rows.map((r) => r.type)).toEqual(['chat.claimed', 'chat.released']);
  });

  it('a claim idle past its expiry lapses: the chat shows no claim and the sweeper announces it', async () => {
    const id = await waitingChat(a, flowId);
    expect((await alice.request('POST', `/chats/${id}/claim`)).status).toBe(200);
    // Age the claim instead of sleeping through CLAIM_IDLE_MS.
    await t.db.query(`UPDATE chats SET claim_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

    expect((await bob.request('GET', `/chats/${id}`)).body.claim).toBeNull();
    const released = await inbox.until((es) =>
      es.some((e) => e.chat_id === id && e.type === 'chat.released' && e.data.reason === 'expired'),
    );
    expect(released.find((e) => e.chat_id === id && e.type === 'chat.released')?.data.claim).toMatchObject({
      operator: 'alice',
    });
    const taken = await bob.request('POST', `/chats/${id}/claim`);
    expect(taken.status).toBe(200);
    expect(taken.body.claim.operator).toBe('bob');
    expect((await alice.request('POST', `/chats/${id}/input`, { message: 'mine?' })).status).toBe(409);
  });

  it('claims are per account: another account cannot see or claim the chat', async () => {
    const id = await waitingChat(a, flowId);
    const other = await t.account();
    expect((await other.request('POST', `/chats/${id}/claim`)).status).toBe(404);
    expect((await other.request('POST', `/chats/${id}/release`)).status).toBe(404);
    expect((await a.request('POST', `/chats/not-a-uuid/claim`)).status).toBe(404);
  });

  it('lists chats waiting for input across the account, longest waiting first, with the question', async () => {
    const b = await t.account();
    const flow = await b.createFlow(twoAgentFlow(['Which plan?']));
    const first = await waitingChat(b, flow, 'first');
    await b.request('POST', '/chats', { name: 'idle', from_type: 'flow', from_flow: flow });
    const second = await waitingChat(b, flow, 'second');
    const third = await waitingChat(b, flow, 'third');
    // Answering the first makes it wait again later: it moves to the end.
    await b.request('POST', `/chats/${first}/input?wait=true`, { message: 'Hm' });

    const inboxList = await b.request('GET', '/chats?status=wait_for_human_input&order=waiting_since');
    expect(inboxList.status).toBe(200);
    expect(inboxList.body.data.map((c: any) => c.id)).toEqual([second, third, first]);
    const [oldest] = inboxList.body.data;
    expect(oldest.input_request).toMatchObject({ agent: 'user', kind: 'text', prompt: expect.any(String) });
    expect(new Date(oldest.waiting_since).getTime()).toBeLessThanOrEqual(
      new Date(inboxList.body.data[1].waiting_since).getTime(),
    );
    expect(oldest.input_overdue).toBe(false);

    // Paging keeps the order.
    const page1 = await b.request('GET', '/chats?order=waiting_since&limit=2');
    expect(page1.body.data.map((c: any) => c.id)).toEqual([second, third]);
    const page2 = await b.request(
      'GET',
      `/chats?order=waiting_since&limit=2&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.data.map((c: any) => c.id)).toEqual([first]);
    expect(page2.body.next_cursor).toBeNull();

    const bad = await b.request('GET', '/chats?status=running&order=waiting_since');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/status/);
    expect((await b.request('GET', '/chats?order=oldest')).status).toBe(400);

    // Name search (case-insensitive; LIKE wildcards are literal).
    const named = await b.request('GET', '/chats?name=SEC');
    expect(named.body.data.map((c: any) => c.id)).toEqual([second]);
    expect((await b.request('GET', '/chats?name=%25')).body.data).toEqual([]);
  });

  it('input.overdue: a question past its agent’s input_sla_seconds is announced once and marked', async () => {
    const flow = await a.createFlow(slaFlow());
    const id = await waitingChat(a, flow);
    const events = await inbox.until((es) => es.some((e) => e.chat_id === id && e.type === 'input.overdue'));
    const overdue = events.find((e) => e.chat_id === id && e.type === 'input.overdue');
    expect(overdue?.data).toMatchObject({
      agent: 'user',
      prompt: expect.any(String),
      due_at: expect.any(String),
    });
    expect(overdue?.seq).toEqual(expect.any(Number));

    const chat = (await a.request('GET', `/chats/${id}`)).body;
    expect(chat.input_overdue).toBe(true);
    expect(chat.input_due_at).toEqual(expect.any(String));
    // Several sweeps later there is still exactly one, persisted in the chat's log.
    await new Promise((r) => setTimeout(r, 600)); // a few more sweeps
    const stored = await t.db.query(`SELECT seq FROM events WHERE chat_id = $1 AND type = 'input.overdue'`, [
      id,
    ]);
    expect(stored.rows).toHaveLength(1);

    // Answering clears the mark; the next question gets a fresh deadline.
    const answered = await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'Here' });
    expect(answered.body.chat.status).toBe('wait_for_human_input');
    expect(answered.body.chat.input_overdue).toBe(false);
  });

  it('input_sla_seconds is part of the published flow schema and validated', async () => {
    const schema = await call(t.url, 'GET', '/flows/schema');
    expect(JSON.stringify(schema.body)).toContain('input_sla_seconds');
    const bad = await a.request('POST', '/flows', {
      ...twoAgentFlow(),
      agents: [
        { name: 'user', type: 'user_proxy', input_sla_seconds: 0 },
        { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['x'] } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toMatch(/agents\.0\.input_sla_seconds/);
  });
});

describe('operators in queue mode: two workers sweep, input.overdue is written once', () => {
  let q: QueueModeEnv;
  let a: TestAccount;

  beforeAll(async () => {
    q = await startQueueMode({ env: { SWEEP_INTERVAL_MS: '100' } });
    await q.startWorker();
    await q.startWorker();
    a = await q.api.account();
  });
  afterAll(() => q?.close());

  it('fires once across workers and reaches the account subscriber through the bus', async () => {
    const flow = await a.createFlow(slaFlow());
    const inbox = await connectRealtime(q.api.url, a.key);
    try {
      await inbox.socket.timeout(10_000).emitWithAck('subscribe_account');
      const ids = [await waitingChat(a, flow, 'one'), await waitingChat(a, flow, 'two')];
      await inbox.until(
        (es) => ids.every((id) => es.some((e) => e.chat_id === id && e.type === 'input.overdue')),
        30_000,
      );
      await new Promise((r) => setTimeout(r, 500)); // more sweeps by both workers
      const stored = await q.api.db.query(
        `SELECT chat_id, count(*)::int AS n FROM events WHERE type = 'input.overdue' GROUP BY chat_id`,
      );
      expect(stored.rows.map((r) => r.n)).toEqual([1, 1]);
      expect(inbox.events.filter((e) => e.type === 'input.overdue')).toHaveLength(2);
    } finally {
      inbox.close();
    }
  });
});
