import { callerOf } from './testing/memory-chats';
import { useCaseWorld } from './testing/world';

describe('StartRun', () => {
  const caller = callerOf('acc-1');
  const send = (w: ReturnType<typeof useCaseWorld>, chatId: string, options = { wait: false }) =>
    w.startRun.execute(caller, chatId, { message: 'hi' }, options);

  it('starts a run on an idle chat: counts the message, announces, dispatches', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { status: 'completed' });
    const result = await send(w, chat.id);
    expect(result).toMatchObject({ ok: true, started: true, chat: { status: 'running' }, messages: null });
    const run = result.ok ? result.run! : null;
    expect(run).toMatchObject({ status: 'queued', input: { message: 'hi' }, seed: 7 });
    expect(w.dispatcher.dispatched).toEqual([run!.id]);
    expect(w.announcer.published.map((e) => e.data)).toEqual([
      { status: 'running', previous: 'completed', run_id: run!.id },
    ]);
    expect(w.store.used.get('acc-1')).toBe(1);
  });

  it('with wait, returns the messages the run wrote since it was accepted', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1');
    w.store.write(chat.id, { type: 'user', sender: 'user', content: 'earlier' });
    w.settling.whenWaited = (chatId) => {
      w.store.write(chatId, { type: 'user', sender: 'user', content: 'hi' });
      w.store.write(chatId, { type: 'assistant', sender: 'bot', content: 'hello' });
    };
    const result = await send(w, chat.id, { wait: true });
    expect(result.ok && result.messages?.map((m) => m.content)).toEqual(['hi', 'hello']);
  });

  it('refuses an unknown chat without counting the message', async () => {
    const w = useCaseWorld();
    expect(await send(w, 'nope')).toEqual({ ok: false, reason: 'not_found' });
    expect(w.store.used.get('acc-1')).toBeUndefined();
    expect(w.dispatcher.dispatched).toEqual([]);
  });

  it('refuses a busy chat (naming the pending input request) without counting the message', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    expect(await send(w, chat.id)).toEqual({
      ok: false,
      reason: 'busy',
      status: 'wait_for_human_input',
      activeRunId: chat.active_run_id,
      inputRequest: { kind: 'text' },
    });
    expect(w.store.used.get('acc-1')).toBeUndefined();
  });

  it('refuses when the credits cannot pay an agent message', async () => {
    const w = useCaseWorld();
    w.admission.credits = 0;
    const chat = w.store.addChat('acc-1');
    expect(await send(w, chat.id)).toEqual({ ok: false, reason: 'insufficient_credits' });
    expect(w.store.chats.get(chat.id)?.status).toBe('ready');
  });

  it('refuses when the month’s allowance is used up, naming the plan and its limit; the chat stays idle', async () => {
    const w = useCaseWorld();
    w.admission.plan = 'free';
    w.admission.monthlyLimit = 1;
    const first = w.store.addChat('acc-1');
    const second = w.store.addChat('acc-1');
    expect((await send(w, first.id)).ok).toBe(true);
    expect(await send(w, second.id)).toEqual({ ok: false, reason: 'limit_reached', plan: 'free', limit: 1 });
    expect(w.store.chats.get(second.id)?.status).toBe('ready');
    expect(w.store.used.get('acc-1')).toBe(1);
  });

  it('multitask=enqueue: a busy chat gets a pending run, not started, not dispatched', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { status: 'running' });
    const result = await w.startRun.execute(
      caller,
      chat.id,
      { message: 'next' },
      { wait: true, multitask: 'enqueue' },
    );
    expect(result).toMatchObject({ ok: true, started: false, run: { status: 'pending' }, messages: null });
    expect(w.dispatcher.dispatched).toEqual([]);
    expect(w.settling.waits).toBe(0);
    expect(w.store.used.get('acc-1')).toBe(1);
  });

  it('multitask=interrupt: cancels the active run, waits for the chat to be idle, then starts', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    const previous = chat.active_run_id!;
    const result = await w.startRun.execute(
      caller,
      chat.id,
      { message: 'instead' },
      { wait: false, multitask: 'interrupt' },
    );
    expect(result).toMatchObject({ ok: true, started: true, chat: { status: 'running' } });
    expect(w.store.runs.get(previous)?.status).toBe('cancelled');
    expect(w.settling.waits).toBe(1);
  });

  it('multitask=interrupt on an unknown chat is not_found', async () => {
    const w = useCaseWorld();
    expect(
      await w.startRun.execute(caller, 'nope', { message: 'x' }, { wait: false, multitask: 'interrupt' }),
    ).toEqual({ ok: false, reason: 'not_found' });
  });
});
