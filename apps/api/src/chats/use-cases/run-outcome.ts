import type { ChatRow, MessageRow, RunRow } from '@conclave/persistence';
import type { Caller, ChatSettling, ChatStore, ChatWatch } from './ports';

/** A message accepted: the chat and its run as they are now, and (after a wait) what the run wrote. */
export interface RunAccepted {
  ok: true;
  chat: ChatRow;
  run: RunRow | null;
  /** The messages written since the request was accepted; null unless the request waited. */
  messages: MessageRow[] | null;
}

/** Reads what a started or resumed run looks like, after waiting (bounded) for it to settle if asked. */
export class RunOutcomes {
  constructor(
    private readonly chats: Pick<ChatStore, 'runOutcome'>,
    private readonly settling: ChatSettling,
    private readonly waitTimeoutMs: number,
  ) {}

  /**
   * `wait`: wait for the run to settle first — with `watch` when the caller started listening before
   * its transition (whose last event is the chat's `last_seq` then), else by watching the chat's status.
   */
  async read(
    caller: Caller,
    chatId: string,
    runId: string,
    messagesBefore: number,
    wait: boolean,
    watch?: { chat: ChatWatch; after: number },
  ): Promise<RunAccepted | { ok: false; reason: 'not_found' }> {
    if (wait) {
      if (watch) await watch.chat.settledAfter(watch.after, this.waitTimeoutMs);
      else await this.settling.untilSettled(caller.scope, chatId, this.waitTimeoutMs);
    }
    const outcome = await this.chats.runOutcome(caller.scope, chatId, runId, wait ? messagesBefore : null);
    if (!outcome) return { ok: false, reason: 'not_found' }; // deleted meanwhile
    return { ok: true, ...outcome };
  }
}
