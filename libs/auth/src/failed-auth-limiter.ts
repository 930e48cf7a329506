/**
 * Failed authentications per client IP in a fixed one-minute window (per process). Past the limit
 * the IP is refused (429) before its key is even looked up, until the window ends: guessing keys
 * costs the guesser, not the database.
 */
export class FailedAuthLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the IP may try again, or 0 when it may try now. */
  retryAfter(ip: string): number {
    const w = this.windows.get(ip);
    if (!w || w.resetAt <= this.now()) return 0;
    return w.count >= this.limitPerMinute ? Math.ceil((w.resetAt - this.now()) / 1000) : 0;
  }

  failed(ip: string): void {
    const now = this.now();
    let w = this.windows.get(ip);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 100_000) this.prune(now);
      w = { count: 0, resetAt: now + 60_000 };
      this.windows.set(ip, w);
    }
    w.count++;
  }

  private prune(now: number): void {
    for (const [ip, w] of this.windows) if (w.resetAt <= now) this.windows.delete(ip);
  }
}
