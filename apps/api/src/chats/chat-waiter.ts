import { Inject, Injectable } from '@nestjs/common';
import type { ChatStatus, Scope } from '@conclave/domain';
import { ChatsRepository } from '@conclave/persistence';
import type { EventBus } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';

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
    return this.until(scope, chatId, timeoutMs, (status) => status !== 'running');
  }

  /** No run is active any more (after a cancel). */
  untilIdle(scope: Scope, chatId: string, timeoutMs: number): Promise<boolean> {
    return this.until(scope, chatId, timeoutMs, (s) => s !== 'running' && s !== 'wait_for_human_input');
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
