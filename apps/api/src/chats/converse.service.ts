import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, isUuid } from '@conclave/domain';
import type { Principal } from '@conclave/auth';
import {
  AgentsRepository,
  ChatsRepository,
  FlowsRepository,
  isUniqueViolation,
  UsageRepository,
  type AgentRow,
  type ChatRow,
} from '@conclave/persistence';
import { randomUUID } from 'node:crypto';
import { ChatWaiter } from './chat-waiter';
import { markersFor, withoutMarkers } from './chatbot-text';
import { ChatsService } from './chats.service';

/** What one end-user message produced (both chatbot APIs render it in their own shape). */
export interface Conversed {
  chat: ChatRow;
  /** Id of the stored user message (null when the message ended the chat, e.g. "exit"). */
  messageId: string | null;
  /** Every agent text produced for this message, in order. */
  texts: string[];
  /** Credits debited for this message's agent replies. */
  credits: number;
  remainingCredits: number;
  /** The agents were still working when the bounded wait ended. */
  incomplete: boolean;
}

/** Provider failures end a run with the ModelProviderError message (libs/llm/src/errors.ts). */
const PROVIDER_FAILURE = /provider failed after \d+ attempt/;

/**
 * The chatbot use case shared by the Aksita and Asyntai adapters (docs/compatibility.md): a conversation is
 * one chat bound to an agent; an end user's message is delivered as the pending human input when the
 * chat waits for it, starts a run when the chat is idle, and waits (bounded) when a run is still going.
 * Then it waits for the agents' next pause or end and collects their texts.
 */
