import { Inject, Injectable } from '@nestjs/common';
import type { KnowledgeServices } from '@conclave/knowledge';
import { KNOWLEDGE } from '../core.module';
import type { Principal } from '@conclave/auth';
import { DomainError, invalid, isUuid, notFound } from '@conclave/domain';
import { AgentsRepository, FlowsRepository, type AgentRow } from '@conclave/persistence';
import type { CreateAgentBody, UpdateAgentBody } from './dto/agent.dto';

/**
 * Agents (chatbots; Asyntai: websites): a published flow an end user talks to. Every call is scoped
 * by the caller's account, and a key scoped to one agent sees and changes only that agent.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly flows: FlowsRepository,
    @Inject(KNOWLEDGE) private readonly knowledge: KnowledgeServices,
  ) {}

  async create(p: Principal, body: CreateAgentBody): Promise<AgentRow> {
    if (p.agentId) throw new DomainError('forbidden', 'A key scoped to one agent cannot create agents');
    await this.assertFlow(p, body.flow_id);
    const knowledgeBase = await this.knowledgeBase(p, body.knowledge_base_id);
    return this.agents.create(p.accountId, {
      knowledgeBase,
      name: body.name,
      flowId: body.flow_id.toLowerCase(),
      domain: body.domain ?? null,
      enabled: body.enabled,
      isPrimary: body.is_primary,
    });
  }

  async list(p: Principal): Promise<AgentRow[]> {
    const all = await this.agents.list(p.accountId);
    return p.agentId ? all.filter((a) => a.id === p.agentId) : all;
  }

  async get(p: Principal, id: string): Promise<AgentRow> {
    const agent = p.agentId && p.agentId !== id ? null : await this.agents.get(p.accountId, id);
    if (!agent) throw notFound('Agent');
    return agent;
  }

  async update(p: Principal, id: string, body: UpdateAgentBody): Promise<AgentRow> {
    const current = await this.get(p, id);
    if (body.flow_id !== undefined) await this.assertFlow(p, body.flow_id);
    const knowledgeBase = await this.knowledgeBase(p, body.knowledge_base_id);
    if (body.is_primary === false && current.is_primary)
      throw invalid('An account always has one primary agent: make another agent primary instead');
    const updated = await this.agents.update(p.accountId, id, {
      name: body.name,
      flowId: body.flow_id?.toLowerCase(),
      domain: body.domain,
      enabled: body.enabled,
      isPrimary: body.is_primary,
      knowledgeBase,
    });
    if (!updated) throw notFound('Agent');
    return updated;
  }

  async delete(p: Principal, id: string): Promise<void> {
    await this.get(p, id);
    if (!(await this.agents.delete(p.accountId, id))) throw notFound('Agent');
  }

  /** A default knowledge base must be one of the account's (by id); null clears it. */
  private async knowledgeBase(
    p: Principal,
    id: string | null | undefined,
  ): Promise<string | null | undefined> {
    if (id === undefined || id === null) return id;
    const base = isUuid(id) ? await this.knowledge.repository.getBase(p.accountId, id.toLowerCase()) : null;
    if (!base) throw notFound('Knowledge base');
    return base.id;
  }

  /** The flow must be the account's and not archived. */
  private async assertFlow(p: Principal, flowId: string): Promise<void> {
    const flow = isUuid(flowId) ? await this.flows.get(p.accountId, flowId.toLowerCase()) : null;
    if (!flow || flow.archived_at) throw notFound('Flow');
  }
}
