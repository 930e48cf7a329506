import type Redis from 'ioredis';

export type ComponentState = 'up' | 'down' | 'not_used';

export interface Readiness {
  ok: boolean;
  body: {
    status: 'ready' | 'not_ready';
    postgres: ComponentState;
    redis: ComponentState;
    /** Queue mode: the `runs` queue's job counts, `down` when they cannot be read. */
    queue: Record<string, number> | 'down' | 'not_used';
  };
}

/**
 * Readiness: Postgres, Redis and the queue, each reported on its own, every check bounded by
 * `timeoutMs` so a hung dependency answers "not ready" rather than hanging the probe. Ready means
 * Postgres answers and, in queue mode, Redis and the queue do too.
 */
export async function checkReadiness(deps: {
  postgres: () => Promise<unknown>;
  redis: Redis | null;
  queue: (() => Promise<Record<string, number>>) | null;
  timeoutMs?: number;
}): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const [postgres, redis, queue] = await Promise.all([
    bounded(deps.postgres(), timeoutMs).then(
      () => 'up' as const,
      () => 'down' as const,
    ),
    deps.redis
      ? bounded(deps.redis.ping(), timeoutMs).then(
          () => 'up' as const,
          () => 'down' as const,
        )
      : Promise.resolve('not_used' as const),
    deps.queue
      ? bounded(deps.queue(), timeoutMs).catch(() => 'down' as const)
      : Promise.resolve('not_used' as const),
  ]);
  const ok = postgres === 'up' && redis !== 'down' && queue !== 'down';
  return { ok, body: { status: ok ? 'ready' : 'not_ready', postgres, redis, queue } };
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
