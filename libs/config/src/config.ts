import { DEFAULT_PLAN_LIMITS } from '@conclave/domain';
import { z } from 'zod';

/**
 * Conclave's configuration, read from the environment once at start-up and validated.
 * Nothing else in the code reads `process.env`.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /**
   * Proxies whose X-Forwarded-For names the client (comma list of addresses, CIDRs, or `loopback`,
   * `linklocal`, `uniquelocal`). Unset: the peer address is the client.
   */
  TRUST_PROXY: z
    .string()
    .regex(
      /^\s*[\w.:/-]+\s*(,\s*[\w.:/-]+\s*)*$/,
      'expected a comma list of addresses, CIDRs or loopback/linklocal/uniquelocal',
    )
    .optional(),
  /** Unset → embedded Postgres in DATA_DIR/pg. */
  DATABASE_URL: z.string().url().optional(),
  /** Set → queue mode (BullMQ workers, Redis fan-out). Unset → runs execute in-process. */
  REDIS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** In queue mode the API can still execute runs itself (single-process deployments). */
  RUN_IN_PROCESS: bool.optional(),
  BODY_LIMIT: z.string().default('1mb'),
  /** Upper bound of `?wait=true` and of the chatbot APIs' synchronous replies. */
  WAIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** BullMQ key prefix: separate deployments (or test files) sharing one Redis. */
  CONCLAVE_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('conclave'),
  /** Worker SIGTERM: how long current runs may take to finish their step before being aborted. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  GOOGLE_API_KEY: z.string().optional(),
  GOOGLE_BASE_URL: z.string().url().optional(),
  AZURE_OPENAI_API_KEY: z.string().optional(),
  AZURE_OPENAI_ENDPOINT: z.string().url().optional(),
  OLLAMA_BASE_URL: z.string().url().optional(),
  LLM_RETRY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** A streamed model reply that sends nothing for this long fails (a slow-drip server holds a slot otherwise). */
  LLM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** A run taken over this many times (its executing process died or stalled each time) is failed. */
  MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Run budgets: a run ends (`max_run_seconds` / `max_run_messages`) past this wall-clock or message count. */
  MAX_RUN_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  MAX_RUN_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Runs of one account executing at once across all processes; the excess waits its turn, queued. */
  MAX_RUNS_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(8),
  TOOL_MAX_CALLS_PER_REPLY: z.coerce.number().int().min(1).max(1000).default(16),
  TOOL_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  TOOL_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(1_048_576),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** Unset → JSON lines when stdout is not a terminal, the pretty format when it is. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Failed authentications per client IP and minute before 429. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  CREDITS_RULE: z.enum(['per_message', 'per_1k_tokens']).default('per_message'),
  CREDITS_PER_UNIT: z.coerce.number().int().min(0).max(1_000_000).default(1),
  /** Each HTTP tool call the server executes; unset → CREDITS_PER_UNIT (one agent message's price). */
  CREDITS_PER_TOOL_CALL: z.coerce.number().int().min(0).max(1_000_000).optional(),
  DEFAULT_CREDITS: z.coerce.number().int().min(0).default(10_000),
  /** Monthly end-user message limit per plan: `free=100,starter=2500,...` (merged over the defaults). */
  PLAN_MESSAGE_LIMITS: z
    .string()
    .regex(/^\s*[a-z0-9_-]+=\d+\s*(,\s*[a-z0-9_-]+=\d+\s*)*$/i, 'expected plan=limit,plan=limit')
    .optional(),
  /** Namespaces this deployment's Redis channels/keys (the event bus; BullMQ has QUEUE_PREFIX). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/)
    .default('conclave'),
  REALTIME_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Open SSE streams / socket.io connections one account may hold on one API instance. */
  MAX_SSE_STREAMS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(200),
  MAX_SOCKETS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(200),
  REALTIME_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(65_536),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /** Postgres unreachable → requests fail fast (503) instead of hanging. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Egress policy (libs/egress): private/loopback/metadata targets refused unless allowed here. */
  EGRESS_ALLOW_PRIVATE: bool.optional(),
  /** Comma list of `host` or `host:port` allowed even when private (intranet, tests' loopback servers). */
  EGRESS_ALLOWED_HOSTS: z
    .string()
    .regex(/^[\w.*:\[\], -]*$/, 'expected host or host:port entries separated by commas')
    .optional(),
  /** Key of the account secret store (AES-256-GCM): 64 hex chars or base64 of 32 bytes. */
  SECRETS_ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'expected 64 hex characters or base64 of 32 bytes')
    .optional(),
  EGRESS_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(10_485_760),
  EGRESS_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** An operator's claim on a chat lapses after this long without the operator acting on it. */
  CLAIM_IDLE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  /** Largest uploaded knowledge file (bytes); larger uploads answer 413. */
  KNOWLEDGE_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_000_000_000)
    .default(10 * 1024 * 1024),
  /** Upper bound of a crawl's `max_pages` and `max_depth`. */
  KNOWLEDGE_MAX_CRAWL_PAGES: z.coerce.number().int().min(1).max(100_000).default(200),
  KNOWLEDGE_MAX_CRAWL_DEPTH: z.coerce.number().int().min(0).max(100).default(5),
  KNOWLEDGE_MAX_CHUNKS_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000_000).default(100_000),
  KNOWLEDGE_CHUNK_SIZE: z.coerce.number().int().min(100).max(20_000).default(1000),
  KNOWLEDGE_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(5_000).default(150),
  /** Sources indexed at once per process. */
  KNOWLEDGE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** OpenAI-compatible embeddings endpoint base URL (…/v1); unset → full-text search only. */
  KNOWLEDGE_EMBEDDINGS_URL: z.string().url().optional(),
  KNOWLEDGE_EMBEDDINGS_MODEL: z.string().min(1).default('text-embedding-3-small'),
  KNOWLEDGE_EMBEDDINGS_API_KEY: z.string().optional(),
  KNOWLEDGE_USER_AGENT: z.string().min(1).max(200).default('ConclaveBot/0.1'),
  /** First retry delay of a failed webhook delivery; doubles per attempt up to the max. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(10).max(86_400_000).default(7_200_000),
  /** Deliveries are retried until this long after the event (or a manual redelivery). */
  WEBHOOK_RETRY_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .default(86_400_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Consecutive failed attempts after which an endpoint is disabled. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Prometheus metrics and probes on a port of their own (unauthenticated): api and worker. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** `GET /metrics` on the API's port, for `Authorization: Bearer <token>` only (unset: not served there). */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** bull-board at `/admin/queues` on the API (queue mode only), for QUEUE_DASHBOARD_TOKEN only. */
  QUEUE_DASHBOARD: bool.optional(),
  QUEUE_DASHBOARD_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** How often the outbox is checked for due deliveries. */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
});

