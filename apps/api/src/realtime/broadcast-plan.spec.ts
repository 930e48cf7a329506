import { planBroadcasts } from './broadcast-plan';

/** What each target receives, in order, when the plan is carried out. */
function received<T, I>(plan: { item: I; targets: T[] }[]): Map<T, I[]> {
  const got = new Map<T, I[]>();
  for (const { item, targets } of plan) for (const t of targets) got.set(t, [...(got.get(t) ?? []), item]);
  return got;
}

describe('planBroadcasts', () => {
  const e1 = { seq: 1 };
  const e2 = { seq: 2 };
  const e3 = { seq: 3 };

  it('sends a batch shared by every subscriber as one broadcast per item', () => {
    const queues = new Map([
      ['a', [e1, e2]],
      ['b', [e1, e2]],
      ['c', [e1, e2]],
    ]);
    expect(planBroadcasts(queues)).toEqual([
      { item: e1, targets: ['a', 'b', 'c'] },
      { item: e2, targets: ['a', 'b', 'c'] },
    ]);
  });

  it("keeps each subscriber's own order when their queues are offset", () => {
    // b already had e1 (from its replay): its first item is e2, a's is e1.
    const queues = new Map([
      ['b', [e2, e3]],
      ['a', [e1, e2, e3]],
      ['c', [e3]],
    ]);
    const plan = planBroadcasts(queues);
    expect(received(plan)).toEqual(queues);
  });

  it('handles queues of different lengths and items only one subscriber has', () => {
    const own = { seq: 9 };
    const queues = new Map([
      ['a', [own, e1, e2, e3]],
      ['b', [e1]],
    ]);
    const plan = planBroadcasts(queues);
    expect(received(plan)).toEqual(queues);
    expect(plan).toHaveLength(5); // offset queues share nothing: correct, just not encoded once
  });

  it('plans nothing for no queues', () => {
    expect(planBroadcasts(new Map())).toEqual([]);
  });
});
