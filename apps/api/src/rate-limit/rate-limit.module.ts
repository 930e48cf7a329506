import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { ApiKeyThrottlerGuard } from './api-key-throttler.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS = Symbol('THROTTLE_REDIS');

/** Owns the Redis connection of the shared counters (queue mode); null in embedded mode. */
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.redisUrl) return null;
        // No offline queue: while Redis is down a command fails at once (memory fallback), never waits.
        const redis = new Redis(config.redisUrl, {
          lazyConnect: false,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        });
        redis.on('error', () => undefined); // reconnects on its own; the storage falls back meanwhile
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
class ThrottleStoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}

/** Per-key rate limit for every HTTP route (in-memory in embedded mode, Redis in queue mode). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottleStoreModule],
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        storage: redis
          ? (new RedisThrottlerStorage(
              redis,
              `${config.realtime?.redisPrefix ?? 'conclave'}:throttle`,
            ) as ThrottlerStorage)
          : undefined,
        errorMessage: 'Too many requests',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiKeyThrottlerGuard }],
})
export class RateLimitModule {}
