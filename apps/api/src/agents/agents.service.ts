import { Inject, Injectable } from '@nestjs/common';
import type { KnowledgeServices } from '@conclave/knowledge';
import { invalid, isUuid, notFound, type AccountScope, type Scope } from '@conclave/domain';
import { KNOWLEDGE } from '../core.module';
import { AccountsRepository, AgentsRepository, FlowsRepository, type AgentRow } from '@conclave/persistence';
import { LiveConnections } from '../realtime/live-connections';
import type { CreateAgentBody, UpdateAgentBody } from './dto/agent.dto';

/**
 * Agents (chatbots; Asyntai: websites): a published flow an end user talks to. Reads take the
 * caller's scope (a key scoped to one agent sees only that agent); changes take the whole account.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly flows: FlowsRepository,
    private readonly accounts: AccountsRepository,
    private readonly live: LiveConnections,
    @Inject(KNOWLEDGE) private readonly knowledge: KnowledgeServices,
  ) {}

  async create(owner: AccountScope, body: CreateAgentBody): Promise<AgentRow> {
    await this.assertFlow(owner, body.flow_id);
    const knowledgeBase = await this.knowledgeBase(owner, body.knowledge_base_id);
    return this.agents.create(owner, {
      knowledgeBase,
      name: body.name,
      flowId: body.flow_id.toLowerCase(),
      domain: body.domain ?? null,
      enabled: body.enabled,
      isPrimary: body.is_primary,
    });
  }

  list(scope: Scope): Promise<AgentRow[]> {
    return this.agents.list(scope);
  }

  async get(scope: Scope, id: string): Promise<AgentRow> {
    const agent = await this.agents.get(scope, id);
    if (!agent) throw notFound('Agent');
    return agent;
  }

  async update(owner: AccountScope, id: string, body: UpdateAgentBody): Promise<AgentRow> {
    const current = await this.get(owner, id);
    if (body.flow_id !== undefined) await this.assertFlow(owner, body.flow_id);
    const knowledgeBase = await this.knowledgeBase(owner, body.knowledge_base_id);
    if (body.is_primary === false && current.is_primary)
      throw invalid('An account always has one primary agent: make another agent primary instead');
    const updated = await this.agents.update(owner, id, {
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

  /** Its scoped keys go with it (foreign key): their live connections are closed like a revocation. */
  async delete(owner: AccountScope, id: string): Promise<void> {
    const keys = (await this.accounts.listKeys(owner)).filter((k) => k.agent_id === id).map((k) => k.id);
    if (!(await this.agents.delete(owner, id))) throw notFound('Agent');
    this.live.revoked(keys);
  }

  /** A default knowledge base must be one of the account's (by id); null clears it. */
  private async knowledgeBase(
    owner: AccountScope,
    id: string | null | undefined,
  ): Promise<string | null | undefined> {
    if (id === undefined || id === null) return id;
    const base = isUuid(id)
      ? await this.knowledge.repository.getBase(owner, id.toLowerCase())
      : null;
    if (!base) throw notFound('Knowledge base');
    return base.id;
  }

  /** The flow must be the account's and not archived. */
  private async assertFlow(owner: AccountScope, flowId: string): Promise<void> {
    const flow = isUuid(flowId) ? await this.flows.get(owner, flowId.toLowerCase()) : null;
    if (!flow || flow.archived_at) throw notFound('Flow');
  }
}
