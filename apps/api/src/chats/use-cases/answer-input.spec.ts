import { callerOf } from './testing/memory-chats';
import { useCaseWorld } from './testing/world';

describe('AnswerInput', () => {
  const caller = callerOf('acc-1');
  const text = { kind: 'text' as const, message: 'yes' };

  it('resumes the waiting run with the answer: counts it, announces, dispatches', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    const result = await w.answerInput.execute(caller, chat.id, text, { wait: false });
    expect(result).toMatchObject({
      ok: true,
      chat: { status: 'running' },
      run: { status: 'queued', pending_answer: text },
    });
    expect(w.dispatcher.dispatched).toEqual([chat.active_run_id]);
    expect(w.announcer.published).toHaveLength(1);
    expect(w.store.used.get('acc-1')).toBe(1);
  });

  it('refuses an unknown chat', async () => {
    const w = useCaseWorld();
    expect(await w.answerInput.execute(caller, 'nope', text, { wait: false })).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('refuses a chat that waits for nothing, without counting the answer', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { status: 'completed' });
    expect(await w.answerInput.execute(caller, chat.id, text, { wait: false })).toEqual({
      ok: false,
      reason: 'not_waiting',
      status: 'completed',
    });
    expect(w.store.used.get('acc-1')).toBeUndefined();
  });

  it('refuses the wrong kind of answer, naming the expected one', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'tool_outputs' } as never);
    expect(await w.answerInput.execute(caller, chat.id, text, { wait: false })).toEqual({
      ok: false,
      reason: 'wrong_kind',
      expected: 'tool_outputs',
    });
  });

  it('as an operator, refuses a chat another operator holds', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    Object.assign(w.store.chats.get(chat.id)!, { claim_key_id: 'other-key', claim_name: 'Ann' });
    const result = await w.answerInput.execute(caller, chat.id, text, { wait: false, asOperator: true });
    expect(result).toMatchObject({
      ok: false,
      reason: 'claimed',
      holder: { key_id: 'other-key', operator: 'Ann' },
    });
  });

  it('refuses without credits, and past the month’s allowance (the chat keeps waiting)', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    w.admission.credits = 0;
    expect(await w.answerInput.execute(caller, chat.id, text, { wait: false })).toEqual({
      ok: false,
      reason: 'insufficient_credits',
    });
    w.admission.credits = 10;
    w.admission.monthlyLimit = 0;
    expect(await w.answerInput.execute(caller, chat.id, text, { wait: false })).toEqual({
      ok: false,
      reason: 'limit_reached',
      plan: 'starter',
      limit: 0,
    });
    expect(w.store.chats.get(chat.id)?.status).toBe('wait_for_human_input');
  });
});