export interface AppConfig {
  port: number;
  host: string;
  /** Proxies trusted to name the client (X-Forwarded-For); empty: none. */
  trustProxy: string[];
  databaseUrl: string | null;
  /** Postgres time bounds: connecting, one statement (server and client side), an idle transaction. */
  databaseTimeouts: { connectMs: number; statementMs: number; idleInTransactionMs: number };
  redisUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  /** True when runs execute inside the API process (embedded mode, or RUN_IN_PROCESS). */
  runInProcess: boolean;
  bodyLimit: string;
  waitTimeoutMs: number;
  leaseMs: number;
  sweepIntervalMs: number;
  workerConcurrency: number;
  queuePrefix: string;
  shutdownGraceMs: number;
  /** Idle time after which an operator's claim on a chat expires (issue 14). */
  claimIdleMs: number;
  llm: {
    openai: { baseUrl?: string; apiKey?: string };
    /** Defaults of the other providers (flows name keys with `api_key_ref`, or these apply). */
    providers: {
      anthropic: { apiKey?: string; baseUrl?: string };
      google: { apiKey?: string; baseUrl?: string };
      azureOpenai: { apiKey?: string; endpoint?: string };
      ollama: { baseUrl?: string };
    };
    retry: { attempts: number; baseDelayMs: number; maxDelayMs: number };
    timeoutMs: number;
    idleTimeoutMs: number;
  };
  secrets: {
    /**
     * Operator secrets for `api_key_ref` and `{secret}` tool headers: `CONCLAVE_SECRET_<NAME>`,
     * sent only to `CONCLAVE_SECRET_<NAME>_HOSTS` and usable only by `CONCLAVE_SECRET_<NAME>_ACCOUNTS`
     * (unset: every account).
     */
    operator: Record<string, { value: string; hosts: string[]; accounts: string[] | null }>;
    /** `SECRETS_ENCRYPTION_KEY` (hex or base64 of 32 bytes) for the account secret store; null: none set. */
    encryptionKey: string | null;
  };
  maxAttempts: number;
  /** Per-run budgets: wall-clock seconds since the run started, messages the run wrote. */
  runBudget: { maxSeconds: number; maxMessages: number };
  maxRunsPerAccount: number;
  /** HTTP tools: calls per model reply, calls in flight per reply, response body cap. */
  tools: { maxCallsPerReply: number; concurrency: number; maxResponseBytes: number };
  seedDemo: boolean;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  logFormat: 'json' | 'pretty' | 'auto';
  rateLimitPerMinute: number;
  authFailuresPerMinute: number;
  credits: {
    rule: 'per_message' | 'per_1k_tokens';
    perUnit: number;
    perToolCall: number;
    defaultBalance: number;
  };
  /** Monthly message limit per plan (Asyntai's plans by default); unknown plans get `free`'s. */
  planLimits: Record<string, number>;
  /** Outbound requests on a tenant's behalf (see libs/egress). */
  egress: {
    allowPrivate: boolean;
    allowedHosts: string[];
    maxResponseBytes: number;
    timeoutMs: number;
  };
  realtime: {
    /** `<prefix>:bus` is the event bus channel. */
    redisPrefix: string;
    /** Chats one socket.io connection may subscribe to at once. */
    maxSubscriptions: number;
    /** Open SSE streams one account may hold per API instance (429 beyond). */
    maxSseStreamsPerAccount: number;
    /** Open socket.io connections one account may hold per API instance (connect_error beyond). */
    maxSocketsPerAccount: number;
    /** Largest incoming socket.io message (engine.io `maxHttpBufferSize`). */
    maxPayloadBytes: number;
    /** SSE `: ping` comment interval. */
    heartbeatMs: number;
  };
  knowledge: {
    maxFileBytes: number;
    maxCrawlPages: number;
    maxCrawlDepth: number;
    maxChunksPerAccount: number;
    chunkSize: number;
    chunkOverlap: number;
    concurrency: number;
    /** Null → no embeddings: search is full-text only. */
    embeddings: { baseUrl: string; model: string; apiKey?: string } | null;
    userAgent: string;
  };
  metrics: { port: number | null; token: string | null };
  /** The BullMQ dashboard (queue mode): null when off; its token is the only way in. */
  queueDashboard: { token: string } | null;
  webhooks: {
    retry: { baseDelayMs: number; maxDelayMs: number; windowMs: number };
    timeoutMs: number;
    disableAfterFailures: number;
    pollIntervalMs: number;
  };
}

