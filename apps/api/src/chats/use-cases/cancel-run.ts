import type { ChatRow } from '@conclave/persistence';
import type { Announcer, Caller, ChatStore, RunStore } from './ports';

export type CancelResult =
  { ok: true; chat: ChatRow; cancelled: boolean } | { ok: false; reason: 'not_found' };

/**
 * Stops the chat's active run and keeps what it produced (`/cancel`, `/abort`, a chat's deletion, a
 * `multitask=interrupt` message). An idle run (queued, waiting, or whose holder died) ends here; a
 * run executing elsewhere gets the signal through the bus and the DB flag.
 */
export class CancelRun {
  constructor(
    private readonly runs: Pick<RunStore, 'requestCancel' | 'finish'>,
    private readonly chats: Pick<ChatStore, 'get'>,
    private readonly announce: Announcer,
  ) {}

  async execute(caller: Caller, chatId: string): Promise<CancelResult> {
    // `idle` is decided on the database's clock, the one the lease was written with.
    const { found, run, idle } = await this.runs.requestCancel(caller.scope, chatId);
    if (!found) return { ok: false, reason: 'not_found' };
    if (run) {
      if (idle) {
        const events = await this.runs.finish({
          runId: run.id,
          end: { status: 'cancelled', reason: 'cancelled' },
        });
        if (events) {
          this.announce.events(caller.accountId, chatId, events);
          this.announce.runEnded({ runId: run.id, chatId, accountId: caller.accountId });
        }
      } else {
        this.announce.cancel(run.id);
      }
    }
    const chat = await this.chats.get(caller.scope, chatId);
    if (!chat) return { ok: false, reason: 'not_found' };
    return { ok: true, chat, cancelled: run !== null };
  }
}
