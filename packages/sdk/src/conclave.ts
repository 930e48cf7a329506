import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { Chats } from './chats';
import { ConclaveTimeoutError } from './errors';
import { createApiClient, type ApiClient } from './http';
import { AccountFeed, RealtimeConnection, type ChatSubscription, type SubscribeOptions } from './realtime';
import { accountOf, Agents, ApiKeys, Flows } from './resources';
import type { Account, Chat, ChatStatus, InputRequest } from './types';

export interface ConclaveOptions {
  /** The API's address, e.g. `http://localhost:3000`; `''` in a browser page served by the API. */
  baseUrl: string;
  /** An API key (`ck_...`). */
  apiKey: string;
  /** A fetch of your own (proxies, tests); it receives a `Request`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every REST request. */
  headers?: Record<string, string>;
  /** socket.io-client options for subscriptions (e.g. `reconnectionDelayMax`). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export interface WaitOptions {
  /** Milliseconds before a `ConclaveTimeoutError` (default 10 minutes). */
  timeout?: number;
  signal?: AbortSignal;
}

/** A chat waiting for a person, with what it asks. */
export type WaitingChat = Chat & { status: 'wait_for_human_input'; input_request: InputRequest };

const DEFAULT_WAIT_MS = 10 * 60_000;

/**
 * The Conclave API from TypeScript: typed REST helpers (`chats`, `flows`, `agents`, `apiKeys`), the
 * generated client for any route (`api`), and chat events over socket.io that resume by seq.
 *
 * ```ts
 * const conclave = new Conclave({ baseUrl: 'http://localhost:3000', apiKey: process.env.CONCLAVE_KEY! });
 * const chat = await conclave.chats.create({ flowId });
 * await conclave.chats.send(chat.id, 'Hello!');
 * for await (const event of conclave.subscribe(chat.id)) console.log(event.seq, event.type);
 * ```
 */
export class Conclave {
  /** openapi-fetch client typed by the OpenAPI document: `conclave.api.GET('/chats/{id}', ...)`. */
  readonly api: ApiClient;
  readonly chats: Chats;
  readonly flows: Flows;
  readonly agents: Agents;
  readonly apiKeys: ApiKeys;
  /** The socket.io connection behind `subscribe` (opened with the first subscription, closed with the last). */
  readonly realtime: RealtimeConnection;
  /** The account-wide live feed (status, claims, overdue questions of every chat): an operator's inbox. */
  readonly accountEvents: AccountFeed;

  constructor(options: ConclaveOptions) {
    this.api = createApiClient(options);
    this.chats = new Chats(this.api);
    this.flows = new Flows(this.api);
    this.agents = new Agents(this.api);
    this.apiKeys = new ApiKeys(this.api);
    const realtime = { baseUrl: options.baseUrl, apiKey: options.apiKey, socket: options.socket };
    this.realtime = new RealtimeConnection(realtime);
    this.accountEvents = new AccountFeed(realtime);
  }

  account(): Promise<Account> {
    return accountOf(this.api);
  }

  /**
   * Every event of the chat after `afterSeq` (replayed from the log, then live), each seq exactly
   * once and in order, across reconnects and server restarts. `break`, `close()` or the signal end it.
   */
  subscribe(chatId: string, options: SubscribeOptions = {}): ChatSubscription {
    return this.realtime.subscribe(chatId, options);
  }

  /**
   * Resolves with the chat once its status is `status` (one of them, or one `predicate` accepts),
   * at once if it already is. Listens to the chat's events from its current seq, so no change in
   * between is missed; a status left again before it is read keeps the wait going.
   */
  async waitForStatus(
    chatId: string,
    status: ChatStatus | ChatStatus[] | ((status: ChatStatus) => boolean),
    options: WaitOptions = {},
  ): Promise<Chat> {
    const reached =
      typeof status === 'function'
        ? status
        : (s: ChatStatus) => ([] as ChatStatus[]).concat(status).includes(s);
    const stop = new AbortController();
    const timeout = options.timeout ?? DEFAULT_WAIT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort();
    }, timeout);
    const abort = () => stop.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      let chat = await this.chats.get(chatId);
      if (reached(chat.status)) return chat;
      const events = this.subscribe(chatId, { afterSeq: chat.last_seq, signal: stop.signal });
      for await (const event of events) {
        if (event.type !== 'chat.status' || !reached(event.data.status as ChatStatus)) continue;
        chat = await this.chats.get(chatId);
        if (reached(chat.status)) return chat;
      }
      if (timedOut)
        throw new ConclaveTimeoutError(`chat ${chatId} did not reach the awaited status in ${timeout} ms`);
      throw options.signal?.reason ?? new Error('aborted');
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      stop.abort();
    }
  }

  /** Resolves once the chat waits for a person, with its `input_request`; answer it with `chats.answer`. */
  async waitForInput(chatId: string, options: WaitOptions = {}): Promise<WaitingChat> {
    return (await this.waitForStatus(chatId, 'wait_for_human_input', options)) as WaitingChat;
  }

  /** Closes the sockets (open subscriptions end). REST calls keep working. */
  close(): void {
    this.realtime.close();
    this.accountEvents.close();
  }
}
