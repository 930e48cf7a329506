import { TickBatcher } from './tick-batcher';

/** A batcher whose ticks the test runs by hand and whose sends it answers by hand. */
function harness(options = { maxBatch: 3, maxInFlight: 1 }) {
  const ticks: (() => void)[] = [];
  const sent: { items: string[]; answer(results: PromiseSettledResult<string>[]): void; fail(err: unknown): void }[] = [];
  const singles: string[] = [];
  const batcher = new TickBatcher<string, string>(
    (items) =>
      new Promise((resolve, reject) => {
        sent.push({ items, answer: resolve, fail: reject });
      }),
    async (item) => {
      singles.push(item);
      if (item.startsWith('bad')) throw new Error(item);
      return `one:${item}`;
    },
    options,
    (flush) => ticks.push(flush),
  );
  const tick = async () => {
    const due = ticks.splice(0);
    for (const flush of due) flush();
    await new Promise((r) => setImmediate(r));
  };
  return { batcher, ticks, sent, singles, tick };
}

const ok = (value: string): PromiseSettledResult<string> => ({ status: 'fulfilled', value });
const refused = (reason: unknown): PromiseSettledResult<string> => ({ status: 'rejected', reason });

describe('TickBatcher (group commit)', () => {
  it('items submitted in one tick go as one batch, in order; each caller gets its own result or error', async () => {
    const h = harness();
    const a = h.batcher.submit('a');
    const b = h.batcher.submit('b');
    const c = h.batcher.submit('c');
    expect(h.sent).toHaveLength(0);
    await h.tick();
    expect(h.sent.map((s) => s.items)).toEqual([['a', 'b', 'c']]);
    const lost = new Error('lease lost');
    h.sent[0].answer([ok('A'), refused(lost), ok('C')]);
    await expect(a).resolves.toBe('A');
    await expect(b).rejects.toBe(lost);
    await expect(c).resolves.toBe('C');
  });

  it('a batch of one goes by the single path, with its error as is', async () => {
    const h = harness();
    const a = h.batcher.submit('a');
    await h.tick();
    await expect(a).resolves.toBe('one:a');
    const bad = expect(h.batcher.submit('bad1')).rejects.toThrow('bad1');
    await h.tick();
    await bad;
    expect(h.sent).toHaveLength(0);
    expect(h.singles).toEqual(['a', 'bad1']);
  });

  it('caps the batch size and the batches in flight; what waited goes together when a batch returns', async () => {
    const h = harness({ maxBatch: 2, maxInFlight: 1 });
    const first = ['a', 'b', 'c', 'd', 'e'].map((x) => h.batcher.submit(x));
    await h.tick();
    expect(h.sent.map((s) => s.items)).toEqual([['a', 'b']]);
    const later = h.batcher.submit('f');
    await h.tick();
    expect(h.sent).toHaveLength(1);
    h.sent[0].answer([ok('A'), ok('B')]);
    await Promise.all(first.slice(0, 2));
    await h.tick();
    expect(h.sent.map((s) => s.items)).toEqual([['a', 'b'], ['c', 'd']]);
    h.sent[1].answer([ok('C'), ok('D')]);
    await Promise.all(first.slice(2, 4));
    await h.tick();
    expect(h.sent.map((s) => s.items)).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);
    h.sent[2].answer([ok('E'), ok('F')]);
    await expect(Promise.all([...first, later])).resolves.toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
  });

  it('a batch that fails as a whole fails each of its callers with that error; the next batch goes on', async () => {
    const h = harness();
    const a = h.batcher.submit('a');
    const b = h.batcher.submit('b');
    await h.tick();
    const broken = new Error('connection lost');
    h.sent[0].fail(broken);
    await expect(a).rejects.toBe(broken);
    await expect(b).rejects.toBe(broken);
    const c = h.batcher.submit('c');
    const d = h.batcher.submit('d');
    await h.tick();
    h.sent[1].answer([ok('C'), ok('D')]);
    await expect(Promise.all([c, d])).resolves.toEqual(['C', 'D']);
  });

  it('a result missing for an item fails that item rather than leaving its caller waiting', async () => {
    const h = harness();
    const a = h.batcher.submit('a');
    const b = h.batcher.submit('b');
    await h.tick();
    h.sent[0].answer([ok('A')]);
    await expect(a).resolves.toBe('A');
    await expect(b).rejects.toThrow('1 results for 2 items');
  });
});
