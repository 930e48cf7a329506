import { Controller, Get, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { SkipThrottle } from '@nestjs/throttler';
import { Database } from '@conclave/persistence';
import { QueueDispatcher, RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';

/** Unauthenticated liveness/readiness: the database answers (never rate limited). */
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    @Inject(RUN_DISPATCHER) private readonly dispatcher: RunDispatcher,
  ) {}

  @Get()
  async health() {
    await this.db.query('SELECT 1');
    const health: Record<string, unknown> = {
      status: 'ok',
      mode: this.config.redisUrl ? 'queue' : 'embedded',
      database: 'up',
    };
    // Queue mode: BullMQ job counts (waiting/active/delayed/failed), or `queue: null` when Redis is down.
    if (this.dispatcher instanceof QueueDispatcher)
      health.queue = await this.dispatcher.counts().catch(() => null);
    return health;
  }
}
