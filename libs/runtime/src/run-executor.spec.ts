import { type FlowSpecInput, FlowSpecSchema, type ModelRequest } from '@conclave/domain';
import { drive, engine, scriptedModel } from '@conclave/engine';
import type { InvokeOptions, ModelInvoker } from '@conclave/llm';
import { InProcessEventBus } from '@conclave/realtime';
import type { SecretResolver } from '@conclave/secrets';
import { RunExecutor, type RunExecutorOptions } from './run-executor';
import { MemoryRunStore } from './store/memory-run-store';
import { toTranscriptMessage } from './store/transcript';

// The executor's promises (lease, crash-resume, cancel, drain, credits, budget) on the memory store:
// the transcript it writes must be the one the engine's reference runtime `drive()` produces.

const LEASE = 60_000;
const SEED = 7;
const NO_SECRETS = {
  resolve: async () => {
    throw new Error('no secrets in these flows');
  },
} as unknown as SecretResolver;

/** Two scripted assistants talking for three turns: one user message, then five model replies. */
const ASSISTANTS: FlowSpecInput = {
  name: 'assistants',
  agents: [
    { name: 'alice', type: 'assistant', llm: { provider: 'scripted', replies: ['a1', 'a2', 'a3'] } },
    { name: 'bob', type: 'assistant', llm: { provider: 'scripted', replies: ['b1', 'b2', 'b3'] } },
  ],
  chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 3 },
};

/** A person (ALWAYS asked) and a scripted assistant. */
const SUPPORT: FlowSpecInput = {
  name: 'support',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
    {
      name: 'assistant',
      type: 'assistant',
      llm: { provider: 'scripted', replies: ['Hello!', 'Sure.', 'Bye.'] },
    },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
};

/** The flow's scripted LLMs, as the reference runtime answers them. */
function scripted(): ModelInvoker {
  const model = scriptedModel();
  return { invoke: async (request) => model(request) };
}

/**
 * Scripted replies, except that call number `at` (0-based) is `held`: it waits until `release()`
 * (then answers) or until its run aborts (then rejects, as a provider call does).
 */
function holding(at: number) {
  const model = scriptedModel();
  let calls = 0;
  let entered!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const models: ModelInvoker = {
    async invoke(request: ModelRequest, options?: InvokeOptions) {
      if (calls++ !== at) return model(request);
      entered();
      const signal = options?.signal;
      await new Promise<void>((resolve, reject) => {
        void released.then(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason));
      });
      return model(request);
    },
  };
  return { models, held, release };
}

function setup(flowInput: FlowSpecInput, { credits = 0, message = 'hi' } = {}) {
  let clock = Date.now();
  const store = new MemoryRunStore(() => new Date(clock));
  const bus = new InProcessEventBus();
  const accountId = store.addAccount(credits);
  const chatId = store.addChat(accountId, flowInput);
  const run = store.startRun(chatId, { message }, SEED);
  const executors: RunExecutor[] = [];
  return {
    store,
    bus,
    run,
    chatId,
    accountId,
    flow: FlowSpecSchema.parse(flowInput),
    executor(owner: string, models: ModelInvoker = scripted(), options: Partial<RunExecutorOptions> = {}) {
      const executor = new RunExecutor(store, engine, models, bus, {
        leaseMs: LEASE,
        owner,
        secrets: NO_SECRETS,
        ...options,
      });
      executors.push(executor);
      return executor;
    },
    /** Time passes until every lease taken so far has expired (a dead process's included). */
    leasesExpire() {
      clock += LEASE + 1;
    },
    transcript: () => store.messages(chatId).map(toTranscriptMessage),
    stop: () => executors.forEach((e) => e.stop()),
  };
}

