import { pingPongFlow, startTestApi, waitFor, type TestAccount } from './support/api';
import { startQueueMode } from './support/queue';

/**
 * Issue 10 item 7 (fairness): one account cannot hold every execution slot. With
 * MAX_RUNS_PER_ACCOUNT=1 an account's second run waits its turn (queued, not failed) while another
 * account's run is not held up — in embedded mode, and in queue mode with two workers (the cap
 * holds across processes).
 */
const env = { MAX_RUNS_PER_ACCOUNT: '1', SWEEP_INTERVAL_MS: '300' };

describe.each([
  [
    'embedded',
    async () => {
      const api = await startTestApi(env);
      return { api, close: () => api.close() };
    },
  ],
  [
    'queue mode, two workers',
    async () => {
      const q = await startQueueMode({ env });
      await q.startWorker();
      await q.startWorker();
      return { api: q.api, close: () => q.close() };
    },
  ],
])('per-account cap on executing runs (%s)', (_mode, startStack) => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    stack = await startStack();
    a = await stack.api.account();
    b = await stack.api.account();
  });
  afterAll(() => stack?.close());

  async function start(account: TestAccount, flowId: string): Promise<string> {
    const chat = await account.request('POST', '/chats', { name: 'c', from_type: 'flow', from_flow: flowId });
    expect(chat.status).toBe(201);
    const sent = await account.request('POST', `/chats/${chat.body.id}/messages`, { message: 'go' });
    expect(sent.status).toBeLessThan(300);
    return chat.body.id;
  }

  async function finished(account: TestAccount, id: string) {
    const chat = await waitFor(async () => {
      const c = (await account.request('GET', `/chats/${id}`)).body;
      return c.status === 'completed' || c.status === 'error' ? c : null;
    }, 60_000);
    const messages = (await account.request('GET', `/chats/${id}/messages?limit=1000`)).body as any[];
    const times = messages.filter((m) => m.sender !== 'user').map((m) => Date.parse(m.created_at));
    return { chat, first: Math.min(...times), last: Math.max(...times) };
  }

  it("runs one account's chats one after the other while another account's chat is not held up", async () => {
    const flowA = await a.createFlow(pingPongFlow(300, 4));
    const flowB = await b.createFlow(pingPongFlow(300, 4));
    const first = await start(a, flowA);
    const second = await start(a, flowA);
    const other = await start(b, flowB);
    const [one, two, three] = await Promise.all([
      finished(a, first),
      finished(a, second),
      finished(b, other),
    ]);
    for (const r of [one, two, three])
      expect(r.chat).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });
    // Account a's runs did not overlap: whichever ran second started after the other's last message.
    const [earlier, later] = one.first <= two.first ? [one, two] : [two, one];
    expect(later.first).toBeGreaterThanOrEqual(earlier.last);
    // Account b's run overlapped account a's first one (it did not wait behind a's runs).
    expect(three.first).toBeLessThan(earlier.last);
  });
});