export class ConfigError extends Error {}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.QUEUE_DASHBOARD && !e.QUEUE_DASHBOARD_TOKEN)
    throw new ConfigError('QUEUE_DASHBOARD=true needs QUEUE_DASHBOARD_TOKEN (at least 16 characters)');
  if (e.QUEUE_DASHBOARD && !e.REDIS_URL)
    throw new ConfigError(
      'QUEUE_DASHBOARD=true needs REDIS_URL: the dashboard shows the queues of queue mode',
    );
  const config: AppConfig = {
    port: e.PORT,
    host: e.HOST,
    trustProxy: (e.TRUST_PROXY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    databaseUrl: e.DATABASE_URL ?? null,
    databaseTimeouts: {
      connectMs: e.DB_CONNECT_TIMEOUT_MS,
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    redisUrl: e.REDIS_URL ?? null,
    dataDir: e.DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    runInProcess: e.RUN_IN_PROCESS ?? !e.REDIS_URL,
    bodyLimit: e.BODY_LIMIT,
    waitTimeoutMs: e.WAIT_TIMEOUT_MS,
    leaseMs: e.LEASE_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    queuePrefix: e.CONCLAVE_QUEUE_PREFIX,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    claimIdleMs: e.CLAIM_IDLE_MS,
    llm: {
      openai: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY },
      providers: {
        anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
        google: { apiKey: e.GOOGLE_API_KEY, baseUrl: e.GOOGLE_BASE_URL },
        azureOpenai: { apiKey: e.AZURE_OPENAI_API_KEY, endpoint: e.AZURE_OPENAI_ENDPOINT },
        ollama: { baseUrl: e.OLLAMA_BASE_URL },
      },
      retry: { attempts: e.LLM_RETRY_ATTEMPTS, baseDelayMs: e.LLM_RETRY_BASE_MS, maxDelayMs: 10_000 },
      timeoutMs: e.LLM_TIMEOUT_MS,
      idleTimeoutMs: e.LLM_IDLE_TIMEOUT_MS,
    },
    secrets: { operator: operatorSecrets(env), encryptionKey: e.SECRETS_ENCRYPTION_KEY ?? null },
    maxAttempts: e.MAX_ATTEMPTS,
    runBudget: { maxSeconds: e.MAX_RUN_SECONDS, maxMessages: e.MAX_RUN_MESSAGES },
    maxRunsPerAccount: e.MAX_RUNS_PER_ACCOUNT,
    tools: {
      maxCallsPerReply: e.TOOL_MAX_CALLS_PER_REPLY,
      concurrency: e.TOOL_CONCURRENCY,
      maxResponseBytes: e.TOOL_MAX_RESPONSE_BYTES,
    },
    seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? 'auto',
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    credits: {
      rule: e.CREDITS_RULE,
      perUnit: e.CREDITS_PER_UNIT,
      perToolCall: e.CREDITS_PER_TOOL_CALL ?? e.CREDITS_PER_UNIT,
      defaultBalance: e.DEFAULT_CREDITS,
    },
    planLimits: { ...DEFAULT_PLAN_LIMITS, ...parsePlanLimits(e.PLAN_MESSAGE_LIMITS) },
    egress: {
      allowPrivate: e.EGRESS_ALLOW_PRIVATE ?? false,
      allowedHosts: (e.EGRESS_ALLOWED_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h.length > 0),
      maxResponseBytes: e.EGRESS_MAX_RESPONSE_BYTES,
      timeoutMs: e.EGRESS_TIMEOUT_MS,
    },
    realtime: {
      redisPrefix: e.REDIS_PREFIX,
      maxSubscriptions: e.REALTIME_MAX_SUBSCRIPTIONS,
      maxSseStreamsPerAccount: e.MAX_SSE_STREAMS_PER_ACCOUNT,
      maxSocketsPerAccount: e.MAX_SOCKETS_PER_ACCOUNT,
      maxPayloadBytes: e.REALTIME_MAX_PAYLOAD_BYTES,
      heartbeatMs: e.SSE_HEARTBEAT_MS,
    },
    knowledge: {
      maxFileBytes: e.KNOWLEDGE_MAX_FILE_BYTES,
      maxCrawlPages: e.KNOWLEDGE_MAX_CRAWL_PAGES,
      maxCrawlDepth: e.KNOWLEDGE_MAX_CRAWL_DEPTH,
      maxChunksPerAccount: e.KNOWLEDGE_MAX_CHUNKS_PER_ACCOUNT,
      chunkSize: e.KNOWLEDGE_CHUNK_SIZE,
      chunkOverlap: e.KNOWLEDGE_CHUNK_OVERLAP,
      concurrency: e.KNOWLEDGE_CONCURRENCY,
      embeddings: e.KNOWLEDGE_EMBEDDINGS_URL
        ? {
            baseUrl: e.KNOWLEDGE_EMBEDDINGS_URL,
            model: e.KNOWLEDGE_EMBEDDINGS_MODEL,
            apiKey: e.KNOWLEDGE_EMBEDDINGS_API_KEY,
          }
        : null,
      userAgent: e.KNOWLEDGE_USER_AGENT,
    },
    metrics: { port: e.METRICS_PORT ?? null, token: e.METRICS_TOKEN ?? null },
    queueDashboard: e.QUEUE_DASHBOARD && e.QUEUE_DASHBOARD_TOKEN ? { token: e.QUEUE_DASHBOARD_TOKEN } : null,
    webhooks: {
      retry: {
        baseDelayMs: e.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: e.WEBHOOK_RETRY_MAX_DELAY_MS,
        windowMs: e.WEBHOOK_RETRY_WINDOW_MS,
      },
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
      pollIntervalMs: e.WEBHOOK_POLL_MS,
    },
  };
  return { ...config, ...overrides };
}

const SECRET_PREFIX = 'CONCLAVE_SECRET_';

/** `CONCLAVE_SECRET_<NAME>` plus its `_HOSTS` and `_ACCOUNTS` bindings (comma lists). */
function operatorSecrets(env: NodeJS.ProcessEnv): AppConfig['secrets']['operator'] {
  const vars = new Map<string, string>();
  for (const [key, value] of Object.entries(env))
    if (key.startsWith(SECRET_PREFIX) && value) vars.set(key.slice(SECRET_PREFIX.length), value);
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const secrets: AppConfig['secrets']['operator'] = {};
  for (const [name, value] of vars) {
    const binding = /^(.+)_(HOSTS|ACCOUNTS)$/.exec(name);
    if (binding && vars.has(binding[1])) continue;
    const accounts = vars.get(`${name}_ACCOUNTS`);
    secrets[name] = {
      value,
      hosts: list(vars.get(`${name}_HOSTS`)),
      accounts: accounts === undefined ? null : list(accounts),
    };
  }
  return secrets;
}

function parsePlanLimits(text: string | undefined): Record<string, number> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [plan, limit] = pair.split('=').map((s) => s.trim());
      return [plan.toLowerCase(), Number(limit)];
    }),
  );
}

/** DI token for the AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');
