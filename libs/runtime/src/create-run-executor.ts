import type { AppConfig } from '@conclave/config';
import { createEgress } from '@conclave/egress';
import { engine } from '@conclave/engine';
import { createModelInvoker, type LlmConfig, type ModelInvoker, providerEndpoint } from '@conclave/llm';
import { type Database, SecretsRepository } from '@conclave/persistence';
import { parseEncryptionKey, SecretBox, SecretResolver } from '@conclave/secrets';
import type { EventBus } from '@conclave/realtime';
import { RunExecutor, type RunExecutorOptions } from './run-executor';
import type { RunStore } from './store/run-store';

/**
 * The run executor as every process builds it from the configuration: the API in embedded mode
 * (or RUN_IN_PROCESS) and apps/worker in queue mode — one place, so both execute runs alike.
 */
export function createRunExecutor(
  db: Database,
  store: RunStore,
  bus: EventBus,
  config: AppConfig,
  {
    onModelCall,
    ...options
  }: Pick<RunExecutorOptions, 'log' | 'onQueued' | 'onStep' | 'owner' | 'onRunEnd' | 'knowledge'> & {
    /** Each model call (retries included) as it ends: metrics. */
    onModelCall?: (call: { provider: string; seconds: number; ok: boolean }) => void;
  } = {},
): RunExecutor {
  const llmConfig = configuredLlm(config);
  const models = observeModelCalls(createModelInvoker(llmConfig), onModelCall);
  return new RunExecutor(store, engine, models, bus, {
    leaseMs: config.leaseMs,
    secrets: createSecretResolver(db, config),
    endpointOf: (llm) => providerEndpoint(llm, llmConfig),
    toolFetch: createEgress({ ...config.egress, maxResponseBytes: config.tools.maxResponseBytes }).fetch,
    toolLimits: { maxCallsPerReply: config.tools.maxCallsPerReply, concurrency: config.tools.concurrency },
    credits: {
      rule: config.credits.rule,
      perUnit: config.credits.perUnit,
      perToolCall: config.credits.perToolCall,
    },
    maxAttempts: config.maxAttempts,
    budget: config.runBudget,
    maxRunsPerAccount: config.maxRunsPerAccount,
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

function observeModelCalls(
  models: ModelInvoker,
  onModelCall?: (call: { provider: string; seconds: number; ok: boolean }) => void,
): ModelInvoker {
  if (!onModelCall) return models;
  return {
    async invoke(request, options) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const reply = await models.invoke(request, options);
        onModelCall({ provider: request.llm.provider, seconds: seconds(), ok: true });
        return reply;
      } catch (err) {
        // A call the run aborted (cancel, shutdown) is not a provider error.
        if (!options?.signal?.aborted)
          onModelCall({ provider: request.llm.provider, seconds: seconds(), ok: false });
        throw err;
      }
    },
  };
}

/** Account secrets (sealed in Postgres) over operator secrets (environment), per the config. */
export function createSecretResolver(db: Database, config: AppConfig): SecretResolver {
  const box = config.secrets.encryptionKey
    ? new SecretBox(parseEncryptionKey(config.secrets.encryptionKey))
    : null;
  return new SecretResolver(config.secrets.operator, new SecretsRepository(db), box);
}
