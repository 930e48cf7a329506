/** Load shapes shared by the benches: N operations one after the other, or C clients looping for a while. */

export interface ThroughputResult {
  clients: number;
  /** Operations completed inside the measured window. */
  completed: number;
  /** Operations completed in the whole call, warm-up and drain included (to divide CPU by). */
  total: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
}

/** Runs `op` `count` times one after the other; the latency of each, in ms. */
export async function sequential(count: number, op: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

/**
 * `clients` loops each calling `op` back to back; operations that complete inside the measured
 * window (after `warmupMs`) are counted. An operation that throws stops the load and is rethrown.
 */
export async function concurrent(
  clients: number,
  seconds: number,
  op: (client: number) => Promise<void>,
  warmupMs = 1_000,
): Promise<ThroughputResult> {
  const start = performance.now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + seconds * 1000;
  const latencies: number[] = [];
  let total = 0;
  let failure: unknown;
  const loop = async (client: number) => {
    while (failure === undefined && performance.now() < windowEnd) {
      const t0 = performance.now();
      try {
        await op(client);
      } catch (err) {
        failure ??= err;
        return;
      }
      const t1 = performance.now();
      total++;
      if (t1 >= windowStart && t1 <= windowEnd) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  if (failure !== undefined) throw failure;
  return {
    clients,
    completed: latencies.length,
    total,
    seconds,
    perSecond: latencies.length / seconds,
    latenciesMs: latencies,
  };
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `count` operations spread over `clients` loops (each takes the next until none are left). */
export async function concurrentCount(
  clients: number,
  count: number,
  op: (i: number) => Promise<void>,
  onDone?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const loop = async () => {
    while (next < count) {
      await op(next++);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, loop));
}
