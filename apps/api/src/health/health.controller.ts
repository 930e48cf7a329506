import { Controller, Get, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { Database } from '@conclave/persistence';

/** Unauthenticated liveness/readiness: the database answers. */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  @Get()
  async health() {
    await this.db.query('SELECT 1');
    return { status: 'ok', mode: this.config.redisUrl ? 'queue' : 'embedded', database: 'up' };
  }
}
