import type { Account, Agent, ApiKey, Chat, ChatStatus, Flow, FlowVersion, Message, Page } from './types';

/**
 * The console's one door to the REST API: only public routes, authenticated with the operator's key.
 * (A typed SDK is being written separately; when it lands, this module is what switches to it.)
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: any,
  ) {
    super(describe(status, body));
    this.name = 'ApiError';
  }
}

function describe(status: number, body: any): string {
  const message = body?.message ?? body?.error ?? body;
  const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : '';
  return text || `Request failed (${status})`;
}

export type Answer = { message: string } | { tool_outputs: { tool_call_id: string; output: string }[] };

export interface ChatQuery {
  status?: ChatStatus;
  order?: 'created_at' | 'waiting_since';
  name?: string;
  cursor?: string;
  limit?: number;
}

export function createClient(key: string, base = '') {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-API-Key': key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }
  const query = (q: object) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
    const s = params.toString();
    return s ? `?${s}` : '';
  };
  const id = encodeURIComponent;

  return {
    key,
    account: () => request<Account>('GET', '/account'),

    listChats: (q: ChatQuery = {}) => request<Page<Chat>>('GET', `/chats${query(q)}`),
    getChat: (chatId: string) => request<Chat>('GET', `/chats/${id(chatId)}`),
    createChat: (name: string, flowId: string) =>
      request<Chat>('POST', '/chats', { name, from_type: 'flow', from_flow: flowId }),
    messages: (chatId: string, after = 0) =>
      request<Message[]>('GET', `/chats/${id(chatId)}/messages${query({ after, limit: 1000 })}`),
    send: (chatId: string, message: string) =>
      request<{ chat: Chat }>('POST', `/chats/${id(chatId)}/messages`, { message }),
    answer: (chatId: string, answer: Answer) =>
      request<{ chat: Chat }>('POST', `/chats/${id(chatId)}/input`, answer),
    cancel: (chatId: string) => request<{ chat: Chat }>('POST', `/chats/${id(chatId)}/cancel`),
    claim: (chatId: string) => request<Chat>('POST', `/chats/${id(chatId)}/claim`),
    release: (chatId: string) => request<Chat>('POST', `/chats/${id(chatId)}/release`),
    fork: (chatId: string, atSeq: number) =>
      request<Chat>('POST', `/chats/${id(chatId)}/fork`, { at_seq: atSeq }),

    listFlows: () => request<Flow[] | Page<Flow>>('GET', '/flows').then(unpage),
    getFlow: (flowId: string) => request<Flow>('GET', `/flows/${id(flowId)}`),
    flowVersions: (flowId: string) =>
      request<FlowVersion[] | Page<FlowVersion>>('GET', `/flows/${id(flowId)}/versions`).then(unpage),
    createFlow: (spec: unknown) => request<Flow>('POST', '/flows', spec),
    updateFlow: (flowId: string, spec: unknown) => request<Flow>('PUT', `/flows/${id(flowId)}`, spec),
    flowSchema: () => request<Record<string, unknown>>('GET', '/flows/schema'),
    importAgentok: (agentokFlow: unknown) =>
      request<{ flow: Flow; warnings: unknown[] }>('POST', '/flows/import/agentok', agentokFlow),

    listAgents: () => request<Agent[] | Page<Agent>>('GET', '/agents').then(unpage),
    createAgent: (body: { name: string; flow_id: string; domain?: string | null }) =>
      request<Agent>('POST', '/agents', body),
    updateAgent: (agentId: string, body: Partial<Pick<Agent, 'name' | 'enabled' | 'is_primary'>>) =>
      request<Agent>('PATCH', `/agents/${id(agentId)}`, body),

    listKeys: () => request<ApiKey[]>('GET', '/api-keys'),
    createKey: (name: string, agentId?: string | null) =>
      request<ApiKey & { key: string }>('POST', '/api-keys', { name, agent_id: agentId ?? undefined }),
    revokeKey: (keyId: string) => request<null>('DELETE', `/api-keys/${id(keyId)}`),
  };
}

export type ConclaveClient = ReturnType<typeof createClient>;

function unpage<T>(result: T[] | Page<T>): T[] {
  return Array.isArray(result) ? result : result.data;
}
