import { retryDelayMs, retrySchedule } from './retry-policy';

const policy = { baseDelayMs: 10_000, maxDelayMs: 2 * 3600_000, windowMs: 24 * 3600_000 };

describe('webhook retry policy', () => {
  it('doubles from the base delay and caps at the maximum', () => {
    const mid = () => 0.5;
    expect(retryDelayMs(policy, 1, mid)).toBe(10_000);
    expect(retryDelayMs(policy, 2, mid)).toBe(20_000);
    expect(retryDelayMs(policy, 5, mid)).toBe(160_000);
    expect(retryDelayMs(policy, 30, mid)).toBe(2 * 3600_000);
  });

  it('jitters by at most 10%', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(9_000);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(11_000);
  });

  it('keeps retrying for about a day by default', () => {
    const schedule = retrySchedule(policy);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * 3600_000);
    expect(total).toBeLessThanOrEqual(24 * 3600_000);
    expect(schedule.length).toBeGreaterThan(10);
  });
});
