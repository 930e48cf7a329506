import { Inject, Injectable } from '@nestjs/common';
import type { ChatStatus, Scope } from '@conclave/domain';
import { ChatsRepository } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';
import type { RunWatch } from './use-cases/ports';

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
   * `?wait=true` on a run this request starts: listening from before the start, the run's own
   * `chat.status` events say when it settled (the statuses `untilSettled` waits for), with no read of
   * the chat — the run cannot have settled before it was started.
   */
  watchRun(chatId: string, runId: string): RunWatch {
    let done = false;
    let wake: (() => void) | null = null;
    const unsubscribe = this.bus.subscribe((message) => {
      if (done || message.kind !== 'events' || message.chatId !== chatId) return;
      if (
        message.events.some(
          (e) => e.type === 'chat.status' && e.data.run_id === runId && settled(e.data.status as ChatStatus),
        )
      ) {
        done = true;
        unsubscribe();
        wake?.();
      }
    });
    return {
      settled: (timeoutMs) =>
        done
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), timeoutMs);
              wake = () => {
                clearTimeout(timer);
                resolve(true);
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
