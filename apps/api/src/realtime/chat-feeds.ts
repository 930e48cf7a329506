import { Injectable } from '@nestjs/common';
import { EventsRepository } from '@conclave/persistence';
import { toEnvelope } from '@conclave/realtime';
import { ChatFeed, type ChatFeedOptions } from './chat-feed';
import { EventRouter } from './event-router';

export interface OpenFeed {
  feed: ChatFeed;
  /** Resolves when the replay is done and the feed is live. */
  started: Promise<void>;
  /** Stops delivery and forgets the feed (idempotent). */
  stop(): void;
}

/** Opens replay-then-live feeds over the Postgres event log; shared by the socket.io gateway and SSE. */
@Injectable()
export class ChatFeeds {
  constructor(
    private readonly events: EventsRepository,
    private readonly router: EventRouter,
  ) {}

  /** The caller has checked that the chat belongs to the subscriber's account. */
  open(options: Omit<ChatFeedOptions, 'readLog'>): OpenFeed {
    const feed = new ChatFeed({
      ...options,
      readLog: async (chatId, afterSeq, limit) =>
        (await this.events.after(chatId, afterSeq, limit)).map(toEnvelope),
    });
    // Routed before the replay starts (join first, buffer, read the log, flush: README, real-time).
    const remove = this.router.addFeed(feed);
    const started = feed.start();
    return {
      feed,
      started,
      stop() {
        feed.close();
        remove();
      },
    };
  }
}
