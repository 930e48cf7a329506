import { EventEmitter } from 'node:events';
import type { AccountEventEnvelope, EventEnvelope } from './envelope';

/**
 * Fan-out of committed events (and control signals) to whoever serves subscribers: the socket.io
 * gateway, SSE streams, `?wait=true` waiters, and run executors listening for cancel. Published
 * after commit; the event log in Postgres stays the source of truth, the bus only wakes people up.
 */
export type BusMessage =
  | { kind: 'events'; accountId: string; chatId: string; events: EventEnvelope[] }
  | { kind: 'cancel'; runId: string }
  /** A streaming model's text delta (`message.delta`, seq null): forwarded to live subscribers, never stored. */
  | { kind: 'delta'; accountId: string; chatId: string; envelope: EventEnvelope }
  /** An account-level event (knowledge indexing progress) for the account's live subscribers. */
  | { kind: 'account'; accountId: string; envelope: AccountEventEnvelope }
  /** API keys just revoked: every API instance closes their live sockets and SSE streams at once. */
  | { kind: 'revoked'; keyIds: string[] };

export interface EventBus {
  publish(message: BusMessage): void;
  subscribe(listener: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

/** Embedded mode: one process, an EventEmitter. */
export class InProcessEventBus implements EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(message: BusMessage): void {
    this.emitter.emit('message', message);
  }

  subscribe(listener: (message: BusMessage) => void): () => void {
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
