/**
 * When a failed delivery is tried again: exponential backoff from `baseDelayMs`, doubling per
 * attempt, capped at `maxDelayMs`, with ±10% jitter so a recovering receiver is not hit by every
 * retry at the same instant. Retries stop when the retry window (24 h by default) is over; the
 * repository compares the next attempt time to the window.
 */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
}

export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 40));
  const jitter = 1 + (random() * 2 - 1) * 0.1;
  return Math.max(0, Math.round(raw * jitter));
}

/** The full schedule a delivery that never succeeds follows (for docs and tests): delays until the window ends. */
export function retrySchedule(policy: RetryPolicy): number[] {
  const delays: number[] = [];
  let elapsed = 0;
  for (let attempt = 1; ; attempt++) {
    const delay = retryDelayMs(policy, attempt, () => 0.5);
    if (elapsed + delay > policy.windowMs || delays.length > 1000) return delays;
    elapsed += delay;
    delays.push(delay);
  }
}
