import { call, type TestAccount } from './api';

/**
 * After `limit` requests with `acc`'s key, the next ones are 429 with Retry-After in each API
 * family's error shape; `other` (another key) and /health are not affected. Shared by the
 * in-memory and Redis-backed throttler tests.
 */
export async function expectRateLimitedAfter(
  url: string,
  acc: TestAccount,
  other: TestAccount,
  limit: number,
) {
  for (let i = 0; i < limit; i++) expect((await acc.request('GET', '/agents')).status).toBe(200);
  const native = await acc.request('GET', '/agents');
  expect(native.status).toBe(429);
  expect(native.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  expect(Number(native.headers.get('retry-after'))).toBeGreaterThan(0);

  const aksita = await acc.request('POST', '/api/session', {});
  expect(aksita.status).toBe(429);
  expect(aksita.body).toEqual({ status: false, reason: expect.stringMatching(/^Too many requests/) });
  expect(Number(aksita.headers.get('retry-after'))).toBeGreaterThan(0);

  const asyntai = await call(url, 'GET', '/api/v1/account/', undefined, {
    Authorization: `Bearer ${acc.key}`,
  });
  expect(asyntai.status).toBe(429);
  expect(asyntai.body).toEqual({ success: false, error: expect.stringMatching(/^Too many requests/) });
  expect(Number(asyntai.headers.get('retry-after'))).toBeGreaterThan(0);

  expect((await other.request('GET', '/agents')).status).toBe(200);
  expect((await fetch(`${url}/health`)).status).toBe(200);
}
