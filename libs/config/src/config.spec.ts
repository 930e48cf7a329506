import { ConfigError, loadConfig } from './config';

describe('queue dashboard settings', () => {
  const queueMode = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://p@127.0.0.1/x' };

  it('is off by default', () => {
    expect(loadConfig(queueMode).queueDashboard).toBeNull();
  });

  it('is on with QUEUE_DASHBOARD=true and a token of at least 16 characters', () => {
    const token = 'a-long-enough-token';
    expect(
      loadConfig({ ...queueMode, QUEUE_DASHBOARD: 'true', QUEUE_DASHBOARD_TOKEN: token }).queueDashboard,
    ).toEqual({ token });
    expect(() =>
      loadConfig({ ...queueMode, QUEUE_DASHBOARD: 'true', QUEUE_DASHBOARD_TOKEN: 'short' }),
    ).toThrow(/QUEUE_DASHBOARD_TOKEN: use at least 16 characters/);
  });

  it('refuses to start without a token, or outside queue mode', () => {
    expect(() => loadConfig({ ...queueMode, QUEUE_DASHBOARD: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...queueMode, QUEUE_DASHBOARD: 'true' })).toThrow(/QUEUE_DASHBOARD_TOKEN/);
    expect(() =>
      loadConfig({ QUEUE_DASHBOARD: 'true', QUEUE_DASHBOARD_TOKEN: 'a-long-enough-token' }),
    ).toThrow(/REDIS_URL/);
  });
});
