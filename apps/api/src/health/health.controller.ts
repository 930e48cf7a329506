import { Controller, Get, Inject, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { SkipThrottle } from '@nestjs/throttler';
import { Database } from '@conclave/persistence';
import { QueueDispatcher, RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';
import type { Response } from 'express';

/** How long one dependency check may take: /health must answer fast even when a dependency hangs. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Unauthenticated health (never rate limited, no key): each dependency is checked with a short
 * timeout. `ok`; `degraded` with the dependencies that are down when the API still serves requests
 * (Redis in queue mode: REST keeps working, runs wait); `down` with 503 and `Retry-After` when
 * Postgres does not answer.
 */
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    @Inject(RUN_DISPATCHER) private readonly dispatcher: RunDispatcher,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const queueMode = this.dispatcher instanceof QueueDispatcher;
    const [database, queue] = await Promise.all([
      within(this.db.query('SELECT 1')).then(
        () => 'up' as const,
        () => 'down' as const,
      ),
      // Queue mode: BullMQ job counts (waiting/active/delayed/failed), or null when Redis is down.
      queueMode ? within((this.dispatcher as QueueDispatcher).counts()).catch(() => null) : undefined,
    ]);
    const redis = queueMode ? (queue ? 'up' : 'down') : undefined;
    const down = [...(database === 'down' ? ['database'] : []), ...(redis === 'down' ? ['redis'] : [])];
    const status = database === 'down' ? 'down' : down.length ? 'degraded' : 'ok';
    if (status === 'down') {
      res.status(503);
      res.setHeader('Retry-After', '5');
    }
    return {
      status,
      mode: this.config.redisUrl ? 'queue' : 'embedded',
      database,
      ...(queueMode ? { redis, queue } : {}),
      ...(down.length ? { degraded: down } : {}),
    };
  }
}

function within<T>(work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
