import { randomUUID } from 'node:crypto';
import { accountScope } from '@conclave/domain';
import {
  AccountsRepository,
  type AdmissionTerms,
  ChatsRepository,
  Database,
  EventsRepository,
  FlowsRepository,
  RunsRepository,
} from '@conclave/persistence';
import { createTestDatabase } from './support/services';
import { twoAgentFlow } from './support/api';

// `RunsRepository.admitAndStart` (one statement: `conclave_start_run`) and `ChatsRepository.runOutcome`
// (one statement) against Postgres: they answer what the several reads and the transaction they
// replace answered, and the rows they bring back as JSON read exactly as the same rows read directly.
let database: { url: string; drop(): Promise<void> };
let db: Database;
let runs: RunsRepository;
let chats: ChatsRepository;
let accounts: AccountsRepository;
let flows: FlowsRepository;

const TERMS: AdmissionTerms = { minimumCredits: 1, monthlyLimits: { free: 2, pro: 0 }, unlistedPlans: 1 };

beforeAll(async () => {
  database = await createTestDatabase();
  db = new Database(database.url, { poolSize: 4 });
  await db.connect();
  await db.migrate();
  runs = new RunsRepository(db);
  chats = new ChatsRepository(db);
  accounts = new AccountsRepository(db);
  flows = new FlowsRepository(db);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function accountWithChat(options: { plan?: string; credits?: number } = {}) {
  const account = await accounts.create(`${randomUUID()}@example.com`, { credits: 10, ...options });
  const owner = accountScope(account.id);
  const flow = await flows.create(owner, 'f', twoAgentFlow(['Hello']));
  const created = await chats.create(owner, {
    name: 'c',
    fromType: 'api',
    flowId: flow.id,
    flowVersion: flow.version,
  });
  if (!created) throw new Error('the flow was just created');
  return { scope: owner, chatId: created.chat.id };
}

const monthUsage = async (accountId: string) =>
  (
    await db.query<{ messages_used: number }>(
      `SELECT messages_used FROM account_usage WHERE account_id = $1`,
      [accountId],
    )
  )[0]?.messages_used ?? 0;

describe('admitAndStart', () => {
  it('starts the run and returns the chat, run and events as reading them gives them', async () => {
    const { scope, chatId } = await accountWithChat();
    const started = await runs.admitAndStart(scope, chatId, { message: 'Hi' }, 7, TERMS);
    if (!started.ok) throw new Error(started.reason);
    const runId = started.run.id;
    expect(started.chat).toEqual(await chats.get(scope, chatId));
    expect(started.run).toEqual(await runs.get(runId));
    expect(started.events).toEqual(await new EventsRepository(db).after(chatId, 1));
    expect(started.events.map((e) => [e.type, e.data])).toEqual([
      ['chat.status', { status: 'running', previous: 'ready', run_id: runId }],
    ]);
    expect(await monthUsage(scope.accountId)).toBe(1);
  });

  it('refuses without writing: no credits, another run active, the allowance used up, another account', async () => {
    const poor = await accountWithChat({ credits: 0 });
    expect(await runs.admitAndStart(poor.scope, poor.chatId, { message: 'Hi' }, 1, TERMS)).toEqual({
      ok: false,
      reason: 'insufficient_credits',
    });

    const busy = await accountWithChat();
    const first = await runs.admitAndStart(busy.scope, busy.chatId, { message: 'Hi' }, 1, TERMS);
    if (!first.ok) throw new Error(first.reason);
    expect(await runs.admitAndStart(busy.scope, busy.chatId, { message: 'Hi' }, 1, TERMS)).toEqual({
      ok: false,
      reason: 'busy',
      status: 'running',
      activeRunId: first.run.id,
    });
    expect(await monthUsage(busy.scope.accountId)).toBe(1);

    const none = await accountWithChat({ plan: 'pro' });
    expect(await runs.admitAndStart(none.scope, none.chatId, { message: 'Hi' }, 1, TERMS)).toEqual({
      ok: false,
      reason: 'limit_reached',
      plan: 'pro',
    });
    const unlisted = await accountWithChat({ plan: 'enterprise' });
    const once = await runs.admitAndStart(unlisted.scope, unlisted.chatId, { message: 'Hi' }, 1, TERMS);
    expect(once.ok).toBe(true);
    await db.query(`UPDATE chats SET status = 'completed', active_run_id = NULL WHERE id = $1`, [
      unlisted.chatId,
    ]);
    await db.query(`UPDATE runs SET status = 'completed' WHERE chat_id = $1`, [unlisted.chatId]);
    expect(await runs.admitAndStart(unlisted.scope, unlisted.chatId, { message: 'Hi' }, 1, TERMS)).toEqual({
      ok: false,
      reason: 'limit_reached',
      plan: 'enterprise',
    });
    expect((await chats.get(unlisted.scope, unlisted.chatId))?.status).toBe('completed');

    expect(
      await runs.admitAndStart(poor.scope, busy.chatId, { message: 'Hi' }, 1, {
        ...TERMS,
        minimumCredits: 0,
      }),
    ).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });
});

describe('admitAndAnswer', () => {
  async function waitingChat() {
    const { scope, chatId } = await accountWithChat();
    const started = await runs.admitAndStart(scope, chatId, { message: 'Hi' }, 7, TERMS);
    if (!started.ok) throw new Error(started.reason);
    await db.query(`UPDATE runs SET status = 'waiting' WHERE id = $1`, [started.run.id]);
    await db.query(
      `UPDATE chats SET status = 'wait_for_human_input', input_request = '{"kind": "text", "prompt": "Name?"}' WHERE id = $1`,
      [chatId],
    );
    return { scope, chatId, runId: started.run.id };
  }

  it('resumes the waiting run and returns the chat, run and events as reading them gives them', async () => {
    const { scope, chatId, runId } = await waitingChat();
    const answered = await runs.admitAndAnswer(
      scope,
      chatId,
      { kind: 'text', message: 'Ada' },
      undefined,
      TERMS,
    );
    if (!answered.ok) throw new Error(answered.reason);
    expect(answered.chat).toEqual(await chats.get(scope, chatId));
    expect(answered.run).toEqual(await runs.get(runId));
    expect(answered.run).toMatchObject({
      status: 'queued',
      pending_answer: { kind: 'text', message: 'Ada' },
    });
    expect(answered.events).toEqual(await new EventsRepository(db).after(chatId, 2));
    expect(answered.events.map((e) => [e.type, e.data])).toEqual([
      ['chat.status', { status: 'running', previous: 'wait_for_human_input', run_id: runId }],
    ]);
    expect(await monthUsage(scope.accountId)).toBe(2);
  });

  it("refuses without writing: the wrong kind, another operator's live claim, not waiting", async () => {
    const { scope, chatId } = await waitingChat();
    expect(
      await runs.admitAndAnswer(scope, chatId, { kind: 'tool_outputs', outputs: [] }, undefined, TERMS),
    ).toEqual({ ok: false, reason: 'wrong_kind', expected: 'text' });
    const key = await accounts.createKey(scope, { name: 'Grace', prefix: 'p', hash: randomUUID() });
    await db.query(
      `UPDATE chats SET claim_key_id = $2, claim_name = 'Grace', claimed_at = now(),
         claim_expires_at = now() + interval '1 minute' WHERE id = $1`,
      [chatId, key.id],
    );
    const other = { keyId: randomUUID(), claimIdleMs: 60_000 };
    const refused = await runs.admitAndAnswer(scope, chatId, { kind: 'text', message: 'Ada' }, other, TERMS);
    expect(refused).toMatchObject({
      ok: false,
      reason: 'claimed',
      holder: { key_id: key.id, operator: 'Grace' },
    });
    expect(await monthUsage(scope.accountId)).toBe(1);
    const holder = { keyId: key.id, claimIdleMs: 60_000 };
    expect(
      (await runs.admitAndAnswer(scope, chatId, { kind: 'text', message: 'Ada' }, holder, TERMS)).ok,
    ).toBe(true);
    expect(await runs.admitAndAnswer(scope, chatId, { kind: 'text', message: 'Ada' }, holder, TERMS)).toEqual(
      {
        ok: false,
        reason: 'not_waiting',
        status: 'running',
      },
    );
  });
});

describe('runOutcome', () => {
  it('reads the chat, the run and the messages after a seq as the separate reads do', async () => {
    const { scope, chatId } = await accountWithChat();
    const started = await runs.admitAndStart(scope, chatId, { message: 'Hi' }, 7, TERMS);
    if (!started.ok) throw new Error(started.reason);
    const runId = started.run.id;
    // Every timestamp column set, so each is compared.
    await db.query(
      `UPDATE chats SET claimed_at = now(), claim_expires_at = now(), waiting_since = now(), input_due_at = now(),
         input_overdue_at = now() WHERE id = $1`,
      [chatId],
    );
    await db.query(
      `UPDATE runs SET lease_until = now(), input_expires_at = now(), started_at = now(), ended_at = now() WHERE id = $1`,
      [runId],
    );
    for (const seq of [1, 2, 3])
      await db.query(
        `INSERT INTO messages (chat_id, seq, run_id, sender, type, content, credits, usage)
         VALUES ($1, $2, $3, 'assistant', 'assistant', $4, $5, '{"total_tokens": 3}')`,
        [chatId, seq, runId, `reply ${seq}`, seq * 2],
      );
    const outcome = await chats.runOutcome(scope, chatId, runId, 1);
    expect(outcome).toEqual({
      chat: await chats.get(scope, chatId),
      run: await runs.getInScope(scope, runId),
      messages: await chats.messages(scope, chatId, { after: 1 }),
    });
    expect(outcome?.messages?.map((m) => m.credits)).toEqual(['4', '6']);
    expect((await chats.runOutcome(scope, chatId, runId, null))?.messages).toBeNull();
    expect(await chats.runOutcome(accountScope(randomUUID()), chatId, runId, 0)).toBeNull();
  });
});
