import type { RunEnd, SweptChat } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { toEnvelope } from '@conclave/realtime';
import type { RunDispatcher } from './run-dispatcher';
import { runEndReport, type RunEndReport } from './run-executor';
import type { RunRepositories } from './run-repositories';

/**
 * Postgres is the truth, the dispatcher only a messenger: the sweeper re-dispatches runs that are
 * queued or whose lease expired (a killed worker, a lost or flushed queue job) and ends runs whose
 * input request expired. It also expires idle operator claims and writes `input.overdue` for
 * questions past their agent's SLA. Safe to run in every process: each change is a conditional update.
 */
export class RunSweeper {
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly runs: RunRepositories['runs'];
  private readonly claims: RunRepositories['claims'];

  constructor(
    { runs, claims }: Pick<RunRepositories, 'runs' | 'claims'>,
    private readonly dispatcher: RunDispatcher,
    private readonly bus: EventBus,
    private readonly options: {
      intervalMs: number;
      log?: (message: string) => void;
      onRunEnd?: (end: RunEndReport) => void;
    },
  ) {
    this.runs = runs;
    this.claims = claims;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    this.timer.unref();
    void this.sweep();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sweep(): Promise<{ redispatched: number; expired: number }> {
    if (this.sweeping) return { redispatched: 0, expired: 0 };
    this.sweeping = true;
    try {
      const stale = await this.runs.dispatchable(500);
      for (const run of stale) await this.dispatcher.dispatch(run.id, run);
      const expired = await this.runs.expiredInputs(500);
      for (const run of expired) {
        const end: RunEnd = { status: 'completed', reason: 'input_timeout', summary: null };
        const finished = await this.runs.timeoutInput(run.id);
        if (!finished) continue;
        this.options.onRunEnd?.(runEndReport(run, end, run.account_id));
        this.bus.publish({
          kind: 'events',
          accountId: run.account_id,
          chatId: run.chat_id,
          events: finished.events.map(toEnvelope),
        });
        if (finished.promoted) await this.dispatcher.dispatch(finished.promoted.id, finished.promoted);
      }
      const swept = [...(await this.claims.expireClaims(500)), ...(await this.claims.markOverdue(500))];
      for (const chat of swept) this.publish(chat);
      return { redispatched: stale.length, expired: expired.length };
    } catch (err) {
      this.options.log?.(`sweep failed: ${(err as Error).message}`);
      return { redispatched: 0, expired: 0 };
    } finally {
      this.sweeping = false;
    }
  }

  private publish({ accountId, chatId, events }: SweptChat): void {
    this.bus.publish({ kind: 'events', accountId, chatId, events: events.map(toEnvelope) });
  }
}
