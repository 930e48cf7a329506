import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope } from './types';

type Listener = (event: EventEnvelope) => void;

/**
 * One socket.io connection per signed-in console: the account-wide feed (`subscribe_account`: status,
 * claims, overdue questions) for the inbox, and per-chat subscriptions that replay from the last seq
 * seen, so a reconnect loses nothing and repeats nothing.
 */
export class Realtime {
  readonly socket: Socket;
  private readonly accountListeners = new Set<Listener>();
  private readonly chats = new Map<string, { lastSeq: number; listeners: Set<Listener> }>();
  private readonly reconnectListeners = new Set<() => void>();

  constructor(key: string, url = '') {
    this.socket = io(url || undefined, { auth: { apiKey: key }, transports: ['websocket'] });
    this.socket.on('connect', () => {
      if (this.accountListeners.size) this.socket.emit('subscribe_account');
      for (const [chatId, sub] of this.chats) this.emitSubscribe(chatId, sub.lastSeq);
      for (const listener of this.reconnectListeners) listener();
    });
    this.socket.on('event', (event: EventEnvelope) => {
      if (event.type !== 'message.delta') for (const l of this.accountListeners) l(event);
      const sub = this.chats.get(event.chat_id);
      if (!sub) return;
      if (event.seq !== null) {
        if (event.seq <= sub.lastSeq) return; // already delivered (account feed and chat feed overlap)
        sub.lastSeq = event.seq;
      }
      for (const l of sub.listeners) l(event);
    });
  }

  /** Account-wide events (live only): after a reconnect `onReconnect` tells the caller to re-list. */
  onAccount(listener: Listener): () => void {
    if (this.accountListeners.size === 0 && this.socket.connected) this.socket.emit('subscribe_account');
    this.accountListeners.add(listener);
    return () => {
      this.accountListeners.delete(listener);
      if (this.accountListeners.size === 0 && this.socket.connected) this.socket.emit('unsubscribe_account');
    };
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Every event of the chat from `afterSeq` on (replayed, then live), deltas included. */
  onChat(chatId: string, listener: Listener, afterSeq = 0): () => void {
    let sub = this.chats.get(chatId);
    if (!sub) {
      sub = { lastSeq: afterSeq, listeners: new Set() };
      this.chats.set(chatId, sub);
      if (this.socket.connected) this.emitSubscribe(chatId, afterSeq);
    }
    sub.listeners.add(listener);
    return () => {
      sub.listeners.delete(listener);
      if (sub.listeners.size) return;
      this.chats.delete(chatId);
      if (this.socket.connected) this.socket.emit('unsubscribe', { chat_id: chatId });
    };
  }

  close(): void {
    this.socket.close();
  }

  private emitSubscribe(chatId: string, afterSeq: number): void {
    this.socket.emit('subscribe', { chat_id: chatId, after_seq: afterSeq });
  }
}
