import { randomUUID } from 'node:crypto';
import { accountScope } from '@conclave/domain';
import {
  AccountsRepository,
  ChatsRepository,
  Database,
  type EventRow,
  FlowsRepository,
  type MessageRow,
  type RunRow,
  RunsRepository,
} from '@conclave/persistence';
import { PostgresRunStore } from '../libs/runtime/src/store/postgres-run-store';
import { describeRunStore, type RunStoreHarness } from '../libs/runtime/src/store/run-store-conformance';
import { createTestDatabase } from './support/services';
import { twoAgentFlow } from './support/api';

// The run store's conformance suite (libs/runtime/src/store) against Postgres: the same promises
// the executor's unit specs rely on from the memory store.
let database: { url: string; drop(): Promise<void> };
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Database(database.url, { poolSize: 4 });
  await db.connect();
  await db.migrate();
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

function postgresHarness(): RunStoreHarness {
  const runs = new RunsRepository(db);
  const accounts = new AccountsRepository(db);
  const chats = new ChatsRepository(db);
  const flows = new FlowsRepository(db);
  const newChat = async (accountId: string) => {
    const owner = accountScope(accountId);
    const flow = await flows.create(owner, 'conformance', twoAgentFlow(['Hello']));
    const created = await chats.create(owner, {
      name: 'c',
      fromType: 'api',
      flowId: flow.id,
      flowVersion: flow.version,
    });
    if (!created) throw new Error('the flow was just created');
    return created.chat.id;
  };
  const enqueue = async (accountId: string, chatId: string, message: string): Promise<RunRow> => {
    const result = await runs.enqueue(accountScope(accountId), chatId, { message }, 1);
    if (!result.ok) throw new Error(`cannot start a run in chat ${chatId}`);
    return result.run;
  };
  return {
    store: new PostgresRunStore(runs),
    async queuedRun({ credits = 0, message = 'Hi' } = {}) {
      const account = await accounts.create(`${randomUUID()}@example.com`, { credits });
      return enqueue(account.id, await newChat(account.id), message);
    },
    async anotherRun(of, { sameChat = false, message = 'Again' } = {}) {
      return enqueue(of.account_id, sameChat ? of.chat_id : await newChat(of.account_id), message);
    },
    async answer(chatId, message) {
      const [chat] = await db.query<{ account_id: string }>(`SELECT account_id FROM chats WHERE id = $1`, [
        chatId,
      ]);
      const answered = await runs.answer(accountScope(chat.account_id), chatId, { kind: 'text', message });
      if (!answered.ok) throw new Error(`chat ${chatId} is not waiting: ${answered.reason}`);
    },
    async requestCancel(chatId) {
      const [chat] = await db.query<{ account_id: string }>(`SELECT account_id FROM chats WHERE id = $1`, [
        chatId,
      ]);
      await runs.requestCancel(accountScope(chat.account_id), chatId);
    },
    async chat(chatId) {
      const [chat] = await db.query<{ status: never; active_run_id: string | null; input_request: unknown }>(
        `SELECT status, active_run_id, input_request FROM chats WHERE id = $1`,
        [chatId],
      );
      return chat;
    },
    async run(runId) {
      return (await runs.get(runId))!;
    },
    events: (chatId) => db.query<EventRow>(`SELECT * FROM events WHERE chat_id = $1 ORDER BY seq`, [chatId]),
    messages: (chatId) =>
      db.query<MessageRow>(`SELECT * FROM messages WHERE chat_id = $1 ORDER BY seq`, [chatId]),
    async balance(accountId) {
      const [row] = await db.query<{ balance: string }>(
        `SELECT credit_balance AS balance FROM accounts WHERE id = $1`,
        [accountId],
      );
      return Number(row.balance);
    },
  };
}

describeRunStore('postgres', async () => postgresHarness());

describe('PostgresRunStore group commit', () => {
  const said = (content: string) => ({ sender: 'user', recipient: null, type: 'user' as const, content });
  const step = (run: RunRow, content: string) => ({
    run,
    owner: 'a',
    step: 0,
    state: { v: 1 },
    messages: [said(content)],
    leaseMs: 60_000,
  });

  afterEach(() => jest.restoreAllMocks());

  async function claimedRuns(n: number): Promise<RunRow[]> {
    const h = postgresHarness();
    const first = await h.queuedRun();
    const all = [first];
    while (all.length < n) all.push(await h.anotherRun(first));
    for (const run of all) await h.store.claim(run.id, 'a', 60_000);
    return all;
  }

  it('steps of one tick go to Postgres as one call', async () => {
    const [a, b, c] = await claimedRuns(3);
    const store = new PostgresRunStore(new RunsRepository(db));
    const batches = jest.spyOn(RunsRepository.prototype, 'commitSteps');
    const singles = jest.spyOn(RunsRepository.prototype, 'commitStep');
    const committed = await Promise.all([a, b, c].map((run, i) => store.commitStep(step(run, `m${i}`))));
    expect(committed.map((x) => x.messages.map((m) => m.content))).toEqual([['m0'], ['m1'], ['m2']]);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0][0]).toHaveLength(3);
    expect(singles).not.toHaveBeenCalled();
  });

  it('an item failing for another reason is rolled back alone and committed again alone: its caller gets the single commit’s error', async () => {
    const [a, b] = await claimedRuns(2);
    const store = new PostgresRunStore(new RunsRepository(db));
    const singles = jest.spyOn(RunsRepository.prototype, 'commitStep');
    const broken = { ...b, id: 'not-a-uuid' };
    const [ok, failed] = await Promise.allSettled([
      store.commitStep(step(a, 'fine')),
      store.commitStep(step(broken, 'broken')),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(failed.status === 'rejected' && String(failed.reason)).toMatch(/uuid/);
    expect(singles).toHaveBeenCalledTimes(1);
    expect(
      (await db.query<MessageRow>(`SELECT * FROM messages WHERE chat_id = $1`, [b.chat_id])).length,
    ).toBe(0);
  });
});
