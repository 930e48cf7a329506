import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { startTestApi, type TestApi } from './api';
import { startProcess, WORKER_MAIN, type AppProcess } from './processes';
import { REDIS_URL } from './services';

/**
 * Queue mode for e2e tests: the API and workers as separate processes on one fresh database and a
 * BullMQ prefix of their own, so parallel test files never see each other's jobs. A test that
 * flushes Redis must use a Redis db number nobody else uses (`redisUrl` option) and FLUSHDB it,
 * never FLUSHALL.
 */
export interface QueueModeEnv {
  api: TestApi;
  redisUrl: string;
  prefix: string;
  /** Environment shared by the API and the workers. */
  env: Record<string, string>;
  /** Starts a worker process (extra env overrides the shared one). */
  startWorker(extra?: Record<string, string>): Promise<AppProcess>;
  /** BullMQ job counts of the `runs` queue. */
  counts(): Promise<Record<string, number>>;
  redis: Redis;
  close(): Promise<void>;
}

export async function startQueueMode(
  options: { redisUrl?: string; env?: Record<string, string> } = {},
): Promise<QueueModeEnv> {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const prefix = `qt-${randomBytes(5).toString('hex')}`;
  const env = {
    REDIS_URL: redisUrl,
    CONCLAVE_QUEUE_PREFIX: prefix,
    LEASE_MS: '2000',
    SWEEP_INTERVAL_MS: '300',
    ...options.env,
  };
  const api = await startTestApi(env);
  const workers: AppProcess[] = [];
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queueConnection = redis.duplicate();
  const queue = new Queue('runs', { connection: queueConnection, prefix });
  return {
    api,
    redisUrl,
    prefix,
    env,
    redis,
    async startWorker(extra = {}) {
      const worker = await startProcess(
        WORKER_MAIN,
        { DATABASE_URL: api.databaseUrl, ...env, ...extra },
        /Conclave worker ready/,
      );
      workers.push(worker);
      return worker;
    },
    async counts() {
      return queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized', 'completed');
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.kill()));
      await api.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      queueConnection.disconnect();
      redis.disconnect();
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}
