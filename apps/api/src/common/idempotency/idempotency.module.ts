import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Database, IdempotencyRepository } from '@conclave/persistence';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Applies IdempotencyInterceptor to every route (it acts on authenticated POSTs with the header). */
@Module({
  providers: [
    {
      provide: IdempotencyRepository,
      useFactory: (db: Database) => new IdempotencyRepository(db),
      inject: [Database],
    },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule {}
