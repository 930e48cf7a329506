import type { FailureKind } from '@conclave/domain';
import type { RunEnd } from '@conclave/persistence';
import { callerOf } from './testing/memory-chats';
import { useCaseWorld } from './testing/world';

describe('Converse', () => {
  const caller = callerOf('acc-1');

  /** The worker's part: the run replies (or fails) by the time the wait returns. */
  function replies(w: ReturnType<typeof useCaseWorld>, ...texts: string[]) {
    w.settling.whenWaited = (chatId) => {
      const chat = w.store.chats.get(chatId)!;
      if (chat.status !== 'running') return;
      w.store.write(chatId, { type: 'user', sender: 'user', content: 'hi' });
      for (const content of texts)
        w.store.write(chatId, { type: 'assistant', sender: 'bot', content, credits: '1' });
      void w.store.finish({
        runId: chat.active_run_id!,
        end: { status: 'completed', reason: 'max_turns', summary: null },
      });
    };
  }

  /** The worker's part: the run ends this way before any reply. */
  function ends(w: ReturnType<typeof useCaseWorld>, end: RunEnd) {
    w.settling.whenWaited = (chatId) => {
      const chat = w.store.chats.get(chatId)!;
      if (chat.status === 'running') void w.store.finish({ runId: chat.active_run_id!, end });
    };
  }

  const failed = (kind: FailureKind, error = 'whatever the text says'): RunEnd => ({
    status: 'failed',
    reason: 'error',
    error,
    kind,
  });

  it('starts a run on an idle conversation and collects the agents’ texts and their cost', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1');
    replies(w, 'Hello!', 'How can I help? TERMINATE');
    const result = await w.converse.execute(caller, chat.id, 'hi');
    expect(result).toMatchObject({
      ok: true,
      texts: ['Hello!', 'How can I help?'],
      credits: 2,
      remainingCredits: 100,
      incomplete: false,
    });
    expect(result.ok && result.messageId).toBe(w.store.transcript[0].id);
  });

  it('answers the pending text request of a waiting conversation', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    const runId = chat.active_run_id!;
    replies(w, 'Got it');
    const result = await w.converse.execute(caller, chat.id, 'yes');
    expect(result).toMatchObject({ ok: true, texts: ['Got it'] });
    expect(w.store.runs.get(runId)?.pending_answer).toEqual({ kind: 'text', message: 'yes' });
  });

  it('waits for a running conversation to settle before delivering the message', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { status: 'running' });
    const run = w.store.addRun(chat, 'running');
    chat.active_run_id = run.id;
    let first = true;
    w.settling.whenWaited = (chatId) => {
      if (first) {
        first = false;
        void w.store.finish({
          runId: run.id,
          end: { status: 'completed', reason: 'max_turns', summary: null },
        });
        return;
      }
      w.store.write(chatId, { type: 'assistant', sender: 'bot', content: 'now' });
    };
    expect(await w.converse.execute(caller, chat.id, 'hi')).toMatchObject({ ok: true, texts: ['now'] });
  });

  it('maps a run failed at the provider (any provider kind) to provider_unavailable, whatever its text', async () => {
    for (const kind of ['provider_unavailable', 'provider_auth', 'provider_rejected'] as const) {
      const w = useCaseWorld();
      const chat = w.store.addChat('acc-1');
      ends(w, failed(kind));
      expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({
        ok: false,
        reason: 'provider_unavailable',
      });
    }
  });

  it('maps another failure to run_failed, even when its text looks like a provider’s', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1');
    ends(w, failed('internal', 'openai provider failed after 3 attempts'));
    const result = await w.converse.execute(caller, chat.id, 'hi');
    expect(result).toMatchObject({ ok: false, reason: 'run_failed' });
  });

  it('a run that ran out of credits before any reply is insufficient_credits', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1');
    ends(w, { status: 'completed', reason: 'insufficient_credits', summary: null });
    expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({
      ok: false,
      reason: 'insufficient_credits',
    });
  });

  it('passes on the refusals of starting: no credits, allowance used up, unknown conversation', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1');
    w.admission.credits = 0;
    expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({
      ok: false,
      reason: 'insufficient_credits',
    });
    w.admission.credits = 5;
    w.admission.plan = 'free';
    w.admission.monthlyLimit = 0;
    expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({
      ok: false,
      reason: 'limit_reached',
      plan: 'free',
      limit: 0,
    });
    expect(await w.converse.execute(caller, 'nope', 'hi')).toEqual({ ok: false, reason: 'not_found' });
  });

  it('refuses a disabled agent’s conversation, and one waiting for tool outputs', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { agent_id: 'agent-1' });
    w.agents.set('agent-1', { id: 'agent-1', enabled: false });
    expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({ ok: false, reason: 'agent_disabled' });
    const tools = w.store.addWaitingChat('acc-1', { kind: 'tool_outputs' } as never);
    expect(await w.converse.execute(caller, tools.id, 'hi')).toEqual({
      ok: false,
      reason: 'awaits_tool_outputs',
    });
  });

  it('gives up with still_answering once the bounded wait is over', async () => {
    let now = 0;
    const w = useCaseWorld({ now: () => now });
    const chat = w.store.addChat('acc-1', { status: 'running' });
    w.settling.whenWaited = () => {
      now += 2_000; // the run is still going when the wait ends
    };
    expect(await w.converse.execute(caller, chat.id, 'hi')).toEqual({ ok: false, reason: 'still_answering' });
  });
});
