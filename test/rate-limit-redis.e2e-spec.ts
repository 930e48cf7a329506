import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { call, startTestApi, type TestAccount, type TestApi } from './support/api';
import { expectRateLimitedAfter } from './support/rate-limit';
import { REDIS_URL } from './support/services';

/** RATE_LIMIT_PER_MINUTE in queue mode: fixed-window counters in Redis, shared by every API instance. */
describe('rate limit per API key, Redis storage (queue mode)', () => {
  const LIMIT = 5;
  const id = randomBytes(5).toString('hex');
  const env = {
    REDIS_URL,
    REDIS_PREFIX: `rl-${id}`,
    CONCLAVE_QUEUE_PREFIX: `rlq-${id}`,
    RATE_LIMIT_PER_MINUTE: String(LIMIT),
  };
  let a: TestApi;
  let bUrl: string;
  let redis: Redis;

  beforeAll(async () => {
    a = await startTestApi(env);
    // A second instance on the same database and the same Redis prefix.
    bUrl = (await a.startInstance()).url;
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await a?.close();
    if (redis) {
      const keys = await redis.keys(`${env.REDIS_PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
      const queueKeys = await redis.keys(`${env.CONCLAVE_QUEUE_PREFIX}:*`);
      if (queueKeys.length) await redis.del(...queueKeys);
      redis.disconnect();
    }
  });

  const on = (base: string, acc: TestAccount, method: string, path: string, body?: unknown) =>
    call(base, method, path, body, { 'X-API-Key': acc.key });

  it('the 6th request is 429 with Retry-After in each family’s shape; other keys are not affected', async () => {
    const acc = await a.account();
    const other = await a.account();
    await expectRateLimitedAfter(a.url, acc, other, LIMIT);

    // The counters live in Redis under this deployment's prefix.
    expect((await redis.keys(`${env.REDIS_PREFIX}:throttle:*`)).length).toBeGreaterThan(0);
  });

  it('two instances with the same REDIS_PREFIX share one window per key', async () => {
    const acc = await a.account();
    for (let i = 0; i < 3; i++) expect((await on(a.url, acc, 'GET', '/agents')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await on(bUrl, acc, 'GET', '/agents')).status).toBe(200);
    const sixth = await on(bUrl, acc, 'GET', '/agents');
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...and the block is seen by the other instance too.
    expect((await on(a.url, acc, 'GET', '/agents')).status).toBe(429);
  });
});