describe('RunExecutor on the memory store', () => {
  const reference = drive(FlowSpecSchema.parse(ASSISTANTS), { message: 'hi', seed: SEED, history: [] });

  it('an uninterrupted run writes the reference transcript and completes its chat', async () => {
    const s = setup(ASSISTANTS);
    expect(await s.executor('a').execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript);
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'completed', termination_reason: 'max_turns' });
    expect(s.store.chat(s.chatId)).toMatchObject({ status: 'completed', active_run_id: null });
    const events = s.store.events(s.chatId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  // k committed steps (the user's message, then k-1 replies), then the process dies in a model call.
  it.each([1, 2, 3, 4, 5])(
    'killed after step %i, resumed by another process: the same transcript as drive()',
    async (k) => {
      const s = setup(ASSISTANTS);
      const dying = holding(k - 1);
      const first = s.executor('a', dying.models);
      const killed = first.execute(s.run.id);
      await dying.held;
      expect(s.store.messages(s.chatId)).toHaveLength(k);

      // Still within the dead process's lease, nobody else may take the run.
      expect(await s.executor('early').execute(s.run.id)).toBe('skipped');
      s.leasesExpire();
      expect(await s.executor('b').execute(s.run.id)).toBe('ended');
      expect(s.transcript()).toEqual(reference.transcript);
      expect(s.store.run(s.run.id)).toMatchObject({ status: 'completed', takeovers: 1 });

      // The dead process's call returning late writes nothing.
      first.stop();
      expect(await killed).toBe('lost');
      expect(s.transcript()).toEqual(reference.transcript);
    },
  );

  it('a run that waits for a person resumes on each answer to the same transcript as drive()', async () => {
    const answers = ['Help me', '', 'exit'];
    const s = setup(SUPPORT, { message: 'Hi' });
    const expected = drive(s.flow, { message: 'Hi', seed: SEED, history: [] }, { human: [...answers] });
    for (const answer of answers) {
      expect(await s.executor(`before ${answer}`).execute(s.run.id)).toBe('waiting');
      expect(s.store.chat(s.chatId)?.status).toBe('wait_for_human_input');
      s.store.answer(s.chatId, { kind: 'text', message: answer });
    }
    expect(await s.executor('last').execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(expected.transcript);
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });
  });

  it('a cancel during a model call ends the run cancelled at its last committed step', async () => {
    const s = setup(ASSISTANTS);
    const call = holding(1);
    const running = s.executor('a', call.models).execute(s.run.id);
    await call.held;
    s.store.requestCancel(s.chatId);
    s.bus.publish({ kind: 'cancel', runId: s.run.id });
    expect(await running).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript.slice(0, 2));
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'cancelled', lease_owner: null });
    expect(s.store.chat(s.chatId)).toMatchObject({ status: 'completed', termination_reason: 'cancelled' });
    expect(s.store.events(s.chatId).map((e) => e.type)).toContain('run.cancelled');
  });

  it('drain: no new claims; the run in flight finishes its step and is released for another process', async () => {
    const s = setup(ASSISTANTS);
    const other = s.store.startRun(s.store.addChat(s.accountId, ASSISTANTS), { message: 'hi' }, SEED);
    const call = holding(1);
    const draining = s.executor('a', call.models);
    const inFlight = draining.execute(s.run.id);
    await call.held;
    draining.drain();
    expect(await draining.execute(other.id)).toBe('skipped');
    expect(s.store.run(other.id)).toMatchObject({ status: 'queued', lease_owner: null });

    call.release();
    expect(await inFlight).toBe('released');
    expect(s.transcript()).toEqual(reference.transcript.slice(0, 3));
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'queued', lease_owner: null });

    // Released, not abandoned: another process continues at once (no lease to wait out, no takeover).
    expect(await s.executor('b').execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript);
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'completed', takeovers: 0 });
  });

  it('insufficient credits end the run completed at the last paid message, nothing unpaid written', async () => {
    const s = setup(ASSISTANTS, { credits: 2 });
    const credits = { rule: 'per_message' as const, perUnit: 1, perToolCall: 0 };
    expect(await s.executor('a', scripted(), { credits }).execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript.slice(0, 3));
    expect(s.store.balance(s.accountId)).toBe(0);
    expect(s.store.run(s.run.id)).toMatchObject({
      status: 'completed',
      termination_reason: 'insufficient_credits',
    });
    expect(s.store.chat(s.chatId)).toMatchObject({
      status: 'completed',
      termination_reason: 'insufficient_credits',
    });
  });

  it('the message budget ends the run before the step that would exceed it', async () => {
    const s = setup(ASSISTANTS);
    const budget = { maxSeconds: 900, maxMessages: 4 };
    expect(await s.executor('a', scripted(), { budget }).execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript.slice(0, 4));
    expect(s.store.run(s.run.id)).toMatchObject({
      status: 'completed',
      termination_reason: 'max_run_messages',
    });
  });

  it('a message budget the last step uses up ends the run as the budget, that step kept', async () => {
    const s = setup(ASSISTANTS);
    const budget = { maxSeconds: 900, maxMessages: reference.transcript.length };
    expect(await s.executor('a', scripted(), { budget }).execute(s.run.id)).toBe('ended');
    expect(s.transcript()).toEqual(reference.transcript);
    expect(s.store.run(s.run.id)).toMatchObject({
      status: 'completed',
      termination_reason: 'max_run_messages',
    });
  });

  it('every event the run appends is published once, in seq order (the last step’s with the end’s)', async () => {
    const s = setup(ASSISTANTS);
    const published: number[] = [];
    s.bus.subscribe((m) => {
      if (m.kind === 'events') published.push(...m.events.map((e) => e.seq as number));
    });
    const before = s.store.events(s.chatId).length;
    expect(await s.executor('a').execute(s.run.id)).toBe('ended');
    const appended = s.store.events(s.chatId).slice(before);
    expect(appended.slice(-2).map((e) => e.type)).toEqual(['run.completed', 'chat.status']);
    expect(published).toEqual(appended.map((e) => e.seq));
  });

  it('under a per-account cap, a run’s end hands the slot on to the account’s queued runs, and looks only if it has some', async () => {
    const s = setup(ASSISTANTS);
    const looked = jest.spyOn(s.store, 'queuedOfAccount');
    const handedOn: string[] = [];
    const options = { maxRunsPerAccount: 1, onQueued: (run: { id: string }) => handedOn.push(run.id) };
    expect(await s.executor('a', scripted(), options).execute(s.run.id)).toBe('ended');
    expect(looked).not.toHaveBeenCalled();
    expect(handedOn).toEqual([]);

    const first = s.store.startRun(s.store.addChat(s.accountId, ASSISTANTS), { message: 'hi' }, SEED);
    const second = s.store.startRun(s.store.addChat(s.accountId, ASSISTANTS), { message: 'hi' }, SEED);
    expect(await s.executor('b', scripted(), options).execute(first.id)).toBe('ended');
    expect(handedOn).toEqual([second.id]);
  });

  it('a spent wall-clock budget ends the run as max_run_seconds', async () => {
    const s = setup(ASSISTANTS);
    const budget = { maxSeconds: 0, maxMessages: 500 };
    expect(await s.executor('a', scripted(), { budget }).execute(s.run.id)).toBe('ended');
    expect(s.store.run(s.run.id)).toMatchObject({
      status: 'completed',
      termination_reason: 'max_run_seconds',
    });
    expect(s.store.chat(s.chatId)?.status).toBe('completed');
  });

  it('a run taken over more than MAX_ATTEMPTS times is failed, not handed on', async () => {
    const s = setup(ASSISTANTS);
    const dead: Promise<unknown>[] = [];
    // Two processes die holding it (the second one's claim is a takeover), the third takes it over again.
    for (let attempt = 0; attempt < 2; attempt++) {
      const dying = holding(0);
      dead.push(s.executor(`dead ${attempt}`, dying.models, { maxAttempts: 1 }).execute(s.run.id));
      await dying.held;
      s.leasesExpire();
    }
    expect(await s.executor('last', scripted(), { maxAttempts: 1 }).execute(s.run.id)).toBe('ended');
    expect(s.store.run(s.run.id)).toMatchObject({ status: 'failed', termination_reason: 'error' });
    expect(s.store.chat(s.chatId)?.status).toBe('error');
    s.stop();
    expect(await Promise.all(dead)).toEqual(['lost', 'lost']);
  });
});
