import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { accountScope, type Scope } from '@conclave/domain';
import { ChatsRepository } from '@conclave/persistence';
import type { AccountEventEnvelope, BusMessage, EventBus, EventEnvelope } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';
import type { ChatFeed } from './chat-feed';

export type AccountStatusListener = (envelope: EventEnvelope | AccountEventEnvelope) => void;

/** What an account-wide subscriber (an operator's inbox) receives: status, claims and overdue questions. */
export const ACCOUNT_EVENT_TYPES = new Set(['chat.status', 'chat.claimed', 'chat.released', 'input.overdue']);

interface AccountListener {
  scope: Scope;
  listener: AccountStatusListener;
}

/** Chats whose agent is remembered (a chat's agent never changes); the map is cleared beyond it. */
const AGENT_CACHE_SIZE = 10_000;

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
  private readonly accounts = new Map<string, Set<AccountListener>>();
  private readonly chatAgents = new Map<string, string | null>();
  /** Per account: delivery to agent-scoped listeners, in order, after the chat's agent is known. */
  private readonly scopedDelivery = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(EVENT_BUS) bus: EventBus,
    private readonly chats: ChatsRepository,
  ) {
    this.unsubscribe = bus.subscribe((message) => this.route(message));
  }

  /** Starts routing the chat's live events to the feed; returns the function that stops it. */
  addFeed(feed: ChatFeed): () => void {
    return add(this.feeds, feed.chatId, feed);
  }

  /**
   * `chat.status` events of every chat in the scope: all the account's chats, or only its agent's
   * for an agent-scoped key.
   */
  addAccountListener(scope: Scope, listener: AccountStatusListener): () => void {
    return add(this.accounts, scope.accountId, { scope, listener });
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
      const statuses = message.events.filter((e) => ACCOUNT_EVENT_TYPES.has(e.type));
      if (listeners && statuses.length)
        this.toAccount(message.accountId, message.chatId, listeners, statuses);
    } else if (message.kind === 'delta') {
      this.each(this.feeds.get(message.chatId), (feed) => feed.deliverDelta(message.envelope));
    } else if (message.kind === 'account') {
      // Account-level events (knowledge bases…) are management data: never for agent-scoped keys.
      const unscoped = [...(this.accounts.get(message.accountId) ?? [])].filter(
        (e) => e.scope.agentId === null,
      );
      this.each(new Set(unscoped), (entry) => entry.listener(message.envelope));
    }
  }

  private toAccount(
    accountId: string,
    chatId: string,
    listeners: Set<AccountListener>,
    statuses: EventEnvelope[],
  ): void {
    const all = [...listeners];
    const deliver = (entries: AccountListener[]) => {
      for (const status of statuses) this.each(new Set(entries), (entry) => entry.listener(status));
    };
    deliver(all.filter((entry) => entry.scope.agentId === null));
    const scoped = all.filter((entry) => entry.scope.agentId !== null);
    if (scoped.length === 0) return;
    const previous = this.scopedDelivery.get(accountId) ?? Promise.resolve();
    const next = previous
      .then(() => this.agentOf(accountId, chatId))
      .then(
        (agentId) => deliver(scoped.filter((entry) => agentId !== null && entry.scope.agentId === agentId)),
        (err: unknown) =>
          this.log.warn(`chat ${chatId}: agent lookup failed: ${(err as Error)?.message ?? err}`),
      );
    this.scopedDelivery.set(accountId, next);
    void next.then(() => {
      if (this.scopedDelivery.get(accountId) === next) this.scopedDelivery.delete(accountId);
    });
  }

  /** The agent a chat belongs to (null: none, or the chat is gone). */
  private async agentOf(accountId: string, chatId: string): Promise<string | null> {
    if (this.chatAgents.has(chatId)) return this.chatAgents.get(chatId)!;
    const chat = await this.chats.get(accountScope(accountId), chatId);
    if (!chat) return null;
    if (this.chatAgents.size >= AGENT_CACHE_SIZE) this.chatAgents.clear();
    this.chatAgents.set(chatId, chat.agent_id);
    return chat.agent_id;
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
