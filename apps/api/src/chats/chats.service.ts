import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, isUuid, notFound } from '@conclave/domain';
import type { Principal } from '@conclave/auth';
import {
  ChatsRepository,
  ClaimsRepository,
  decodeChatCursor,
  type ChatOrder,
  ForksRepository,
  type ChatRow,
  type EventRow,
} from '@conclave/persistence';
import { RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';
import { ChatAnnouncer } from './chat-announcer';
import { ChatWaiter } from './chat-waiter';
import { MessageAdmission } from './message-admission';
import { toChatDto, toMessageDto } from './chat.mapper';
import { claimedBy, refusalError } from './refusals';
import { CancelRun } from './use-cases/cancel-run';
import { limitRefusal } from './use-cases/ports';
import type { CreateChatBody, ForkBody } from './dto/chat.dto';

/**
 * Chats with a single entry point (create, list, read, delete, claims, fork). The operations several
 * API families share — start a run, answer input, cancel, converse — are the use cases in use-cases/.
 */
@Injectable()
export class ChatsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUN_DISPATCHER) private readonly dispatcher: RunDispatcher,
    private readonly chats: ChatsRepository,
    private readonly claims: ClaimsRepository,
    private readonly forks: ForksRepository,
    private readonly waiter: ChatWaiter,
    private readonly admission: MessageAdmission,
    private readonly announce: ChatAnnouncer,
    private readonly cancelRun: CancelRun,
  ) {}

  async create(
    principal: Principal,
    body: CreateChatBody,
    extra: { agentId?: string | null; externalId?: string | null } = {},
  ): Promise<ChatRow> {
    if (!isUuid(body.flowId)) throw notFound('Flow');
    const created = await this.chats.create(principal.scope, {
      name: body.name,
      fromType: body.fromType,
      flowId: body.flowId,
      flowVersion: body.flowVersion,
      metadata: body.metadata,
      agentId: extra.agentId,
      externalId: extra.externalId,
    });
    if (!created) throw notFound('Flow');
    this.publish(principal.accountId, created.chat.id, created.events);
    return created.chat;
  }

  async list(
    principal: Principal,
    query: { status?: string; order?: ChatOrder; name?: string; cursor?: string; limit: number },
  ) {
    const cursor = query.cursor ? decodeChatCursor(query.cursor) : undefined;
    if (cursor === null) throw new DomainError('invalid', 'cursor is not valid');
    const page = await this.chats.list(principal.scope, {
      status: query.status,
      order: query.order,
      nameContains: query.name?.trim() || undefined,
      cursor,
      limit: query.limit,
    });
    return {
      data: page.items.map(toChatDto),
      next_cursor: page.nextCursor,
      has_more: page.nextCursor !== null,
    };
  }

  async get(principal: Principal, chatId: string): Promise<ChatRow> {
    const chat = await this.chats.get(principal.scope, chatId);
    if (!chat) throw notFound('Chat');
    return chat;
  }

  /** Stops any active run (keeping its output), then deletes the chat with its transcript. */
  async delete(principal: Principal, chatId: string): Promise<void> {
    await this.cancelRun.execute(principal, chatId);
    if (!(await this.chats.delete(principal.scope, chatId))) throw notFound('Chat');
  }

  /** An operator takes the chat (issue 14): until released or idle for CLAIM_IDLE_MS, only they answer it. */
  async claim(principal: Principal, chatId: string): Promise<ChatRow> {
    const result = await this.claims.claim(principal.scope, chatId, principal.keyId, this.config.claimIdleMs);
    if (!result.ok) throw result.reason === 'not_found' ? notFound('Chat') : claimedBy(result.holder);
    this.publish(principal.accountId, chatId, result.events);
    return result.chat;
  }

  async release(principal: Principal, chatId: string): Promise<ChatRow> {
    const result = await this.claims.release(principal.scope, chatId, principal.keyId);
    if (!result.ok) throw result.reason === 'not_found' ? notFound('Chat') : claimedBy(result.holder);
    this.publish(principal.accountId, chatId, result.events);
    return result.chat;
  }

  async messages(principal: Principal, chatId: string, query: { after: number; limit: number }) {
    await this.get(principal, chatId);
    const rows = await this.chats.messages(principal.scope, chatId, query);
    return rows.map(toMessageDto);
  }

  /**
   * One page of the transcript after a seq. `next_cursor` is the seq to pass as `after` (or
   * `cursor`) for the next page, null on the last one; one extra row tells whether there is more.
   */
  async messagesPage(principal: Principal, chatId: string, query: { after: number; limit: number }) {
    await this.get(principal, chatId);
    const rows = await this.chats.messages(principal.scope, chatId, {
      after: query.after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return {
      data: page.map(toMessageDto),
      has_more: hasMore,
      next_cursor: hasMore ? String(page[page.length - 1].seq) : null,
    };
  }

  /**
   * A new chat with the transcript up to `at_seq` and the engine state as it was there, its run
   * resumed from that state (it asks the same question, calls the same model, or ends as the original
   * did). `wait` returns once that run pauses or ends.
   */
  async fork(principal: Principal, chatId: string, body: ForkBody, wait: boolean): Promise<ChatRow> {
    await this.get(principal, chatId); // 404 for another account's (or another agent's) chat
    const admission = await this.admission.admit(principal.accountId);
    if (!admission.ok) throw refusalError(admission, chatId);
    const result = await this.forks.fork(
      principal.scope,
      { chatId, atSeq: body.at_seq, name: body.name },
      admission.allowance,
    );
    if (!result.ok) {
      if (result.reason === 'invalid') throw new DomainError('invalid', result.message);
      if (result.reason === 'limit_reached') throw refusalError(limitRefusal(admission), chatId);
      throw notFound('Chat');
    }
    this.publish(principal.accountId, result.chat.id, result.events);
    await this.dispatcher.dispatch(result.run.id, result.run);
    if (wait) await this.waiter.untilSettled(principal.scope, result.chat.id, this.config.waitTimeoutMs);
    return this.get(principal, result.chat.id);
  }

  private publish(accountId: string, chatId: string, events: EventRow[]): void {
    this.announce.events(accountId, chatId, events);
  }
}
