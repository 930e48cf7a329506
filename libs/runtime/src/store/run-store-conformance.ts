import type { ChatStatus, CreditRule, TranscriptMessage } from '@conclave/domain';
import {
  type EventRow,
  InsufficientCreditsError,
  LeaseLostError,
  type MessageRow,
  type RunRow,
} from '@conclave/persistence';
import type { RunStore } from './run-store';

/**
 * What the conformance suite needs besides the store: a way to set up chats and runs as the API
 * does, and to read what was stored. Each store implementation provides one.
 */
export interface RunStoreHarness {
  store: RunStore;
  /** A new account with `credits`, a chat on a stored two-agent flow, and one queued run. */
  queuedRun(options?: { credits?: number; message?: string }): Promise<RunRow>;
  /** Another queued run: of the same account in a new chat, or (`sameChat`) the chat's next run. */
  anotherRun(of: RunRow, options?: { sameChat?: boolean; message?: string }): Promise<RunRow>;
  /** A person's text answer to the chat's waiting run. */
  answer(chatId: string, message: string): Promise<void>;
  requestCancel(chatId: string): Promise<void>;
  chat(chatId: string): Promise<{ status: ChatStatus; active_run_id: string | null; input_request: unknown }>;
  run(runId: string): Promise<RunRow>;
  events(chatId: string): Promise<EventRow[]>;
  messages(chatId: string): Promise<MessageRow[]>;
  balance(accountId: string): Promise<number>;
}

export type RunStoreFactory = () => Promise<RunStoreHarness>;

const LEASE = 60_000;
/** A lease already expired when taken: another owner may take the run over (no clock in the test). */
const EXPIRED = -60_000;
const PER_MESSAGE: CreditRule = { rule: 'per_message', perUnit: 1, perToolCall: 0 };

const said = (sender: string, content: string, type: TranscriptMessage['type'] = 'assistant') => ({
  sender,
  recipient: null,
  type,
  content,
});

/**
 * The run store's promises, as one suite every implementation runs (LangGraph.js's checkpoint
 * validation pattern): the memory store in a unit spec, the Postgres store in an e2e spec.
 */
