import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ApiKeyAuthenticator, extractApiKey, type Principal } from '@conclave/auth';
import { DomainError, INT4_MAX, isUuid } from '@conclave/domain';
import { ChatsRepository } from '@conclave/persistence';
import type { AccountEventEnvelope, EventEnvelope } from '@conclave/realtime';
import proxyaddr from 'proxy-addr';
import type { Server, Socket } from 'socket.io';
import { ChatFeeds, type OpenFeed } from './chat-feeds';
import { EventRouter } from './event-router';
import { LiveConnections } from './live-connections';
import { SocketOutbox } from './socket-outbox';

/** Packets queued for one socket beyond which it is dropped (it reconnects and replays from its seq). */
const MAX_QUEUED_PACKETS = 10_000;

interface Connection {
  principal: Principal;
  feeds: Map<string, OpenFeed>;
  stopAccount?: () => void;
}

export type SubscribeAck =
  { ok: true; chat_id: string; last_seq: number } | { ok: false; chat_id: string | null; error: string };

/**
 * socket.io protocol of the README's real-time section. Connect with `auth: {apiKey}` (or the X-API-Key /
 * Authorization header); then `subscribe {chat_id, after_seq?}` → every persisted event with
 * seq > after_seq on `event`, then live ones, no gap and no duplicate; the ack carries the last seq
 * sent by the replay. `subscribe_account` → `chat.status`, `chat.claimed`, `chat.released` and
 * `input.overdue` events of all the account's chats.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly log = new Logger(RealtimeGateway.name);
  private readonly connections = new Map<string, Connection>();
  private readonly trustedProxies: ((address: string, hop: number) => boolean) | null;
  private server?: Server;
  /** Every `event` goes through it: one encoding per envelope, one write per socket per tick. */
  private readonly outbox = new SocketOutbox<EventEnvelope | AccountEventEnvelope>(
    () => this.server,
    'event',
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly chats: ChatsRepository,
    private readonly feeds: ChatFeeds,
    private readonly router: EventRouter,
    private readonly live: LiveConnections,
  ) {
    this.trustedProxies = config.trustProxy.length > 0 ? proxyaddr.compile(config.trustProxy) : null;
  }

  /** Authentication at the handshake: a bad or missing key never gets a connection (connect_error). */
  afterInit(server: Server): void {
    this.server = server;
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (error) => next(error ?? undefined),
        (err: unknown) => {
          this.log.error(`socket authentication failed: ${(err as Error)?.message ?? err}`);
          next(new Error('Authentication unavailable, retry later'));
        },
      );
    });
  }

  handleConnection(socket: Socket): void {
    const principal = (socket.data as { principal?: Principal }).principal;
    if (principal) this.connections.set(socket.id, { principal, feeds: new Map() });
    else socket.disconnect(true);
  }

  handleDisconnect(socket: Socket): void {
    const connection = this.connections.get(socket.id);
    if (!connection) return;
    this.connections.delete(socket.id);
    for (const open of connection.feeds.values()) open.stop();
    connection.stopAccount?.();
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const connection = this.connections.get(socket.id);
    const request = parseSubscribe(body);
    if (!connection) return { ok: false, chat_id: null, error: 'Not connected' };
    if ('error' in request) return this.refuse(socket, request.chatId, request.error);
    const { chatId, afterSeq } = request;

    // Another account's chat and an unknown one look the same: never data, never a hint.
    const chat = await this.chats.get(connection.principal.scope, chatId);
    if (!chat) return this.refuse(socket, chatId, 'Chat not found');
    if (!socket.connected) return { ok: false, chat_id: chatId, error: 'Disconnected' };
    connection.feeds.get(chatId)?.stop(); // a re-subscribe restarts from the new after_seq
    connection.feeds.delete(chatId);
    const limit = this.config.realtime.maxSubscriptions;
    if (connection.feeds.size >= limit)
      return this.refuse(socket, chatId, `Subscription limit reached (${limit} chats per connection)`);

    const open = this.feeds.open({
      chatId,
      afterSeq,
      send: (envelope) => this.send(socket, envelope),
      onError: (err) => {
        this.log.warn(`replay of chat ${chatId} failed: ${(err as Error)?.message ?? err}`);
        if (connection.feeds.get(chatId) === open) connection.feeds.delete(chatId);
        open.stop();
        this.outbox.flush();
        socket.emit('error', { chat_id: chatId, message: 'Event replay failed; subscribe again' });
      },
    });
    connection.feeds.set(chatId, open);
    await open.started;
    this.outbox.flush(); // the replayed events go out before the ack
    if (open.feed.isClosed) return { ok: false, chat_id: chatId, error: 'Subscription ended' };
    return { ok: true, chat_id: chatId, last_seq: open.feed.lastSeq };
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    const connection = this.connections.get(socket.id);
    const chatId =
      typeof (body as { chat_id?: unknown })?.chat_id === 'string'
        ? (body as { chat_id: string }).chat_id.toLowerCase()
        : null;
    if (!connection || !chatId) return { ok: false, chat_id: chatId, error: 'chat_id is required' };
    const open = connection.feeds.get(chatId);
    open?.stop();
    connection.feeds.delete(chatId);
    return { ok: true, chat_id: chatId, subscribed: false };
  }

  /**
   * Operator consoles: status, claim and overdue events of every chat in the key's scope (the
   * account's, or only its agent's for an agent-scoped key), live only (no account-wide seq).
   */
  @SubscribeMessage('subscribe_account')
  subscribeAccount(@ConnectedSocket() socket: Socket) {
    const connection = this.connections.get(socket.id);
    if (!connection) return { ok: false, error: 'Not connected' };
    if (!connection.stopAccount) {
      connection.stopAccount = this.router.addAccountListener(connection.principal.scope, (envelope) =>
        this.send(socket, envelope),
      );
    }
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe_account')
  unsubscribeAccount(@ConnectedSocket() socket: Socket) {
    const connection = this.connections.get(socket.id);
    connection?.stopAccount?.();
    if (connection) connection.stopAccount = undefined;
    return { ok: true };
  }

  private async authenticate(socket: Socket): Promise<Error | null> {
    const auth = socket.handshake.auth as { apiKey?: unknown; token?: unknown } | undefined;
    const fromAuth =
      typeof auth?.apiKey === 'string' ? auth.apiKey : typeof auth?.token === 'string' ? auth.token : null;
    const secret = fromAuth?.trim() || extractApiKey(socket.handshake.headers);
    const ip = this.clientAddress(socket);
    if (this.authenticator.failures.retryAfter(ip) > 0)
      return new Error('Too many failed authentications from this address: retry later');
    if (!secret) {
      this.authenticator.failures.failed(ip);
      return new Error('Missing API key: connect with auth {apiKey} or an X-API-Key header');
    }
    const principal = await this.authenticator.authenticate(secret);
    if (!principal) {
      this.authenticator.failures.failed(ip);
      return new Error('Invalid or revoked API key');
    }
    // The account's socket cap, and revocation: deleting the key disconnects this socket at once.
    let untrack: () => void;
    try {
      untrack = this.live.open(principal, 'socket', () => socket.disconnect(true));
    } catch (err) {
      if (err instanceof DomainError) return new Error(err.message);
      throw err;
    }
    socket.once('disconnect', () => untrack());
    (socket.data as { principal?: Principal }).principal = principal;
    return null;
  }

  /** The client's address, through the proxies TRUST_PROXY names (as Express's req.ip on HTTP). */
  private clientAddress(socket: Socket): string {
    if (!this.trustedProxies) return socket.handshake.address || 'unknown';
    return proxyaddr(socket.request, this.trustedProxies) || 'unknown';
  }

  /** Never awaits: socket.io queues per socket, so a slow client only delays itself (until dropped). */
  private send(socket: Socket, envelope: EventEnvelope | AccountEventEnvelope): void {
    const queued =
      ((socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0) +
      this.outbox.queued(socket);
    if (queued > MAX_QUEUED_PACKETS) {
      if (!socket.connected) return;
      this.log.warn(`socket ${socket.id} is not reading its events: disconnected`);
      socket.disconnect(true);
      return;
    }
    this.outbox.push(socket, envelope);
  }

  private refuse(socket: Socket, chatId: string | null, message: string): SubscribeAck {
    this.outbox.flush();
    socket.emit('error', { chat_id: chatId, message });
    return { ok: false, chat_id: chatId, error: message };
  }
}

function parseSubscribe(
  body: unknown,
): { chatId: string; afterSeq: number } | { chatId: string | null; error: string } {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const chatId = typeof raw.chat_id === 'string' ? raw.chat_id : null;
  if (!chatId) return { chatId: null, error: 'chat_id is required' };
  if (!isUuid(chatId)) return { chatId, error: 'Chat not found' };
  const after = raw.after_seq ?? 0;
  const afterSeq = typeof after === 'string' && /^\d+$/.test(after) ? Number(after) : after;
  if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0 || afterSeq > INT4_MAX)
    return { chatId, error: 'after_seq must be a non-negative integer' };
  return { chatId: chatId.toLowerCase(), afterSeq };
}
