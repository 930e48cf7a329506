import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ConclaveMetrics } from '@conclave/metrics';
import { RunExecutor } from '@conclave/runtime';
import { RunsConsumer } from './runs.consumer';

/** The worker's Nest context: the run executor (built before Nest, see worker-app.ts) and its consumer. */
@Module({})
export class WorkerModule {
  static forRoot(core: {
    config: AppConfig;
    executor: RunExecutor;
    metrics: ConclaveMetrics;
  }): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: APP_CONFIG, useValue: core.config },
        { provide: RunExecutor, useValue: core.executor },
        { provide: ConclaveMetrics, useValue: core.metrics },
        RunsConsumer,
      ],
    };
  }
}