export function describeRunStore(name: string, factory: RunStoreFactory): void {
  describe(`RunStore conformance: ${name}`, () => {
    let h: RunStoreHarness;
    beforeEach(async () => {
      h = await factory();
    });

    const commit = (run: RunRow, owner: string, step: number, messages: TranscriptMessage[], extra = {}) =>
      h.store.commitStep({
        run,
        owner,
        step,
        state: { v: 1, step: step + 1 },
        messages,
        leaseMs: LEASE,
        ...extra,
      });

    describe('lease', () => {
      it('a queued run is claimed by one owner; another is refused while the lease lives', async () => {
        const run = await h.queuedRun();
        const claimed = await h.store.claim(run.id, 'a', LEASE);
        expect(claimed).toMatchObject({ id: run.id, status: 'running', lease_owner: 'a', attempt: 1 });
        expect(await h.store.claim(run.id, 'b', LEASE)).toBeNull();
        expect(await h.store.claim(run.id, 'a', LEASE)).toMatchObject({ lease_owner: 'a', takeovers: 0 });
      });

      it('an expired lease is taken over, and the takeover is counted', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', EXPIRED);
        expect(await h.store.claim(run.id, 'b', LEASE)).toMatchObject({ lease_owner: 'b', takeovers: 1 });
        expect(await h.store.heartbeat(run.id, 'a', LEASE)).toEqual({ held: false, cancel: false });
      });

      it('a write by a process that lost the lease is refused and writes nothing', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', EXPIRED);
        await h.store.claim(run.id, 'b', LEASE);
        await expect(commit(run, 'a', 0, [said('user', 'Hi', 'user')])).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        expect(await h.messages(run.chat_id)).toEqual([]);
        expect(
          await h.store.finish({
            runId: run.id,
            owner: 'a',
            step: 0,
            end: { status: 'completed', reason: 'x', summary: null },
          }),
        ).toBeNull();
        expect(await h.store.release(run.id, 'a')).toBeNull();
        expect((await h.run(run.id)).status).toBe('running');
      });

      it('heartbeat extends the holder’s lease and reports a requested cancel; a cancelled run is not claimable', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        expect(await h.store.heartbeat(run.id, 'a', LEASE)).toEqual({ held: true, cancel: false });
        expect(await h.store.cancelRequested(run.id)).toBe(false);
        await h.requestCancel(run.chat_id);
        expect(await h.store.heartbeat(run.id, 'a', LEASE)).toEqual({ held: true, cancel: true });
        expect(await h.store.cancelRequested(run.id)).toBe(true);
        await h.store.release(run.id, 'a');
        expect(await h.store.claim(run.id, 'b', LEASE)).toBeNull();
      });

      it('a per-account cap defers a queued run while the account executes that many', async () => {
        const first = await h.queuedRun();
        const second = await h.anotherRun(first);
        expect(await h.store.claim(first.id, 'a', LEASE, 1)).toMatchObject({ id: first.id });
        expect(await h.store.claim(second.id, 'b', LEASE, 1)).toBe('deferred');
        expect((await h.store.queuedOfAccount(first.account_id, 10)).map((r) => r.id)).toEqual([second.id]);
        expect(await h.store.claim(second.id, 'b', LEASE, 2)).toMatchObject({ id: second.id });
      });

      it('the cap defers only queued runs: a takeover of an expired lease is not counted against it', async () => {
        const first = await h.queuedRun();
        const second = await h.anotherRun(first);
        await h.store.claim(first.id, 'a', EXPIRED, 2);
        await h.store.claim(second.id, 'a', LEASE, 2);
        expect(await h.store.claim(first.id, 'b', LEASE, 1)).toMatchObject({
          id: first.id,
          status: 'running',
          lease_owner: 'b',
          takeovers: 1,
        });
        expect(await h.store.claim(first.id, 'c', LEASE, 1)).toBeNull();
      });
    });

    describe('steps', () => {
      it('the step guard refuses a step committed twice (a stale step index)', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        await commit(run, 'a', 0, [said('user', 'Hi', 'user')]);
        await expect(commit(run, 'a', 0, [said('user', 'Hi', 'user')])).rejects.toBeInstanceOf(
          LeaseLostError,
        );
        expect((await h.messages(run.chat_id)).map((m) => m.content)).toEqual(['Hi']);
        expect(await h.run(run.id)).toMatchObject({ step: 1, state: { v: 1, step: 1 } });
      });

      it('seqs are dense per chat: events (leading first) and messages count on from the last', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        const before = (await h.events(run.chat_id)).length;
        const first = await commit(run, 'a', 0, [said('user', 'Hi', 'user')], {
          leadingEvents: [{ type: 'run.started', data: { run_id: run.id } }],
        });
        const second = await commit(run, 'a', 1, [said('assistant', 'Hello'), said('assistant', 'Again')]);
        expect(first.events.map((e) => [e.seq, e.type])).toEqual([
          [before + 1, 'run.started'],
          [before + 2, 'message.created'],
        ]);
        expect(second.events.map((e) => e.seq)).toEqual([before + 3, before + 4]);
        expect(second.messages.map((m) => m.seq)).toEqual([2, 3]);
        expect(second.events[0].data).toMatchObject({ seq: 2, content: 'Hello', run_id: run.id });
        const events = await h.events(run.chat_id);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        expect((await h.messages(run.chat_id)).map((m) => [m.seq, m.content])).toEqual([
          [1, 'Hi'],
          [2, 'Hello'],
          [3, 'Again'],
        ]);
      });

      it('a step the account cannot pay for is rolled back whole; a payable one is debited', async () => {
        const run = await h.queuedRun({ credits: 1 });
        await h.store.claim(run.id, 'a', LEASE);
        const charge = { accountId: run.account_id, rule: PER_MESSAGE };
        const eventsBefore = await h.events(run.chat_id);
        await expect(
          commit(run, 'a', 0, [said('assistant', 'one'), said('assistant', 'two')], { charge }),
        ).rejects.toBeInstanceOf(InsufficientCreditsError);
        expect(await h.messages(run.chat_id)).toEqual([]);
        expect(await h.events(run.chat_id)).toEqual(eventsBefore);
        expect(await h.balance(run.account_id)).toBe(1);
        expect((await h.run(run.id)).step).toBe(0);
        await commit(run, 'a', 0, [said('user', 'Hi', 'user'), said('assistant', 'one')], { charge });
        expect(await h.balance(run.account_id)).toBe(0);
        expect((await h.run(run.id)).step).toBe(1);
      });

      it('usage adds up per step, selection calls (extra usage) included', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5 };
        await commit(run, 'a', 0, [{ ...said('assistant', 'x'), usage }], { extraUsage: usage });
        expect((await h.run(run.id)).usage).toEqual({ input_tokens: 6, output_tokens: 4, total_tokens: 10 });
      });
    });

    // Steps of several runs committed in the same tick: a store may write them together (the
    // Postgres store group-commits them), but each caller gets what a commit of its step alone gives.
    describe('steps committed together', () => {
      it('one refused step fails only its caller; the others are written', async () => {
        const run = await h.queuedRun();
        const other = await h.anotherRun(run);
        const third = await h.anotherRun(run);
        for (const r of [run, other, third]) await h.store.claim(r.id, 'a', LEASE);
        const [first, refused, last] = await Promise.allSettled([
          commit(run, 'a', 0, [said('user', 'one', 'user')]),
          commit(other, 'stranger', 0, [said('user', 'two', 'user')]),
          commit(third, 'a', 0, [said('user', 'three', 'user')]),
        ]);
        expect(first).toMatchObject({ status: 'fulfilled', value: { messages: [{ content: 'one', seq: 1 }] } });
        expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(LeaseLostError);
        expect(last).toMatchObject({ status: 'fulfilled', value: { messages: [{ content: 'three', seq: 1 }] } });
        expect(await h.messages(other.chat_id)).toEqual([]);
        expect((await h.run(other.id)).step).toBe(0);
        expect((await h.messages(third.chat_id)).map((m) => m.content)).toEqual(['three']);
      });

      it('two steps of one account, in the same tick, debit it in order: the one it cannot pay for writes nothing', async () => {
        const run = await h.queuedRun({ credits: 1 });
        const other = await h.anotherRun(run);
        await h.store.claim(run.id, 'a', LEASE);
        await h.store.claim(other.id, 'a', LEASE);
        const charge = { accountId: run.account_id, rule: PER_MESSAGE };
        const [paid, unpaid] = await Promise.allSettled([
          commit(run, 'a', 0, [said('assistant', 'one')], { charge }),
          commit(other, 'a', 0, [said('assistant', 'two')], { charge }),
        ]);
        expect(paid.status).toBe('fulfilled');
        expect(unpaid.status === 'rejected' && unpaid.reason).toBeInstanceOf(InsufficientCreditsError);
        expect(await h.balance(run.account_id)).toBe(0);
        expect((await h.messages(run.chat_id)).map((m) => m.content)).toEqual(['one']);
        expect(await h.messages(other.chat_id)).toEqual([]);
        expect((await h.run(other.id)).step).toBe(0);
      });

      it('two steps of one run in the same tick are written in order, seqs dense', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        const [first, second] = await Promise.all([
          commit(run, 'a', 0, [said('user', 'Hi', 'user')]),
          commit(run, 'a', 1, [said('assistant', 'Hello')]),
        ]);
        expect(first.messages.map((m) => m.seq)).toEqual([1]);
        expect(second.messages.map((m) => m.seq)).toEqual([2]);
        expect(await h.run(run.id)).toMatchObject({ step: 2, state: { v: 1, step: 2 } });
        const events = await h.events(run.chat_id);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      });
    });

    describe('waiting for input', () => {
      it('the run gives up its lease; the chat shows the question; an answer queues the run again', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        await commit(run, 'a', 0, [said('user', 'Hi', 'user'), said('assistant', 'Your name?')]);
        const events = await h.store.waitForInput({
          run,
          owner: 'a',
          step: 1,
          state: { v: 1, waiting: true },
          request: { kind: 'text', agent: 'user', prompt: 'Reply' } as never,
          expiresAt: null,
        });
        expect(events.map((e) => e.type)).toEqual(['input.requested', 'chat.status']);
        expect(await h.run(run.id)).toMatchObject({ status: 'waiting', lease_owner: null, step: 2 });
        expect(await h.chat(run.chat_id)).toMatchObject({
          status: 'wait_for_human_input',
          input_request: { kind: 'text', question: { sender: 'assistant', content: 'Your name?' } },
        });
        expect(await h.store.claim(run.id, 'b', LEASE)).toBeNull();

        await h.answer(run.chat_id, 'Ada');
        const claimed = await h.store.claim(run.id, 'b', LEASE);
        expect(claimed).toMatchObject({ pending_answer: { kind: 'text', message: 'Ada' }, takeovers: 0 });
        const context = await h.store.load(claimed as RunRow);
        expect(context?.answeredAt).toBeInstanceOf(Date);
        await commit(run, 'b', 2, [said('user', 'Ada', 'user')], { consumeAnswer: true });
        expect((await h.run(run.id)).pending_answer).toBeNull();
      });

      it('a waiting write by a non-holder is refused', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        await expect(
          h.store.waitForInput({
            run,
            owner: 'b',
            step: 0,
            state: { v: 1 },
            request: { kind: 'text', agent: 'user', prompt: 'Reply' } as never,
            expiresAt: null,
          }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        expect((await h.chat(run.chat_id)).status).toBe('running');
      });
    });

    describe('finish and release', () => {
      it('the holder finishes the run: run and chat completed, events in order, lease gone', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        await commit(run, 'a', 0, [said('user', 'Hi', 'user')]);
        expect(
          await h.store.finish({
            runId: run.id,
            owner: 'a',
            step: 0,
            end: { status: 'completed', reason: 'max_turns', summary: null },
          }),
        ).toBeNull(); // the step guard: step 0 is already committed
        const finished = await h.store.finish({
          runId: run.id,
          owner: 'a',
          step: 1,
          end: { status: 'completed', reason: 'max_turns', summary: 'done' },
        });
        expect(finished?.events.map((e) => [e.type, e.data.status ?? null])).toEqual([
          ['run.completed', null],
          ['chat.status', 'completed'],
        ]);
        expect(finished?.promoted).toBeNull();
        expect(await h.run(run.id)).toMatchObject({
          status: 'completed',
          termination_reason: 'max_turns',
          summary: 'done',
          lease_owner: null,
        });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'completed', active_run_id: null });
        expect(await h.store.claim(run.id, 'a', LEASE)).toBeNull();
      });

      it('the holder’s end reports the run’s usage, and (asked) whether its account has queued runs', async () => {
        const run = await h.queuedRun();
        const other = await h.anotherRun(run);
        await h.store.claim(run.id, 'a', LEASE);
        const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5 };
        await commit(run, 'a', 0, [{ ...said('assistant', 'x'), usage }]);
        const end = { status: 'completed', reason: 'max_turns', summary: null } as const;
        const finished = await h.store.finish({
          runId: run.id,
          owner: 'a',
          step: 1,
          end,
          reportQueued: true,
        });
        expect(finished?.accountQueued).toBe(true);
        expect(finished?.events[0]).toMatchObject({ type: 'run.completed', data: { run_id: run.id, usage } });
        await h.store.claim(other.id, 'a', LEASE);
        const last = await h.store.finish({ runId: other.id, owner: 'a', step: 0, end, reportQueued: true });
        expect(last?.accountQueued).toBe(false);
        expect(await h.chat(other.chat_id)).toMatchObject({ status: 'completed', active_run_id: null });
      });

      it('the holder’s end promotes the chat’s pending run; a failure’s error reaches the chat', async () => {
        const run = await h.queuedRun();
        const next = await h.anotherRun(run, { sameChat: true });
        await h.store.claim(run.id, 'a', LEASE);
        const finished = await h.store.finish({
          runId: run.id,
          owner: 'a',
          step: 0,
          end: { status: 'failed', reason: 'error', error: 'boom', kind: 'internal' },
        });
        expect(finished?.promoted).toMatchObject({ id: next.id, status: 'queued' });
        expect(finished?.events.map((e) => e.type)).toEqual(['run.failed', 'chat.status', 'chat.status']);
        expect(await h.run(run.id)).toMatchObject({
          status: 'failed',
          last_error: 'boom',
          failure_kind: 'internal',
        });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'running', active_run_id: next.id });
        await h.store.claim(next.id, 'a', LEASE);
        await h.store.finish({
          runId: next.id,
          owner: 'a',
          step: 0,
          end: { status: 'failed', reason: 'error', error: 'again', kind: 'internal' },
        });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'error', active_run_id: null });
      });

      it('a failure puts the chat in error; without an owner any active run can be ended (timeouts, cancel)', async () => {
        const run = await h.queuedRun();
        const failed = await h.store.finish({
          runId: run.id,
          end: { status: 'failed', reason: 'error', error: 'boom', kind: 'internal' },
        });
        expect(failed?.events[0]).toMatchObject({ type: 'run.failed', data: { error: 'boom' } });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'error' });
        expect(
          await h.store.finish({ runId: run.id, end: { status: 'cancelled', reason: 'cancelled' } }),
        ).toBeNull();
      });

      it('finishing promotes the chat’s next pending run; a cancel drops it', async () => {
        const run = await h.queuedRun();
        const next = await h.anotherRun(run, { sameChat: true });
        expect(next.status).toBe('pending');
        const finished = await h.store.finish({
          runId: run.id,
          end: { status: 'completed', reason: 'max_turns', summary: null },
        });
        expect(finished?.promoted).toMatchObject({ id: next.id, status: 'queued' });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'running', active_run_id: next.id });

        const third = await h.anotherRun(run, { sameChat: true });
        await h.store.finish({ runId: next.id, end: { status: 'cancelled', reason: 'cancelled' } });
        expect((await h.run(third.id)).status).toBe('cancelled');
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'completed', active_run_id: null });
      });

      it('a final step commits the step and ends the run in one write', async () => {
        const run = await h.queuedRun({ credits: 5 });
        const other = await h.anotherRun(run);
        await h.store.claim(run.id, 'a', LEASE);
        const before = (await h.events(run.chat_id)).length;
        const usage = { input_tokens: 3, output_tokens: 2, total_tokens: 5 };
        const result = await h.store.commitFinalStep({
          run,
          owner: 'a',
          step: 0,
          state: { v: 1, done: true },
          messages: [said('user', 'Hi', 'user'), { ...said('assistant', 'Bye'), usage }],
          leaseMs: LEASE,
          charge: { accountId: run.account_id, rule: PER_MESSAGE },
          end: { status: 'completed', reason: 'max_turns', summary: 'sum' },
          reportQueued: true,
        });
        expect(result.messages.map((m) => m.seq)).toEqual([1, 2]);
        expect([...result.events, ...(result.finished?.events ?? [])].map((e) => [e.seq, e.type])).toEqual([
          [before + 1, 'message.created'],
          [before + 2, 'message.created'],
          [before + 3, 'run.completed'],
          [before + 4, 'chat.status'],
        ]);
        expect(result.finished?.events[0].data).toMatchObject({ usage, summary: 'sum' });
        expect(result.finished?.accountQueued).toBe(true);
        expect(await h.run(run.id)).toMatchObject({
          status: 'completed',
          step: 2,
          state: { v: 1, done: true },
          termination_reason: 'max_turns',
          lease_owner: null,
        });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'completed', active_run_id: null });
        expect(await h.balance(run.account_id)).toBe(4);
        expect((await h.run(other.id)).status).toBe('queued');
      });

      it('a final step the account cannot pay for writes nothing, neither the step nor the end', async () => {
        const run = await h.queuedRun({ credits: 0 });
        await h.store.claim(run.id, 'a', LEASE);
        const eventsBefore = await h.events(run.chat_id);
        await expect(
          h.store.commitFinalStep({
            run,
            owner: 'a',
            step: 0,
            state: { v: 1 },
            messages: [said('assistant', 'one')],
            leaseMs: LEASE,
            charge: { accountId: run.account_id, rule: PER_MESSAGE },
            end: { status: 'completed', reason: 'max_turns', summary: null },
          }),
        ).rejects.toBeInstanceOf(InsufficientCreditsError);
        expect(await h.events(run.chat_id)).toEqual(eventsBefore);
        expect(await h.run(run.id)).toMatchObject({ status: 'running', step: 0, lease_owner: 'a' });
      });

      it('a final step by a non-holder writes nothing; one with a pending run behind it promotes it', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        const final = (owner: string) =>
          h.store.commitFinalStep({
            run,
            owner,
            step: 0,
            state: { v: 1 },
            messages: [said('user', 'Hi', 'user')],
            leaseMs: LEASE,
            end: { status: 'completed', reason: 'max_turns', summary: null },
          });
        await expect(final('b')).rejects.toBeInstanceOf(LeaseLostError);
        expect(await h.messages(run.chat_id)).toEqual([]);
        const next = await h.anotherRun(run, { sameChat: true });
        const result = await final('a');
        expect(result.finished?.promoted).toMatchObject({ id: next.id, status: 'queued' });
        expect(await h.run(run.id)).toMatchObject({ status: 'completed', step: 2 });
        expect(await h.chat(run.chat_id)).toMatchObject({ status: 'running', active_run_id: next.id });
      });

      it('release hands the run back: queued, no lease, and another owner claims it without a takeover', async () => {
        const run = await h.queuedRun();
        await h.store.claim(run.id, 'a', LEASE);
        expect(await h.store.release(run.id, 'b')).toBeNull();
        expect(await h.store.release(run.id, 'a')).toMatchObject({ status: 'queued', lease_owner: null });
        expect(await h.store.claim(run.id, 'b', LEASE)).toMatchObject({ lease_owner: 'b', takeovers: 0 });
      });
    });

    describe('load', () => {
      it('gives the chat’s account, flow, transcript, the previous run’s state and the messages this run wrote', async () => {
        const run = await h.queuedRun();
        const claimed = (await h.store.claim(run.id, 'a', LEASE)) as RunRow;
        const fresh = await h.store.load(claimed);
        expect(fresh).toMatchObject({
          accountId: run.account_id,
          knowledgeBase: null,
          transcript: [],
          previousState: null,
          messages: 0,
          answeredAt: null,
        });
        expect(fresh?.flowSpec).toMatchObject({ agents: expect.any(Array) });
        await commit(run, 'a', 0, [said('user', 'Hi', 'user'), said('assistant', 'Hello')]);
        await h.store.finish({
          runId: run.id,
          owner: 'a',
          step: 1,
          end: { status: 'completed', reason: 'max_turns', summary: null },
        });
        const next = await h.anotherRun(run, { sameChat: true });
        const context = await h.store.load((await h.store.claim(next.id, 'a', LEASE)) as RunRow);
        expect(context?.transcript).toEqual([said('user', 'Hi', 'user'), said('assistant', 'Hello')]);
        expect(context?.previousState).toEqual({ v: 1, step: 1 });
        expect(context?.messages).toBe(0);
      });
    });
  });
}
