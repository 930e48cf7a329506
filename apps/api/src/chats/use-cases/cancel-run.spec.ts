import { callerOf } from './testing/memory-chats';
import { useCaseWorld } from './testing/world';

describe('CancelRun', () => {
  const caller = callerOf('acc-1');

  it('ends an idle run here (queued, waiting) and announces its events and its end', async () => {
    const w = useCaseWorld();
    const chat = w.store.addWaitingChat('acc-1', { kind: 'text' } as never);
    const runId = chat.active_run_id!;
    const result = await w.cancelRun.execute(caller, chat.id);
    expect(result).toMatchObject({
      ok: true,
      cancelled: true,
      chat: { status: 'completed', active_run_id: null },
    });
    expect(w.store.runs.get(runId)?.status).toBe('cancelled');
    expect(w.announcer.published.map((e) => e.data.status)).toEqual(['completed']);
    expect(w.announcer.ended).toEqual([runId]);
    expect(w.announcer.cancels).toEqual([]);
  });

  it('signals a run whose holder is alive instead of ending it', async () => {
    const w = useCaseWorld({ now: () => 1_000 });
    const chat = w.store.addChat('acc-1', { status: 'running' });
    const run = w.store.addRun(chat, 'running', { lease_until: new Date(5_000) });
    chat.active_run_id = run.id;
    const result = await w.cancelRun.execute(caller, chat.id);
    expect(result).toMatchObject({ ok: true, cancelled: true, chat: { status: 'running' } });
    expect(w.announcer.cancels).toEqual([run.id]);
    expect(w.store.runs.get(run.id)).toMatchObject({ status: 'running', cancel_requested: true });
  });

  it('ends a running run whose lease expired (its holder died)', async () => {
    const w = useCaseWorld({ now: () => 10_000 });
    const chat = w.store.addChat('acc-1', { status: 'running' });
    const run = w.store.addRun(chat, 'running', { lease_until: new Date(5_000) });
    chat.active_run_id = run.id;
    await w.cancelRun.execute(caller, chat.id);
    expect(w.store.runs.get(run.id)?.status).toBe('cancelled');
    expect(w.announcer.cancels).toEqual([]);
  });

  it('cancels nothing on an idle chat', async () => {
    const w = useCaseWorld();
    const chat = w.store.addChat('acc-1', { status: 'completed' });
    expect(await w.cancelRun.execute(caller, chat.id)).toMatchObject({ ok: true, cancelled: false });
  });

  it('refuses an unknown chat, another account’s, and one outside the key’s agent', async () => {
    const w = useCaseWorld();
    const other = w.store.addChat('acc-2', { status: 'running' });
    const agents = w.store.addChat('acc-1', { agent_id: 'agent-a' });
    expect(await w.cancelRun.execute(caller, 'nope')).toEqual({ ok: false, reason: 'not_found' });
    expect(await w.cancelRun.execute(caller, other.id)).toEqual({ ok: false, reason: 'not_found' });
    expect(await w.cancelRun.execute(callerOf('acc-1', 'agent-b'), agents.id)).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });
});
