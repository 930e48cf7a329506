import { Injectable } from '@nestjs/common';
import { DomainError, isUuid } from '@conclave/domain';
import type { Principal } from '@conclave/auth';
import {
  AgentsRepository,
  ChatsRepository,
  FlowsRepository,
  isUniqueViolation,
  type AgentRow,
  type ChatRow,
} from '@conclave/persistence';
import { randomUUID } from 'node:crypto';
import { ChatsService } from './chats.service';
import { displayText } from './use-cases/converse';

/**
 * The conversations of the chatbot APIs (docs/compatibility.md): a conversation is one chat bound to
 * an agent, opened or found here; its messages go through the Converse use case (use-cases/converse.ts).
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly chatsService: ChatsService,
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsRepository,
    private readonly flows: FlowsRepository,
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

  /**
   * How the chatbot APIs show a message of this chat to its end user: without the termination
   * markers of its sender and receiver (the native transcript keeps them).
   */
  async displayText(
    p: Principal,
    chat: ChatRow,
  ): Promise<(m: { sender?: unknown; receiver?: unknown; content?: unknown }) => string> {
    return displayText(this.flows, p, chat);
  }
}
