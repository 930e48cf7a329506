import Redis from 'ioredis';

/**
 * Fails fast and clearly when Redis does not answer at start-up (otherwise ioredis retries forever
 * and the process hangs without ever listening).
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  const where = new URL(url).host;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), timeoutMs))),
    ]);
  } catch (err) {
    const fix = 'Start Redis or fix REDIS_URL (without REDIS_URL Conclave runs in embedded mode).';
    throw Object.assign(
      new Error(`Redis at ${where} (REDIS_URL) is unreachable (${(err as Error).message}).\n${fix}`),
      { fix },
    );
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
