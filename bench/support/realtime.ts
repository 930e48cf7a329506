import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope as Envelope } from '../../libs/realtime/src/envelope';

export type { EventEnvelope as Envelope } from '../../libs/realtime/src/envelope';

/**
 * A socket.io client over websocket (no long-polling, no reconnection: a bench must see drops), `auth`
 * as given; resolves once connected. `onEvent` gets each `event` with its arrival time (Date.now()).
 */
export async function connectSocket(
  url: string,
  auth: Record<string, string>,
  onEvent: (event: Envelope, receivedAt: number) => void,
): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  socket.on('event', (e: Envelope) => onEvent(e, Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** Subscribes to a Conclave chat's events after `afterSeq`; throws when refused. */
export async function subscribeChat(socket: Socket, chatId: string, afterSeq = 0): Promise<number> {
  const ack = await socket.timeout(30_000).emitWithAck('subscribe', { chat_id: chatId, after_seq: afterSeq });
  if (!ack?.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  return ack.last_seq as number;
}

/** Events as they arrive, and a way to wait for the next one matching a predicate. */
export class EventInbox {
  private waiters: { match: (e: Envelope) => boolean; resolve: (r: [Envelope, number]) => void }[] = [];

  readonly onEvent = (event: Envelope, receivedAt: number): void => {
    const waiting = this.waiters.filter((w) => w.match(event));
    this.waiters = this.waiters.filter((w) => !waiting.includes(w));
    for (const w of waiting) w.resolve([event, receivedAt]);
  };

  /** The next event (from now) that matches, with its arrival time; rejects after `timeoutMs`. */
  next(match: (e: Envelope) => boolean, timeoutMs = 30_000): Promise<[Envelope, number]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }
}
