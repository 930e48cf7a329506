import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { conflict, DomainError, type InputRequest, isUuid, notFound } from '@conclave/domain';
import type { Principal } from '@conclave/auth';
import {
  ChatsRepository,
  ClaimsRepository,
  decodeChatCursor,
  type ChatOrder,
  type ClaimHolder,
  FlowsRepository,
  ForksRepository,
  RunsRepository,
  type ChatRow,
  type EventRow,
  type PendingAnswer,
  type RunInput,
} from '@conclave/persistence';
import { type EventBus, toEnvelope } from '@conclave/realtime';
import { RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';
import { randomInt } from 'node:crypto';
import { EVENT_BUS } from '../core.module';
import { ChatWaiter } from './chat-waiter';
import { MessageAdmission } from './message-admission';
import { toChatDto, toMessageDto, toRunDto } from './chat.mapper';
import type { CreateChatBody, ForkBody } from './dto/chat.dto';

export type Multitask = 'reject' | 'enqueue' | 'interrupt';

/** The `/input` body each kind of input request takes. */
const INPUT_BODY_HINT: Record<InputRequest['kind'], string> = {
  text: '{"message": "..."} ("" lets the agent auto-reply, "exit" ends the chat)',
  speaker: '{"message": "<agent name>"} naming the next speaker (one of input_request.options)',
  tool_outputs: '{"tool_outputs": [{"tool_call_id": "...", "output": "..."}]}',
};

/** The chat use cases behind every API family (native/Agentok, Aksita, Asyntai). */
@Injectable()
export class ChatsService {
  private readonly log = new Logger('Runs');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(RUN_DISPATCHER) private readonly dispatcher: RunDispatcher,
    private readonly chats: ChatsRepository,
    private readonly claims: ClaimsRepository,
    private readonly flows: FlowsRepository,
    private readonly runs: RunsRepository,
    private readonly forks: ForksRepository,
    private readonly waiter: ChatWaiter,
    private readonly admission: MessageAdmission,
  ) {}

  async create(
    principal: Principal,
    body: CreateChatBody,
    extra: { agentId?: string | null; externalId?: string | null } = {},
  ): Promise<ChatRow> {
    if (!isUuid(body.flowId)) throw notFound('Flow');
    const flow = await this.flows.get(principal.scope, body.flowId, body.flowVersion);
    if (!flow || (flow.archived_at && body.flowVersion === undefined)) throw notFound('Flow');
    const { chat, events } = await this.chats.create(principal.scope, {
      name: body.name,
      fromType: body.fromType,
      flowId: flow.id,
      flowVersion: flow.version,
      metadata: body.metadata,
      agentId: extra.agentId,
      externalId: extra.externalId,
    });
    this.publish(principal.accountId, chat.id, events);
    return chat;
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
    await this.cancel(principal, chatId).catch((err) => {
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
    });
    if (!(await this.chats.delete(principal.scope, chatId))) throw notFound('Chat');
  }

  /** A user message: starts a run (docs/architecture.md, chat status); 409 while one is active unless multitask says otherwise. */
  async sendMessage(
    principal: Principal,
    chatId: string,
    input: RunInput,
    options: { wait: boolean; multitask?: Multitask },
  ) {
    if (options.multitask === 'interrupt') await this.cancelAndSettle(principal, chatId);
    await this.admission.admit(principal.accountId); // 402 no credits / 429 plan limit
    const seed = randomInt(2 ** 31 - 1);
    // enqueue: a busy chat gets a `pending` run that starts when the active one ends (RunsRepository.finishRun).
    const result =
      options.multitask === 'enqueue'
        ? await this.runs.enqueue(principal.scope, chatId, input, seed)
        : await this.runs.start(principal.scope, chatId, input, seed);
    if (!result.ok) {
      await this.admission.release(principal.accountId);
      if (result.reason === 'not_found') throw notFound('Chat');
      throw await this.busyConflict(principal, chatId, result.activeRunId);
    }
    if ('started' in result && !result.started)
      return this.respond(principal, chatId, result.run.id, result.chat.message_count, false);
    this.publish(principal.accountId, chatId, result.events);
    await this.dispatcher.dispatch(result.run.id, result.run);
    return this.respond(principal, chatId, result.run.id, result.chat.message_count, options.wait);
  }

  /**
   * The 409 for a message to a busy chat says what to do instead: a chat waiting for input is
   * answered through `/input` (with the body its request kind needs); a running one can take the
   * message after the run (`multitask=enqueue`) or instead of it (`multitask=interrupt`).
   */
  private async busyConflict(principal: Principal, chatId: string, activeRunId: string | null) {
    const chat = await this.chats.get(principal.scope, chatId);
    const request = chat?.status === 'wait_for_human_input' ? chat.input_request : null;
    if (!request) {
      return conflict(
        `Chat is ${chat?.status ?? 'running'}: a run is already active; retry when it ends, or send ` +
          'with ?multitask=enqueue (after it) or ?multitask=interrupt (cancel it and start yours)',
        { active_run_id: activeRunId },
      );
    }
    const path = `/chats/${chatId}/input`;
    return conflict(
      `Chat is waiting for human input (request kind "${request.kind}"): answer it with POST ${path} ` +
        `${INPUT_BODY_HINT[request.kind]}, not /messages`,
      { active_run_id: activeRunId, input_request: request, next: { method: 'POST', path } },
    );
  }

  /**
   * Answers the pending input request. `asOperator` (the native `/input` route): another operator's
   * live claim refuses it with 409 naming the holder, and the holder's own answer renews the claim.
   */
  async answerInput(
    principal: Principal,
    chatId: string,
    answer: PendingAnswer,
    options: { wait: boolean; asOperator?: boolean },
  ) {
    await this.admission.admit(principal.accountId);
    const operator = options.asOperator
      ? { keyId: principal.keyId, claimIdleMs: this.config.claimIdleMs }
      : undefined;
    const result = await this.runs.answer(principal.scope, chatId, answer, operator);
    if (!result.ok) {
      await this.admission.release(principal.accountId);
      if (result.reason === 'not_found') throw notFound('Chat');
      if (result.reason === 'claimed') throw claimedBy(result.holder);
      if (result.reason === 'wrong_kind')
        throw new DomainError(
          'invalid',
          result.expected === 'tool_outputs'
            ? 'The pending input request expects tool_outputs'
            : 'The pending input request expects a message',
        );
      throw conflict(`Chat is ${result.status}, not waiting for human input`);
    }
    this.publish(principal.accountId, chatId, result.events);
    await this.dispatcher.dispatch(result.run.id, result.run);
    return this.respond(principal, chatId, result.run.id, result.chat.message_count, options.wait);
  }

  /**
   * Stops the active run and keeps what it produced. An idle run (queued, waiting, or whose holder
   * died) ends here; a run executing elsewhere gets the signal through the bus and the DB flag.
   */
  async cancel(principal: Principal, chatId: string): Promise<{ chat: ChatRow; cancelled: boolean }> {
    const { found, run } = await this.runs.requestCancel(principal.scope, chatId);
    if (!found) throw notFound('Chat');
    if (!run) return { chat: await this.get(principal, chatId), cancelled: false };
    const idle = run.status !== 'running' || !run.lease_until || run.lease_until.getTime() < Date.now();
    if (idle) {
      const events = await this.runs.finish({
        runId: run.id,
        end: { status: 'cancelled', reason: 'cancelled' },
      });
      if (events) {
        this.publish(principal.accountId, chatId, events);
        // the executor logs the runs it ends; this one ended here (see logRunEnd)
        this.log.log(
          {
            msg: 'run ended',
            run_id: run.id,
            chat_id: chatId,
            account_id: principal.accountId,
            status: 'cancelled',
            termination_reason: 'cancelled',
          },
          'Runs',
        );
      }
    } else {
      this.bus.publish({ kind: 'cancel', runId: run.id });
    }
    return { chat: await this.get(principal, chatId), cancelled: true };
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
    await this.admission.admit(principal.accountId);
    const result = await this.forks.fork(principal.scope, {
      chatId,
      atSeq: body.at_seq,
      name: body.name,
    });
    if (!result.ok) {
      await this.admission.release(principal.accountId);
      if (result.reason === 'not_found') throw notFound('Chat');
      throw new DomainError('invalid', result.message);
    }
    this.publish(principal.accountId, result.chat.id, result.events);
    await this.dispatcher.dispatch(result.run.id, result.run);
    if (wait) await this.waiter.untilSettled(principal.scope, result.chat.id, this.config.waitTimeoutMs);
    return this.get(principal, result.chat.id);
  }

  private async cancelAndSettle(principal: Principal, chatId: string): Promise<void> {
    const { cancelled } = await this.cancel(principal, chatId);
    if (cancelled) await this.waiter.untilIdle(principal.scope, chatId, this.config.waitTimeoutMs);
  }

  private async respond(
    principal: Principal,
    chatId: string,
    runId: string,
    messagesBefore: number,
    wait: boolean,
  ) {
    if (wait) await this.waiter.untilSettled(principal.scope, chatId, this.config.waitTimeoutMs);
    const chat = await this.get(principal, chatId);
    const run = await this.runs.getInScope(principal.scope, runId);
    const body: Record<string, unknown> = { chat: toChatDto(chat), run: run ? toRunDto(run) : null };
    if (wait)
      body.messages = (await this.chats.messages(principal.scope, chatId, { after: messagesBefore })).map(
        toMessageDto,
      );
    return body;
  }

  publish(accountId: string, chatId: string, events: EventRow[]): void {
    if (events.length)
      this.bus.publish({ kind: 'events', accountId, chatId, events: events.map(toEnvelope) });
  }
}

/** 409 naming the operator who holds the chat, and until when (their claim renews while they act). */
function claimedBy(holder: ClaimHolder): DomainError {
  return conflict(
    `Chat is claimed by ${holder.operator} until ${holder.expires_at}; ask them to release it, or wait`,
    { claimed_by: holder },
  );
}
