import type { AppConfig } from '@conclave/config';
import { createEgress } from '@conclave/egress';
import { engine } from '@conclave/engine';
import { createModelInvoker, type LlmConfig, providerEndpoint } from '@conclave/llm';
import { type Database, SecretsRepository } from '@conclave/persistence';
import { parseEncryptionKey, SecretBox, SecretResolver } from '@conclave/secrets';
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
  const llmConfig = configuredLlm(config);
  const models = createModelInvoker(llmConfig);
  return new RunExecutor(db, engine, models, bus, {
    leaseMs: config.leaseMs,
    secrets: createSecretResolver(db, config),
    endpointOf: (llm) => providerEndpoint(llm, llmConfig),
    toolFetch: createEgress({ ...config.egress, maxResponseBytes: config.tools.maxResponseBytes }).fetch,
    toolLimits: { maxCallsPerReply: config.tools.maxCallsPerReply, concurrency: config.tools.concurrency },
    credits: { rule: config.credits.rule, perUnit: config.credits.perUnit },
    ...options,
  });
}

/** The model clients' configuration (providers, deadlines, retries, the egress policy's fetch). */
export function configuredLlm(config: AppConfig): LlmConfig {
  return {
    openai: {
      ...config.llm.openai,
      timeoutMs: config.llm.timeoutMs,
      idleTimeoutMs: config.llm.idleTimeoutMs,
    },
    providers: config.llm.providers,
    timeoutMs: config.llm.timeoutMs,
    redact: Object.values(config.secrets.operator).map((s) => s.value),
    retry: config.llm.retry,
    // The model deadline covers the whole call, streamed body included, plus an idle-chunk limit.
    fetch: createEgress({
      ...config.egress,
      timeoutMs: config.llm.timeoutMs,
      idleTimeoutMs: config.llm.idleTimeoutMs,
    }).fetch,
  };
}

/** Account secrets (sealed in Postgres) over operator secrets (environment), per the config. */
export function createSecretResolver(db: Database, config: AppConfig): SecretResolver {
  const box = config.secrets.encryptionKey
    ? new SecretBox(parseEncryptionKey(config.secrets.encryptionKey))
    : null;
  return new SecretResolver(config.secrets.operator, new SecretsRepository(db), box);
}
