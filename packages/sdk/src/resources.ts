import { call, type ApiClient } from './http';
import type { Account, Agent, ApiKey, Flow, FlowVersion, Page } from './types';

/** Flows: a team of agents and how they talk (README: flows). */
export class Flows {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<Flow[]> {
    return unpage(await call<Flow[] | Page<Flow>>(this.api, 'GET', '/flows'));
  }

  get(flowId: string): Promise<Flow> {
    return call(this.api, 'GET', '/flows/{id}', { path: { id: flowId } });
  }

  async versions(flowId: string): Promise<FlowVersion[]> {
    return unpage(
      await call<FlowVersion[] | Page<FlowVersion>>(this.api, 'GET', '/flows/{id}/versions', {
        path: { id: flowId },
      }),
    );
  }

  /** Validated against the flow schema: a `400` names every bad field. */
  create(spec: unknown): Promise<Flow> {
    return call(this.api, 'POST', '/flows', { body: spec });
  }

  /** A new version of the flow. */
  update(flowId: string, spec: unknown): Promise<Flow> {
    return call(this.api, 'PUT', '/flows/{id}', { path: { id: flowId }, body: spec });
  }

  /** The flow spec's JSON Schema. */
  schema(): Promise<Record<string, unknown>> {
    return call(this.api, 'GET', '/flows/schema');
  }

  /** Converts and saves an Agentok Studio flow (`{nodes, edges}`). */
  importAgentok(agentokFlow: unknown): Promise<{ flow: Flow; warnings: unknown[] }> {
    return call(this.api, 'POST', '/flows/import/agentok', { body: agentokFlow });
  }
}

/** Agents: a published flow with a name and a domain (Asyntai's websites). */
export class Agents {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<Agent[]> {
    return unpage(await call<Agent[] | Page<Agent>>(this.api, 'GET', '/agents'));
  }

  create(body: { name: string; flow_id: string; domain?: string | null }): Promise<Agent> {
    return call(this.api, 'POST', '/agents', { body });
  }

  update(
    agentId: string,
    body: Partial<Pick<Agent, 'name' | 'enabled' | 'is_primary' | 'domain'>>,
  ): Promise<Agent> {
    return call(this.api, 'PATCH', '/agents/{id}', { path: { id: agentId }, body });
  }
}

/** API keys: the secret is in the create response only. */
export class ApiKeys {
  constructor(private readonly api: ApiClient) {}

  list(): Promise<ApiKey[]> {
    return call(this.api, 'GET', '/api-keys');
  }

  create(name: string, options: { agentId?: string | null } = {}): Promise<ApiKey & { key: string }> {
    return call(this.api, 'POST', '/api-keys', { body: { name, agent_id: options.agentId ?? undefined } });
  }

  async revoke(keyId: string): Promise<void> {
    await call(this.api, 'DELETE', '/api-keys/{id}', { path: { id: keyId } });
  }
}

export function accountOf(api: ApiClient): Promise<Account> {
  return call(api, 'GET', '/account');
}

function unpage<T>(result: T[] | Page<T>): T[] {
  return Array.isArray(result) ? result : result.data;
}
