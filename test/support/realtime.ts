import { io, type Socket } from 'socket.io-client';

/** What the API pushes on socket.io `event` and SSE `data:` (README: real-time). */
export interface Envelope {
  chat_id: string;
  seq: number | null;
  type: string;
  data: Record<string, any>;
  created_at: string;
}

export interface RealtimeClient {
  socket: Socket;
  /** Every `event` received, in arrival order. */
  events: Envelope[];
  /** Every `error` event received. */
  errors: { chat_id: string | null; message: string }[];
  subscribe(chatId: string, afterSeq?: number): Promise<any>;
  /** Resolves once `predicate` holds over the events received so far (checked on each arrival). */
  until(predicate: (events: Envelope[]) => boolean, timeoutMs?: number): Promise<Envelope[]>;
  close(): void;
}

/** Connects a socket.io client with the key in `auth.apiKey`; rejects with the connect_error. */
export async function connectRealtime(
  url: string,
  key: string | null,
  options: { headers?: Record<string, string> } = {},
): Promise<RealtimeClient> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: key === null ? {} : { apiKey: key },
    extraHeaders: options.headers,
  });
  const events: Envelope[] = [];
  const errors: { chat_id: string | null; message: string }[] = [];
  const waiters = new Set<() => void>();
  socket.on('event', (e: Envelope) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  socket.on('error', (e: { chat_id: string | null; message: string }) => {
    errors.push(e);
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return {
    socket,
    events,
    errors,
    subscribe: (chatId, afterSeq) =>
      socket.timeout(10_000).emitWithAck('subscribe', { chat_id: chatId, after_seq: afterSeq }),
    until(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(events);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`condition not reached; got ${JSON.stringify(events.map((e) => [e.seq, e.type]))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

export const TERMINAL = ['run.completed', 'run.failed', 'run.cancelled'];

export const persisted = (events: Envelope[]) => events.filter((e) => e.seq !== null);
export const seqsOf = (events: Envelope[]) => persisted(events).map((e) => e.seq as number);
export const hasTerminal = (events: Envelope[]) => events.some((e) => TERMINAL.includes(e.type));

/**
 * Two scripted assistants talking for `turns` turns, each reply after `delayMs`: a run that stays
 * observable for a while and ends on its own (max_turns).
 */
export function pingPongFlow(delayMs: number, turns = 4, options: { stream?: boolean } = {}) {
  return {
    name: 'ping pong',
    agents: [
      {
        name: 'alice',
        type: 'assistant' as const,
        llm: { provider: 'scripted' as const, replies: ['Ping from alice'], delay_ms: delayMs },
      },
      {
        name: 'bob',
        type: 'assistant' as const,
        llm: {
          provider: 'scripted' as const,
          replies: ['Pong from bob, streamed word by word'],
          delay_ms: delayMs,
          stream: options.stream ?? false,
        },
      },
    ],
    chat: { type: 'two_agent' as const, initiator: 'alice', recipient: 'bob', max_turns: turns },
  };
}

/** Reads an SSE response until it ends or `stop` says so; returns the parsed frames. */
export async function readSse(
  response: Response,
  stop: (frames: SseFrame[]) => boolean = () => false,
  timeoutMs = 15_000,
): Promise<{ frames: SseFrame[]; ended: boolean; raw: string }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const frames: SseFrame[] = [];
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      reader.read(),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), remaining))),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') break;
    if (next.done) {
      ended = true;
      break;
    }
    raw += decoder.decode(next.value, { stream: true });
    let index: number;
    while ((index = raw.indexOf('\n\n')) >= 0) {
      const block = raw.slice(0, index);
      raw = raw.slice(index + 2);
      frames.push(parseFrame(block));
    }
    if (stop(frames)) break;
  }
  if (!ended) await reader.cancel().catch(() => undefined);
  return { frames, ended, raw };
}

export interface SseFrame {
  id?: string;
  comment?: string;
  retry?: string;
  data?: Envelope;
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else if (line.startsWith('id: ')) frame.id = line.slice(4);
    else if (line.startsWith('retry: ')) frame.retry = line.slice(7);
    else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
  }
  return frame;
}

export const sseEvents = (frames: SseFrame[]) => frames.filter((f) => f.data).map((f) => f.data as Envelope);
