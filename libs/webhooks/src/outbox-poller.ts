import type { WebhookDeliverer } from './deliverer';

/**
 * The embedded default's deliverer loop: every `intervalMs`, claim and send what is due. The outbox
 * rows are the only state, so a restart just resumes; the lease keeps several API processes from
 * sending the same attempt.
 */
export class WebhookOutboxPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deliverer: WebhookDeliverer,
    private readonly options: { intervalMs: number; batchSize: number; log?: (message: string) => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    let full = false;
    try {
      const outcomes = await this.deliverer.deliverDue(this.options.batchSize);
      full = outcomes.length >= this.options.batchSize;
    } catch (err) {
      this.options.log?.(`webhook delivery poll failed (retrying): ${(err as Error).message}`);
    }
    // A full batch means more is due: go again at once.
    this.schedule(full ? 0 : this.options.intervalMs);
  }
}