@Injectable()
export class ConverseService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chatsService: ChatsService,
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsRepository,
    private readonly flows: FlowsRepository,
    private readonly usage: UsageRepository,
    private readonly waiter: ChatWaiter,
  ) {}

  /**
   * The agent a new conversation talks to: `websiteId` if given, else the key's agent, else the
   * primary. An agent-scoped key can name no other agent (the scope hides it). Disabled → forbidden.
   */
  async resolveAgent(p: Principal, websiteId?: number): Promise<AgentRow> {
    const agent =
      websiteId !== undefined
        ? await this.agents.getByWebsiteId(p.scope, websiteId)
        : await this.agents.defaultFor(p.scope);
    if (!agent) throw new DomainError('not_found', 'Agent not found');
    if (!agent.enabled) throw new DomainError('forbidden', 'Agent is disabled');
    return agent;
  }

  /** A new conversation with the resolved agent; `externalId` names it (Asyntai session_id). */
  async open(p: Principal, options: { websiteId?: number; externalId?: string; name?: string } = {}) {
    const agent = await this.resolveAgent(p, options.websiteId);
    return this.chatsService.create(
      p,
      {
        name: options.name ?? agent.name,
        fromType: 'flow',
        flowId: agent.flow_id,
        flowVersion: undefined,
        metadata: {},
      },
      { agentId: agent.id, externalId: options.externalId ?? null },
    );
  }

  /** An Aksita conversation by id, visible to this key; null when unknown. */
  async find(p: Principal, chatId: string): Promise<ChatRow | null> {
    if (!isUuid(chatId)) return null;
    return this.chats.get(p.scope, chatId.toLowerCase());
  }

  /**
   * An Asyntai session: the caller's id names it; an unknown id creates it (so does a missing one,
   * under a generated id). Concurrent first messages with one new id converge on one chat.
   */
  async session(p: Principal, sessionId: string | undefined, websiteId?: number): Promise<ChatRow> {
    if (sessionId !== undefined) {
      const existing = await this.chats.findByExternalId(p.scope, sessionId);
      if (existing) return existing;
    }
    try {
      return await this.open(p, { websiteId, externalId: sessionId ?? randomUUID() });
    } catch (err) {
      if (!isUniqueViolation(err) || sessionId === undefined) throw err;
      // A concurrent first message created it — or the id names a chat outside this key's scope.
      const raced = await this.chats.findByExternalId(p.scope, sessionId);
      if (!raced) throw new DomainError('not_found', 'Session not found');
      return raced;
    }
  }

  async findSession(p: Principal, sessionId: string): Promise<ChatRow | null> {
    return this.chats.findByExternalId(p.scope, sessionId);
  }

  /** Delivers one end-user message and waits (bounded by WAIT_TIMEOUT_MS) for the agents' replies. */
  async converse(p: Principal, chatId: string, message: string, context?: string): Promise<Conversed> {
    const deadline = Date.now() + this.config.waitTimeoutMs;
    const input = context ? { message, context } : { message };
    for (;;) {
      const chat = await this.chatsService.get(p, chatId);
      await this.assertAgentEnabled(p, chat);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new DomainError('timeout', 'The previous message is still being answered; retry shortly');
      if (chat.status === 'running') {
        await this.waiter.untilSettled(p.scope, chatId, remaining);
        continue;
      }
      const waitingForText =
        chat.status === 'wait_for_human_input' && chat.input_request?.kind !== 'tool_outputs';
      if (chat.status === 'wait_for_human_input' && !waitingForText)
        throw new DomainError('conflict', 'The conversation waits for tool outputs, not a message');
      try {
        const body = waitingForText
          ? await this.chatsService.answerInput(p, chatId, { kind: 'text', ...input }, { wait: true })
          : await this.chatsService.sendMessage(p, chatId, input, { wait: true });
        return await this.collect(p, body as unknown as SentBody);
      } catch (err) {
        // Another message won the race for this chat: look again (still bounded by the deadline).
        if (err instanceof DomainError && err.code === 'conflict') continue;
        throw err;
      }
    }
  }

  /** Agent messages are debited as they are written; this is what this request's replies cost. */
  private async collect(p: Principal, body: SentBody): Promise<Conversed> {
    const messages = body.messages ?? [];
    const user = messages.find((m) => m.type === 'user');
    const chat = await this.chatsService.get(p, body.chat.id);
    const display = await this.displayText(p, chat);
    const texts = messages
      .filter((m) => m.type === 'assistant' && typeof m.content === 'string')
      .map(display)
      .filter((text) => text !== '');
    const run = body.run;
    if (run?.status === 'failed' && texts.length === 0) {
      if (run.last_error && PROVIDER_FAILURE.test(run.last_error))
        throw new DomainError('unavailable', 'The AI service is temporarily unavailable; retry shortly');
      throw new Error(`run ${run.id} failed`);
    }
    if (run?.termination_reason === 'insufficient_credits' && texts.length === 0)
      throw new DomainError('insufficient_credits', 'Insufficient credits');
    const [credits, balance] = await Promise.all([
      this.usage.creditsOf(messages.map((m) => m.id)),
      this.usage.balance(p.accountId),
    ]);
    return {
      chat,
      messageId: user?.id ?? null,
      texts,
      credits,
      remainingCredits: balance ?? 0,
      incomplete: chat.status === 'running',
    };
  }

  /**
   * How the chatbot APIs show a message of this chat to its end user: without the termination
   * markers of its sender and receiver (the native transcript keeps them).
   */
  async displayText(
    p: Principal,
    chat: ChatRow,
  ): Promise<(m: { sender?: unknown; receiver?: unknown; content?: unknown }) => string> {
    const flow = await this.flows.get(p.scope, chat.flow_id, chat.flow_version);
    return (m) =>
      withoutMarkers(
        typeof m.content === 'string' ? m.content : '',
        markersFor(flow?.spec ?? null, String(m.sender), typeof m.receiver === 'string' ? m.receiver : null),
      );
  }

  private async assertAgentEnabled(p: Principal, chat: ChatRow): Promise<void> {
    if (!chat.agent_id) return;
    const agent = await this.agents.get(p.scope, chat.agent_id);
    if (agent && !agent.enabled) throw new DomainError('forbidden', 'Agent is disabled');
  }
}

/** The part of ChatsService's `?wait=true` response this use case reads. */
interface SentBody {
  chat: { id: string };
  run: { id: string; status: string; termination_reason: string | null; last_error: string | null } | null;
  messages?: { id: string; type: string; content: string | null; sender: string; receiver: string | null }[];
}
