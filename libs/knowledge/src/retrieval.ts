import { accountScope, type FlowSpec, type KnowledgeRef, type PromptMessage } from '@conclave/domain';
import type { KnowledgeSearch, SearchHit } from './search';

/**
 * Retrieval in a conversation (pure parts). Before each model call that produces an agent's reply,
 * the latest relevant text is searched in the agent's base, the best chunks go into its system
 * prompt with numbered source markers, and the reply carries `meta.sources` naming them.
 */

/** What a reply cites: enough to show and open the source, and to find the chunk again. */
export interface SourceRef {
  source_id: string;
  title: string;
  url: string | null;
  chunk_id: string;
  score: number;
}

export const DEFAULT_TOP_K = 4;

/**
 * The base an agent retrieves from: its own `knowledge` (null switches retrieval off), else the
 * agent resource's default base for the flow's assistants.
 */
export function knowledgeFor(
  flow: FlowSpec,
  agentName: string,
  defaultBase: string | null,
): KnowledgeRef | null {
  const agent = flow.agents.find((a) => a.name === agentName);
  if (!agent) return null; // a group chat manager
  if (agent.knowledge !== undefined) return agent.knowledge;
  if (defaultBase && agent.type === 'assistant')
    return { base: defaultBase, top_k: DEFAULT_TOP_K, min_score: 0 };
  return null;
}

/**
 * The query: the newest message from someone else with text (what the agent is about to answer).
 * A very short one ("yes", "and for kids?") leans on the message before it for its topic.
 */
export function retrievalQuery(messages: readonly PromptMessage[]): string | null {
  const texts = messages
    .filter((m) => m.role === 'user' && typeof m.content === 'string' && m.content.trim().length > 0)
    .map((m) => (m.content as string).trim());
  const last = texts.at(-1);
  if (!last) return null;
  const words = last.split(/\s+/).length;
  return words < 4 && texts.length > 1 ? `${texts.at(-2)}\n${last}` : last;
}

/** Adds the retrieved chunks to the system message (or a new one first), numbered as sources. */
export function withKnowledge(
  messages: readonly PromptMessage[],
  hits: readonly SearchHit[],
): PromptMessage[] {
  if (hits.length === 0) return [...messages];
  const block = knowledgeBlock(hits);
  const [first, ...rest] = messages;
  if (first?.role === 'system')
    return [{ ...first, content: `${first.content ?? ''}\n\n${block}`.trimStart() }, ...rest];
  return [{ role: 'system', content: block }, ...messages];
}

/** "Title › Section", without repeating a title the section path already starts with. */
export function citationTitle(hit: Pick<SearchHit, 'title' | 'section'>): string {
  const { title, section } = hit;
  if (!section) return title;
  if (!title || section === title || section.startsWith(`${title} › `)) return section;
  return `${title} › ${section}`;
}

export function knowledgeBlock(hits: readonly SearchHit[]): string {
  const entries = hits.map((h, i) => {
    const heading = citationTitle(h);
    return `[${i + 1}] ${heading}${h.url ? ` (${h.url})` : ''}\n${h.content}`;
  });
  return [
    'Knowledge base excerpts. Answer from them when they are relevant and cite them as [n]; say so when they do not cover the question.',
    ...entries,
  ].join('\n\n');
}

export function toSourceRefs(hits: readonly SearchHit[]): SourceRef[] {
  return hits.map((h) => ({
    source_id: h.source_id,
    title: citationTitle(h),
    url: h.url,
    chunk_id: h.chunk_id,
    score: Math.round(h.score * 10_000) / 10_000,
  }));
}

/** The runtime's port to knowledge: chunks of an account's base for a question. */
export interface KnowledgeRetriever {
  retrieve(accountId: string, ref: KnowledgeRef, query: string): Promise<SearchHit[]>;
}

export function createRetriever(search: KnowledgeSearch): KnowledgeRetriever {
  return {
    async retrieve(accountId, ref, query) {
      // A run executes off-request for its chat's account; bases belong to the whole account.
      const owner = accountScope(accountId);
      const base = await search.findBase(owner, ref.base);
      if (!base) return [];
      return search.search(owner, base.id, query, { k: ref.top_k, minScore: ref.min_score });
    },
  };
}
