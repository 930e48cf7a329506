import { call, startTestApi, type TestApi } from './support/api';
import { connectRealtime } from './support/realtime';

/** Failed authentications are throttled per client IP (AUTH_FAILURES_PER_MINUTE), in each family's shape. */
describe('failed-auth throttling per IP', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ AUTH_FAILURES_PER_MINUTE: '4' });
  });
  afterAll(() => t?.close());

  it('answers 401 up to the limit, then 429 with Retry-After in the route family’s error shape', async () => {
    for (let i = 0; i < 4; i++)
      expect((await call(t.url, 'GET', '/chats', undefined, { 'X-API-Key': `ck_wrong${i}` })).status).toBe(
        401,
      );
    const native = await call(t.url, 'GET', '/chats', undefined, { 'X-API-Key': 'ck_wrong' });
    expect(native.status).toBe(429);
    expect(Number(native.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(native.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const aksita = await call(t.url, 'POST', '/api/session', {}, { 'X-API-Key': 'ck_wrong' });
    expect(aksita.status).toBe(429);
    expect(aksita.body.status).toBe(false);
    const asyntai = await call(t.url, 'POST', '/api/v1/chat', { message: 'hi' }, { 'X-API-Key': 'ck_wrong' });
    expect(asyntai.status).toBe(429);
    expect(asyntai.body.success).toBe(false);
    await expect(connectRealtime(t.url, 'ck_wrong')).rejects.toThrow(/Too many failed authentications/);
    // Unauthenticated routes are not affected.
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});
