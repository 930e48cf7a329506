import { InProcessDispatcher } from './in-process-dispatcher';
import type { RunExecutor } from './run-executor';

/** An executor whose executions end when the test says so. */
function fakeExecutor() {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  const executor = {
    execute: (runId: string) => {
      calls.push(runId);
      return new Promise<string>((resolve) => pending.push(() => resolve('deferred')));
    },
    stop: () => undefined,
  } as unknown as RunExecutor;
  return { executor, calls, finishAll: () => pending.splice(0).forEach((f) => f()) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('InProcessDispatcher', () => {
  it('executes a run dispatched again while it was executing once more afterwards', async () => {
    const fake = fakeExecutor();
    const dispatcher = new InProcessDispatcher(fake.executor, 4);
    await dispatcher.dispatch('r1');
    await dispatcher.dispatch('r1'); // e.g. a slot freed while its claim was being deferred
    expect(fake.calls).toEqual(['r1']);
    fake.finishAll();
    await settle();
    expect(fake.calls).toEqual(['r1', 'r1']);
    fake.finishAll();
    await settle();
    expect(fake.calls).toEqual(['r1', 'r1']);
    await dispatcher.close();
  });

  it('never executes more runs at once than its concurrency', async () => {
    const fake = fakeExecutor();
    const dispatcher = new InProcessDispatcher(fake.executor, 2);
    for (const id of ['a', 'b', 'c']) await dispatcher.dispatch(id);
    expect(fake.calls).toEqual(['a', 'b']);
    fake.finishAll();
    await settle();
    expect(fake.calls).toEqual(['a', 'b', 'c']);
    fake.finishAll();
    await dispatcher.close();
  });
});
