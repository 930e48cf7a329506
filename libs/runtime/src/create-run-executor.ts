import type { AppConfig } from '@conclave/config';
import { engine } from '@conclave/engine';
import { createModelInvoker } from '@conclave/llm';
import type { Database } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { RunExecutor, type RunExecutorOptions } from './run-executor';

/**
 * The run executor as every process builds it from the configuration: the API in embedded mode
 * (or RUN_IN_PROCESS) and apps/worker in queue mode — one place, so both execute runs alike.
 */
export function createRunExecutor(
  db: Database,
  bus: EventBus,
  config: AppConfig,
  options: Pick<RunExecutorOptions, 'log' | 'onQueued' | 'onStep' | 'owner'> = {},
): RunExecutor {
  const models = createModelInvoker({
    openai: { ...config.llm.openai, timeoutMs: config.llm.timeoutMs },
    secrets: config.llm.secrets,
    retry: config.llm.retry,
  });
  return new RunExecutor(db, engine, models, bus, {
    leaseMs: config.leaseMs,
    secrets: config.llm.secrets,
    credits: { rule: config.credits.rule, perUnit: config.credits.perUnit },
    ...options,
  });
}
