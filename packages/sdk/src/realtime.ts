import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ChatChannel, type ChannelReader } from './chat-channel';
import { ConclaveRealtimeError } from './errors';
import { EventStream } from './event-stream';
import type { ChatEvent } from './events';
import { SeqCursor } from './seq-cursor';

export interface RealtimeOptions {
  baseUrl: string;
  apiKey: string;
  /** Passed to socket.io-client's `io()` (e.g. reconnection delays); `auth` and `path` are set here. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export interface SubscribeOptions {
  /** Events after this seq (0, the default: the whole log). Pass the last seq you processed to resume. */
  afterSeq?: number;
  /** Also yield the ephemeral `message.delta` events (`seq: null`) of streaming models. */
  deltas?: boolean;
  /** Aborting ends the iteration at once (the loop exits normally; buffered events are dropped). */
  signal?: AbortSignal;
}

/** `for await (const event of subscription)`: every event after `afterSeq`, exactly once, in seq order. */
export interface ChatSubscription extends AsyncIterableIterator<ChatEvent> {
  readonly chatId: string;
  /** The last seq yielded (or `afterSeq`): where to resume in a later process. */
  readonly lastSeq: number;
  /** Ends the iteration and releases the subscription (as `break` does). */
  close(): void;
}

type Listener = (event: ChatEvent) => void;

/** How long a `subscribe` may wait for its ack before the connection is treated as broken. */
const ACK_TIMEOUT_MS = 30_000;

/**
 * One socket.io connection shared by every subscription of a client (README: real-time). It opens
 * with the first reader and closes with the last. On every (re)connect it subscribes each chat again
 * from the last seq its slowest reader has, so a dropped connection, a restarted server or a
 * different API instance behind the URL costs nothing: the server replays what was missed, and
 * what is replayed twice is dropped by seq.
 */
export class RealtimeConnection {
  private current: Socket | null = null;
  private readonly channels = new Map<string, ChatChannel>();

  constructor(private readonly options: RealtimeOptions) {}

  /** The live socket.io socket, if a subscription is open (e.g. to watch `connect`/`disconnect`). */
  get socket(): Socket | null {
    return this.current;
  }

  /** An async iterator over the chat's events after `afterSeq`: replayed, then live, resumed across reconnects. */
  subscribe(chatId: string, options: SubscribeOptions = {}): ChatSubscription {
    const cursor = new SeqCursor(options.afterSeq ?? 0);
    const abort = () => void subscription.return();
    const subscription = new Subscription(chatId, cursor, () => {
      options.signal?.removeEventListener('abort', abort);
      this.removeReader(chatId, reader);
    });
    const reader: ChannelReader = {
      cursor,
      deltas: options.deltas ?? false,
      onEvent: (event) => subscription.push(event),
      onError: (error) => subscription.fail(error),
    };
    if (options.signal?.aborted) {
      subscription.end();
    } else {
      options.signal?.addEventListener('abort', abort, { once: true });
      this.addReader(chatId, reader);
    }
    return subscription;
  }

  /**
   * Callback form of {@link subscribe} (UIs): `listener` gets every event after `afterSeq`, deltas
   * included; `onError` a refused subscription. Returns the unsubscribe function.
   */
  onChat(
    chatId: string,
    listener: Listener,
    options: { afterSeq?: number; onError?: (error: Error) => void } = {},
  ): () => void {
    const reader: ChannelReader = {
      cursor: new SeqCursor(options.afterSeq ?? 0),
      deltas: true,
      onEvent: listener,
      onError: options.onError ?? (() => undefined),
    };
    this.addReader(chatId, reader);
    return () => this.removeReader(chatId, reader);
  }

  /** Closes the socket; open subscriptions end. */
  close(): void {
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.teardown();
    for (const channel of channels)
      for (const reader of channel.readers)
        reader.onError(new ConclaveRealtimeError('Connection closed', channel.chatId));
  }

  private addReader(chatId: string, reader: ChannelReader): void {
    const key = chatId.toLowerCase();
    let channel = this.channels.get(key);
    if (!channel) {
      channel = new ChatChannel(key);
      this.channels.set(key, channel);
    }
    const socket = this.open();
    const afterSeq = channel.join(reader);
    if (afterSeq !== null && socket.connected) this.sendSubscribe(socket, channel, afterSeq);
  }

  private removeReader(chatId: string, reader: ChannelReader): void {
    const key = chatId.toLowerCase();
    const channel = this.channels.get(key);
    if (!channel || !channel.readers.has(reader)) return;
    if (channel.leave(reader)) {
      this.channels.delete(key);
      if (this.current?.connected) this.current.emit('unsubscribe', { chat_id: key });
    }
    this.closeIfIdle();
  }

