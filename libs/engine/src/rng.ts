/**
 * Seeded PRNG (mulberry32) for random speaker selection. The state is one uint32 kept in the engine
 * state, so a resumed run draws the same numbers (AG2 itself is unseeded; we seed per run).
 */
export function seedRng(seed: number): number {
  return Math.trunc(Number.isFinite(seed) ? seed : 0) >>> 0;
}

export function nextRandom(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: next };
}

/** A uniformly chosen element (Python's `random.choice`) and the advanced PRNG state. */
export function pick<T>(items: readonly T[], state: number): { item: T; state: number } {
  if (items.length === 0) throw new Error('pick: no items');
  const r = nextRandom(state);
  return { item: items[Math.floor(r.value * items.length)], state: r.state };
}
