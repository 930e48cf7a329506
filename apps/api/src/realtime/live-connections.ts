import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeyAuthenticator } from '@conclave/auth';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError } from '@conclave/domain';
import type { EventBus } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';

export type ConnectionKind = 'sse' | 'socket';

interface Live {
  keyId: string;
  accountId: string;
  kind: ConnectionKind;
  close: () => void;
}

/**
 * The live connections of this process (SSE responses, socket.io sockets), by key and account.
 * - Revocation: deleting a key publishes `{kind: 'revoked'}` on the event bus (Redis pub/sub in queue
 *   mode), so every API instance closes that key's connections at once, not at their next request.
 * - Caps: an account holds at most MAX_SSE_STREAMS_PER_ACCOUNT streams and MAX_SOCKETS_PER_ACCOUNT
 *   sockets per instance; one more is refused (`limit_reached`: 429 / connect_error).
 * - Shutdown: every connection is ended, or the HTTP server would wait on open streams forever.
 */
@Injectable()
export class LiveConnections implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly live = new Set<Live>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {
    this.unsubscribe = bus.subscribe((message) => {
      if (message.kind === 'revoked') this.closeWhere((c) => message.keyIds.includes(c.keyId));
    });
  }

  /**
   * Registers a connection, or throws `limit_reached` when the account already holds its cap of this
   * kind. Returns the function that forgets it (call it when the connection closes).
   */
  open(owner: { keyId: string; accountId: string }, kind: ConnectionKind, close: () => void): () => void {
    const cap =
      kind === 'sse'
        ? this.config.realtime.maxSseStreamsPerAccount
        : this.config.realtime.maxSocketsPerAccount;
    if (this.count(owner.accountId, kind) >= cap)
      throw new DomainError(
        'limit_reached',
        kind === 'sse'
          ? `Too many open event streams for this account (${cap}, MAX_SSE_STREAMS_PER_ACCOUNT): close one first`
          : `Too many open socket connections for this account (${cap}, MAX_SOCKETS_PER_ACCOUNT): close one first`,
      );
    const entry: Live = { keyId: owner.keyId, accountId: owner.accountId, kind, close };
    this.live.add(entry);
    return () => this.live.delete(entry);
  }

  /**
   * Tells every API instance (this one included) that these keys no longer exist. This instance
   * forgets their cached principals before answering (the bus's echo comes back later in queue mode).
   */
  revoked(keyIds: string[]): void {
    this.authenticator.forget(keyIds);
    if (keyIds.length) this.bus.publish({ kind: 'revoked', keyIds });
  }

  count(accountId: string, kind: ConnectionKind): number {
    let n = 0;
    for (const c of this.live) if (c.accountId === accountId && c.kind === kind) n++;
    return n;
  }

  private closeWhere(match: (c: Live) => boolean): void {
    for (const c of [...this.live]) {
      if (!match(c)) continue;
      this.live.delete(c);
      c.close();
    }
  }

  beforeApplicationShutdown(): void {
    this.closeWhere(() => true);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
