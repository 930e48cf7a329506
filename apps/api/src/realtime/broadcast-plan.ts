/** One write of `item` to each of `targets`: encoded once for all of them. */
export interface Broadcast<T, I> {
  item: I;
  targets: T[];
}

/**
 * Turns per-subscriber queues into as few broadcasts as possible without reordering any one
 * subscriber's queue: round r sends each subscriber its r-th item, and the subscribers whose r-th
 * item is the same object share one broadcast. Caught-up subscribers of a chat hold the same
 * envelopes, so a batch of k events to n of them is k broadcasts, not k × n encodings.
 */
export function planBroadcasts<T, I>(queues: Map<T, readonly I[]>): Broadcast<T, I>[] {
  const plan: Broadcast<T, I>[] = [];
  let active = [...queues];
  for (let round = 0; active.length > 0; round++) {
    const groups = new Map<I, T[]>();
    for (const [target, items] of active) {
      const item = items[round];
      const targets = groups.get(item);
      if (targets) targets.push(target);
      else groups.set(item, [target]);
    }
    for (const [item, targets] of groups) plan.push({ item, targets });
    active = active.filter(([, items]) => items.length > round + 1);
  }
  return plan;
}
