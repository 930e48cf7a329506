import type { AppConfig } from '@conclave/config';
import { createEgress } from '@conclave/egress';
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
  options: Pick<RunExecutorOptions, 'log' | 'onQueued' | 'onStep' | 'owner' | 'onRunEnd' | 'knowledge'> = {},
): RunExecutor {
  const models = createModelInvoker({
    openai: {
      ...config.llm.openai,
      timeoutMs: config.llm.timeoutMs,
      idleTimeoutMs: config.llm.idleTimeoutMs,
    },
    providers: config.llm.providers,
    timeoutMs: config.llm.timeoutMs,
    secrets: config.llm.secrets,
    retry: config.llm.retry,
    // The model deadline covers the whole call, streamed body included, plus an idle-chunk limit.
    fetch: createEgress({
      ...config.egress,
      timeoutMs: config.llm.timeoutMs,
      idleTimeoutMs: config.llm.idleTimeoutMs,
    }).fetch,
  });
  return new RunExecutor(db, engine, models, bus, {
    leaseMs: config.leaseMs,
    secrets: config.llm.secrets,
    toolFetch: createEgress({ ...config.egress, maxResponseBytes: config.tools.maxResponseBytes }).fetch,
    toolLimits: { maxCallsPerReply: config.tools.maxCallsPerReply, concurrency: config.tools.concurrency },
    credits: { rule: config.credits.rule, perUnit: config.credits.perUnit },
    ...options,
  });
}
