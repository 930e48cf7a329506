import { parseFlowSpec, type FlowSpec } from '@conclave/domain';
import { knowledgeFor, retrievalQuery, toSourceRefs, withKnowledge } from './retrieval';
import type { SearchHit } from './search';

const hit = (n: number, extra: Partial<SearchHit> = {}): SearchHit => ({
  chunk_id: `c${n}`,
  source_id: `s${n}`,
  title: `Doc ${n}`,
  section: 'Refunds',
  url: `http://site.test/${n}#refunds`,
  content: `Chunk ${n} text.`,
  position: 0,
  score: 0.123456,
  text_rank: 0.14,
  vector_score: null,
  ...extra,
});

function flow(agents: unknown[]): FlowSpec {
  const parsed = parseFlowSpec({
    name: 'f',
    agents,
    chat: { type: 'two_agent', initiator: 'user', recipient: 'bot' },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.flow;
}

describe('retrieval', () => {
  it('uses the agent’s own base, else the agent resource’s default for assistants; null opts out', () => {
    const f = flow([
      { name: 'user', type: 'user_proxy' },
      { name: 'bot', type: 'assistant', knowledge: { base: 'docs', top_k: 2 } },
      { name: 'helper', type: 'assistant' },
      { name: 'quiet', type: 'assistant', knowledge: null },
    ]);
    expect(knowledgeFor(f, 'bot', 'kb-default')).toEqual({ base: 'docs', top_k: 2, min_score: 0 });
    expect(knowledgeFor(f, 'helper', 'kb-default')).toEqual({ base: 'kb-default', top_k: 4, min_score: 0 });
    expect(knowledgeFor(f, 'helper', null)).toBeNull();
    expect(knowledgeFor(f, 'quiet', 'kb-default')).toBeNull();
    expect(knowledgeFor(f, 'user', 'kb-default')).toBeNull();
    expect(knowledgeFor(f, 'chat_manager', 'kb-default')).toBeNull();
  });

  it('rejects unknown fields in a knowledge reference', () => {
    const parsed = parseFlowSpec({
      name: 'f',
      agents: [{ name: 'bot', knowledge: { base: 'x', topk: 3 } }, { name: 'user' }],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'bot' },
    });
    expect(parsed.ok).toBe(false);
  });

  it('queries with the newest text from someone else, leaning on the one before when it is short', () => {
    expect(
      retrievalQuery([
        { role: 'system', content: 'You help.' },
        { role: 'user', content: 'What is the refund policy for shoes?' },
        { role: 'assistant', content: 'Thirty days.' },
        { role: 'user', content: 'and for kids?' },
      ]),
    ).toBe('What is the refund policy for shoes?\nand for kids?');
    expect(retrievalQuery([{ role: 'user', content: 'How long does shipping take to Bali?' }])).toBe(
      'How long does shipping take to Bali?',
    );
    expect(retrievalQuery([{ role: 'system', content: 'x' }])).toBeNull();
  });

  it('does not repeat a page title its first heading repeats', () => {
    expect(toSourceRefs([hit(1, { title: 'Pricing', section: 'Pricing' })])[0].title).toBe('Pricing');
    expect(toSourceRefs([hit(1, { title: 'Pricing', section: 'Pricing › Pro' })])[0].title).toBe(
      'Pricing › Pro',
    );
  });

  it('puts numbered excerpts into the system message and cites them', () => {
    const messages = withKnowledge(
      [
        { role: 'system', content: 'You help.' },
        { role: 'user', content: 'refund?' },
      ],
      [hit(1), hit(2, { url: null, section: '' })],
    );
    expect(messages).toHaveLength(2);
    expect(messages[0].content).toMatch(/^You help\.\n\nKnowledge base excerpts/);
    expect(messages[0].content).toContain('[1] Doc 1 › Refunds (http://site.test/1#refunds)\nChunk 1 text.');
    expect(messages[0].content).toContain('[2] Doc 2\nChunk 2 text.');
    expect(withKnowledge([{ role: 'user', content: 'q' }], [hit(1)])[0].role).toBe('system');
    expect(toSourceRefs([hit(1)])).toEqual([
      {
        source_id: 's1',
        title: 'Doc 1 › Refunds',
        url: 'http://site.test/1#refunds',
        chunk_id: 'c1',
        score: 0.1235,
      },
    ]);
  });
});
