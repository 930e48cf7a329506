import { Inject, Injectable } from '@nestjs/common';
import type { ChatStatus, Scope } from '@conclave/domain';
import { ChatsRepository } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';
import type { ChatWatch } from './use-cases/ports';

/** The run paused for input or ended (`?wait=true` returns). */
const settled = (status: ChatStatus) => status !== 'running';

/**
 * Waits for a chat to reach a status, listening on the event bus (no polling). It subscribes before
 * reading the chat, so a change between the read and the subscription cannot be missed.
 */
@Injectable()
export class ChatWaiter {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly chats: ChatsRepository,
  ) {}

  /** `?wait=true`: the chat left `running` (asks for input, completed, failed). */
  untilSettled(scope: Scope, chatId: string, timeoutMs: number): Promise<boolean> {
    return this.until(scope, chatId, timeoutMs, settled);
  }

  /** No run is active any more (after a cancel). */
  untilIdle(scope: Scope, chatId: string, timeoutMs: number): Promise<boolean> {
    return this.until(scope, chatId, timeoutMs, (s) => s !== 'running' && s !== 'wait_for_human_input');
  }

  /**
   * `?wait=true` on a run this request starts or resumes: listening from before its transition, the
   * settling `chat.status` events after the transition's seq answer with no read of the chat. Seqs,
   * not arrival order: the worker's events may arrive before the API's own.
   */
  watch(chatId: string): ChatWatch {
    let latest = 0; // the highest seq of a settling event heard
    let waiting: { after: number; wake: () => void } | null = null;
    const unsubscribe = this.bus.subscribe((message) => {
      if (message.kind !== 'events' || message.chatId !== chatId) return;
      for (const e of message.events)
        if (e.type === 'chat.status' && e.seq !== null && settled(e.data.status as ChatStatus))
          latest = Math.max(latest, e.seq);
      if (waiting && latest > waiting.after) waiting.wake();
    });
    return {
      settledAfter: (seq, timeoutMs) =>
        latest > seq
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => {
                waiting = null;
                resolve(false);
              }, timeoutMs);
              waiting = {
                after: seq,
                wake: () => {
                  waiting = null;
                  clearTimeout(timer);
                  resolve(true);
                },
              };
            }),
      stop: unsubscribe,
    };
  }

  private until(
    scope: Scope,
    chatId: string,
    timeoutMs: number,
    reached: (status: ChatStatus) => boolean,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let finished = false;
      const finish = (ok: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const unsubscribe = this.bus.subscribe((message) => {
        if (message.kind !== 'events' || message.chatId !== chatId) return;
        if (message.events.some((e) => e.type === 'chat.status' && reached(e.data.status as ChatStatus)))
          finish(true);
      });
      this.chats
        .get(scope, chatId)
        .then((chat) => {
          if (!chat || reached(chat.status)) finish(true);
        })
        .catch(() => finish(false));
    });
  }
}