  private open(): Socket {
    if (this.current) return this.current;
    const socket = openSocket(this.options);
    this.current = socket;
    socket.on('connect', () => {
      for (const channel of this.channels.values()) {
        const afterSeq = channel.reconnected();
        if (afterSeq !== null) this.sendSubscribe(socket, channel, afterSeq);
      }
    });
    socket.on('disconnect', () => {
      for (const channel of this.channels.values()) channel.disconnected();
    });
    onRefused(socket, (error) => this.failAll(error));
    socket.on('event', (event: ChatEvent) => {
      if (event.chat_id) this.channels.get(event.chat_id)?.deliver(event);
    });
    socket.on('error', (e: { chat_id: string | null; message: string }) => {
      // A failed replay on the server: the stream is gone, subscribe again from where we are.
      const channel = e?.chat_id ? this.channels.get(e.chat_id) : undefined;
      if (!channel || !/subscribe again/i.test(e.message)) return;
      const afterSeq = channel.streamFailed();
      if (afterSeq !== null && socket.connected) this.sendSubscribe(socket, channel, afterSeq);
    });
    return socket;
  }

  private sendSubscribe(socket: Socket, channel: ChatChannel, afterSeq: number): void {
    const generation = channel.currentGeneration;
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('subscribe', { chat_id: channel.chatId, after_seq: afterSeq })
      .then(
        (ack: { ok: boolean; error?: string }) => {
          if (ack.ok || !channel.isCurrent(generation) || this.channels.get(channel.chatId) !== channel)
            return;
          if (!socket.connected) return; // refused because we dropped: the reconnect subscribes again
          this.channels.delete(channel.chatId);
          channel.fail(new ConclaveRealtimeError(ack.error ?? 'Subscription refused', channel.chatId));
          this.closeIfIdle();
        },
        () => {
          // No ack in time: the connection is broken without socket.io noticing; reconnecting resubscribes.
          if (channel.isCurrent(generation) && socket.connected) socket.disconnect().connect();
        },
      );
  }

  private failAll(error: ConclaveRealtimeError): void {
    const channels = [...this.channels.values()];
    this.channels.clear();
    this.teardown();
    for (const channel of channels) channel.fail(new ConclaveRealtimeError(error.message, channel.chatId));
  }

  private closeIfIdle(): void {
    if (this.channels.size === 0) this.teardown();
  }

  private teardown(): void {
    const socket = this.current;
    this.current = null;
    if (!socket) return;
    socket.removeAllListeners();
    socket.close();
  }
}

class Subscription extends EventStream<ChatEvent> implements ChatSubscription {
  // The cursor moves when an event arrives (to drop replays); events may wait in the buffer, so
  // the resume point is what the caller has actually been given.
  private yielded: number;

  constructor(
    readonly chatId: string,
    cursor: SeqCursor,
    onClose: () => void,
  ) {
    super(onClose);
    this.yielded = cursor.lastSeq;
  }

  get lastSeq(): number {
    return this.yielded;
  }

  override async next(): Promise<IteratorResult<ChatEvent>> {
    const result = await super.next();
    if (!result.done && result.value.seq !== null) this.yielded = result.value.seq;
    return result;
  }

  close(): void {
    void this.return();
  }
}

/**
 * The account-wide feed (`subscribe_account`: status, claim and overdue events of all the key's
 * chats, live only) on a socket of its own: its events carry the same seqs as the chat streams but
 * arrive out of their order, so they must never reach a chat's readers.
 */
export class AccountFeed {
  private current: Socket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();

  constructor(private readonly options: RealtimeOptions) {}

  get socket(): Socket | null {
    return this.current;
  }

  /** Live events; after a reconnect `onReconnect` says what may have been missed (re-list). */
  on(listener: Listener, onError?: (error: Error) => void): () => void {
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    this.open();
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Called after each reconnect (not the first connect). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  close(): void {
    const socket = this.current;
    this.current = null;
    socket?.removeAllListeners();
    socket?.close();
  }

  private open(): void {
    if (this.current) return;
    const socket = openSocket(this.options);
    this.current = socket;
    let connectedBefore = false;
    socket.on('connect', () => {
      socket.emit('subscribe_account');
      if (connectedBefore) for (const listener of this.reconnectListeners) listener();
      connectedBefore = true;
    });
    onRefused(socket, (error) => {
      this.close();
      for (const listener of this.errorListeners) listener(error);
    });
    socket.on('event', (event: ChatEvent) => {
      for (const listener of this.listeners) listener(event);
    });
  }
}

function openSocket(options: RealtimeOptions): Socket {
  const socket = io(origin(options.baseUrl), {
    transports: ['websocket'],
    forceNew: true,
    ...options.socket,
    path: socketPath(options.baseUrl),
    auth: { apiKey: options.apiKey },
  });
  socket.on('disconnect', (reason) => {
    // A server-side disconnect (an admin action, a client too slow to read) is not retried by
    // socket.io on its own; a revoked key then fails the handshake, which ends the readers.
    if (reason === 'io server disconnect') socket.connect();
  });
  return socket;
}

/** `active` false after a connect_error: the server refused the handshake (bad key, connection cap), no retry follows. */
function onRefused(socket: Socket, refused: (error: ConclaveRealtimeError) => void): void {
  socket.on('connect_error', (err: Error) => {
    if (!socket.active) refused(new ConclaveRealtimeError(err.message));
  });
}

/** socket.io takes the origin; a base URL with a path (behind a proxy prefix) moves the socket path. */
function origin(baseUrl: string): string | undefined {
  return baseUrl ? new URL(baseUrl).origin : undefined;
}

function socketPath(baseUrl: string): string {
  const prefix = baseUrl ? new URL(baseUrl).pathname.replace(/\/+$/, '') : '';
  return `${prefix}/socket.io`;
}
