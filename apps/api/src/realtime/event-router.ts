import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { AccountEventEnvelope, BusMessage, EventBus, EventEnvelope } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';
import type { ChatFeed } from './chat-feed';

export type AccountStatusListener = (envelope: EventEnvelope | AccountEventEnvelope) => void;

/** What an account-wide subscriber (an operator's inbox) receives: status, claims and overdue questions. */
export const ACCOUNT_EVENT_TYPES = new Set(['chat.status', 'chat.claimed', 'chat.released', 'input.overdue']);

/**
 * This API instance's single listener on the event bus: hands each chat's events to the local feeds
 * (socket.io subscriptions, SSE responses) of that chat, and `chat.status`, claim and
 * `input.overdue` events to the account-wide listeners, with account-level events (knowledge
 * indexing progress). In queue mode the bus is Redis pub/sub, so events committed by a worker or another API
 * instance reach every instance's subscribers. Delivery never awaits a client.
 */
@Injectable()
export class EventRouter implements OnModuleDestroy {
  private readonly log = new Logger(EventRouter.name);
  private readonly feeds = new Map<string, Set<ChatFeed>>();
  private readonly accounts = new Map<string, Set<AccountStatusListener>>();
  private readonly unsubscribe: () => void;

  constructor(@Inject(EVENT_BUS) bus: EventBus) {
    this.unsubscribe = bus.subscribe((message) => this.route(message));
  }

  /** Starts routing the chat's live events to the feed; returns the function that stops it. */
  addFeed(feed: ChatFeed): () => void {
    return add(this.feeds, feed.chatId, feed);
  }

  addAccountListener(accountId: string, listener: AccountStatusListener): () => void {
    return add(this.accounts, accountId, listener);
  }

  /** Local subscriptions (feeds) open on this instance. */
  get feedCount(): number {
    let n = 0;
    for (const set of this.feeds.values()) n += set.size;
    return n;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private route(message: BusMessage): void {
    if (message.kind === 'events') {
      this.each(this.feeds.get(message.chatId), (feed) => feed.deliver(message.events));
      const listeners = this.accounts.get(message.accountId);
      if (listeners) {
        const statuses = message.events.filter((e) => ACCOUNT_EVENT_TYPES.has(e.type));
        for (const status of statuses) this.each(listeners, (listener) => listener(status));
      }
    } else if (message.kind === 'delta') {
      this.each(this.feeds.get(message.chatId), (feed) => feed.deliverDelta(message.envelope));
    } else if (message.kind === 'account') {
      this.each(this.accounts.get(message.accountId), (listener) => listener(message.envelope));
    }
  }

  /** One subscriber's failure must not keep the others from their events. */
  private each<T>(set: Set<T> | undefined, fn: (item: T) => void): void {
    if (!set) return;
    for (const item of [...set]) {
      try {
        fn(item);
      } catch (err) {
        this.log.warn(`subscriber failed: ${(err as Error)?.message ?? err}`);
      }
    }
  }
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
  return () => {
    const current = map.get(key);
    if (!current) return;
    current.delete(value);
    if (current.size === 0) map.delete(key);
  };
}
