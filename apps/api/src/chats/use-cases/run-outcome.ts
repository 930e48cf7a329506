import type { ChatRow, MessageRow, RunRow } from '@conclave/persistence';
import type { Caller, ChatSettling, ChatStore, RunStore } from './ports';

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
    private readonly chats: ChatStore,
    private readonly runs: Pick<RunStore, 'getInScope'>,
    private readonly settling: ChatSettling,
    private readonly waitTimeoutMs: number,
  ) {}

  async read(
    caller: Caller,
    chatId: string,
    runId: string,
    messagesBefore: number,
    wait: boolean,
  ): Promise<RunAccepted | { ok: false; reason: 'not_found' }> {
    if (wait) await this.settling.untilSettled(caller.scope, chatId, this.waitTimeoutMs);
    const chat = await this.chats.get(caller.scope, chatId);
    if (!chat) return { ok: false, reason: 'not_found' }; // deleted meanwhile
    const run = await this.runs.getInScope(caller.scope, runId);
    const messages = wait ? await this.chats.messages(caller.scope, chatId, { after: messagesBefore }) : null;
    return { ok: true, chat, run, messages };
  }
}
