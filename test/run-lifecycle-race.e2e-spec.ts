import { Database, RunsRepository } from '@conclave/persistence';
import { startTestApi, twoAgentFlow, waitFor, type TestAccount, type TestApi } from './support/api';

const ROUNDS = 30;

/**
 * An input timeout (the sweeper ending a waiting run) racing a person's answer, many times at once.
 * Both lock the chat row first and the run second (RunsRepository's lock order): before, ending a run
 * locked the run first, so the two could deadlock (Postgres 40P01) and the answer came back 500.
 */
describe('run lifecycle: an input timeout racing the answer', () => {
  let t: TestApi;
  let a: TestAccount;
  let db: Database;
  let runs: RunsRepository;

  beforeAll(async () => {
    // The API's own sweeper stays out of the way: this test plays the sweeper, at the worst moment.
    t = await startTestApi({ SWEEP_INTERVAL_MS: '600000' });
    a = await t.account();
    // A few connections are enough to race: the API's own pool serves the answers.
    db = new Database(t.databaseUrl, { poolSize: 8, applicationName: 'race-test' });
    await db.connect();
    runs = new RunsRepository(db);
  });
  afterAll(async () => {
    await db?.close();
    await t?.close();
  });

  it('each race has exactly one winner: no 500, no deadlock, the chat, its run and its log agree', async () => {
    const flowId = await a.createFlow(
      twoAgentFlow(['Your answer?', 'Thanks, again?'], { input_timeout: 3600 }),
    );
    const chatIds: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const created = await a.request('POST', '/chats', {
        name: `race ${i}`,
        from_type: 'flow',
        from_flow: flowId,
      });
      const sent = await a.request('POST', `/chats/${created.body.id}/messages?wait=true`, {
        message: 'hi',
      });
      expect({ status: sent.status, chat: sent.body.chat?.status }).toEqual({
        status: 202,
        chat: 'wait_for_human_input',
      });
      chatIds.push(created.body.id);
    }
    // Every request has expired by the database's clock: what the sweeper finds.
    await t.db.query(
      `UPDATE runs SET input_expires_at = now() - interval '1 second' WHERE status = 'waiting'`,
    );
    const expired = await runs.expiredInputs(500);
    expect(expired.map((r) => r.chat_id).sort()).toEqual([...chatIds].sort());

    const races = await Promise.all(
      expired.map(async (run) => {
        const [answer, timeout] = await Promise.allSettled([
          a.request('POST', `/chats/${run.chat_id}/input`, { message: 'here I am' }),
          runs.timeoutInput(run.id),
        ]);
        return { run, answer, timeout };
      }),
    );

    for (const { run, answer, timeout } of races) {
      if (timeout.status === 'rejected') throw timeout.reason; // a deadlock would surface here (40P01)
      expect(answer.status).toBe('fulfilled');
      const response = (answer as PromiseFulfilledResult<{ status: number; body: any }>).value;
      expect([202, 409]).toContain(response.status);
      const answered = response.status === 202;
      const timedOut = timeout.value !== null;
      expect(answered).toBe(!timedOut);

      const chat = await waitFor(async () => {
        const read = await a.request('GET', `/chats/${run.chat_id}`);
        return read.body.status === 'running' ? null : read.body;
      }, 120_000); // 30 runs resume at once on a loaded machine
      const [ended] = await t.db
        .query<{ status: string; termination_reason: string | null }>(
          `SELECT status, termination_reason FROM runs WHERE id = $1`,
          [run.id],
        )
        .then((r) => r.rows);
      if (timedOut) {
        expect(chat).toMatchObject({ status: 'completed', termination_reason: 'input_timeout' });
        expect(ended).toEqual({ status: 'completed', termination_reason: 'input_timeout' });
      } else {
        // The answer won: the run went on and asked again.
        expect(chat.status).toBe('wait_for_human_input');
        expect(ended).toEqual({ status: 'waiting', termination_reason: null });
      }
      await expectConsistent(run.chat_id);
    }
  });

  /** The chat's status is its last `chat.status` event's, its seqs are dense, its active run is its one active run. */
  async function expectConsistent(chatId: string) {
    const { rows: chats } = await t.db.query(
      `SELECT status, active_run_id, last_seq FROM chats WHERE id = $1`,
      [chatId],
    );
    const { rows: events } = await t.db.query(
      `SELECT seq, type, data FROM events WHERE chat_id = $1 ORDER BY seq`,
      [chatId],
    );
    const { rows: active } = await t.db.query(
      `SELECT id FROM runs WHERE chat_id = $1 AND status IN ('queued', 'running', 'waiting')`,
      [chatId],
    );
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: chats[0].last_seq }, (_, i) => i + 1));
    const statuses = events.filter((e) => e.type === 'chat.status');
    expect(statuses[statuses.length - 1].data.status).toBe(chats[0].status);
    expect(active.map((r) => r.id)).toEqual(chats[0].active_run_id ? [chats[0].active_run_id] : []);
  }
});
