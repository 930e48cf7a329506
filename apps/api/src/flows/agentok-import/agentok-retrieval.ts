import type { AgentSpecInput } from './agentok-flow.types';

/**
 * AG2's retrieval agents (RetrieveUserProxyAgent + RetrieveAssistantAgent, Agentok's retrieve
 * nodes) onto knowledge bases. In AG2 the proxy holds `retrieve_config` and pastes the retrieved
 * context into its message to the assistant; in Conclave the answering agent retrieves itself
 * (`knowledge`), so the proxy's settings move to the assistants it talks to: `collection_name` →
 * `base`, `n_results` → `top_k`. The documents (`docs_path`, a vector DB) are not imported — the
 * warning names the base to load them into.
 */
export const RETRIEVAL_CLASSES = ['RetrieveUserProxyAgent', 'RetrieveAssistantAgent'];

/** `retrieve_config` fields we read; anything else in it is reported as not imported. */
const READ_CONFIG = ['collection_name', 'n_results', 'docs_path', 'task', 'model'];

export interface RetrievalAgent {
  nodeId: string;
  spec: AgentSpecInput;
  /** The node's `data` (its `retrieve_config`, class). */
  data: Record<string, unknown>;
  isRetrieveProxy: boolean;
}

export function convertRetrieval(agents: RetrievalAgent[], report: { warnings: string[] }): void {
  for (const agent of agents) {
    const config = agent.data.retrieve_config;
    if (!agent.isRetrieveProxy && !isRecord(config)) continue;
    const rc = isRecord(config) ? config : {};
    const at = `node ${agent.nodeId}`;
    const base = (typeof rc.collection_name === 'string' && rc.collection_name.trim()) || agent.spec.name;
    const n = Number(rc.n_results);
    const topK = Number.isInteger(n) && n >= 1 ? Math.min(n, 20) : 4;
    // The proxy's partners retrieve; an assistant with its own retrieve_config retrieves itself.
    const targets =
      agent.spec.type === 'user_proxy'
        ? agents.filter((a) => a.spec.type === 'assistant' && a.spec.knowledge === undefined)
        : [agent];
    for (const target of targets) target.spec.knowledge = { base, top_k: topK, min_score: 0 };
    const unread = Object.keys(rc).filter((k) => !READ_CONFIG.includes(k));
    report.warnings.push(
      `${at}: retrieval agent "${agent.spec.name}": ${
        targets.length ? targets.map((t) => `"${t.spec.name}"`).join(', ') : 'no assistant'
      } retrieve${targets.length === 1 ? 's' : ''} from the knowledge base "${base}" (top_k ${topK}); ` +
        `its documents${typeof rc.docs_path === 'string' ? ` (${rc.docs_path})` : ''} are not imported: ` +
        `create that base and add them` +
        (unread.length ? `; retrieve_config not imported: ${unread.join(', ')}` : ''),
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
