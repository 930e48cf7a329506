import { FailedAuthLimiter } from './failed-auth-limiter';

describe('FailedAuthLimiter', () => {
  it('refuses an IP after N failures in a minute, others unaffected, and forgives after the window', () => {
    let now = 1_000_000;
    const limiter = new FailedAuthLimiter(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('1.1.1.1')).toBe(0);
      limiter.failed('1.1.1.1');
    }
    expect(limiter.retryAfter('1.1.1.1')).toBe(60);
    expect(limiter.retryAfter('2.2.2.2')).toBe(0);
    now += 30_000;
    expect(limiter.retryAfter('1.1.1.1')).toBe(30);
    now += 30_000;
    expect(limiter.retryAfter('1.1.1.1')).toBe(0);
  });
});
