import { checkReadiness } from './readiness';

describe('readiness', () => {
  const up = () => Promise.resolve(1);
  const down = () => Promise.reject(new Error('refused'));
  const hang = () => new Promise<never>(() => undefined);
  const redis = (ping: () => Promise<unknown>) => ({ ping }) as never;

  it('is ready with Postgres alone in the embedded default', async () => {
    expect(await checkReadiness({ postgres: up, redis: null, queue: null })).toEqual({
      ok: true,
      body: { status: 'ready', postgres: 'up', redis: 'not_used', queue: 'not_used' },
    });
  });

  it('reports each dependency separately', async () => {
    const r = await checkReadiness({
      postgres: up,
      redis: redis(down),
      queue: () => Promise.resolve({ waiting: 2 }),
    });
    expect(r.ok).toBe(false);
    expect(r.body).toEqual({ status: 'not_ready', postgres: 'up', redis: 'down', queue: { waiting: 2 } });
  });

  it('answers not ready when a dependency hangs', async () => {
    const r = await checkReadiness({ postgres: hang, redis: null, queue: down, timeoutMs: 20 });
    expect(r.body).toMatchObject({ status: 'not_ready', postgres: 'down', queue: 'down' });
  });
});
