import {
  messageCredits,
  minimumCredits,
  planMessageLimit,
  stepCredits,
  unlistedPlanLimit,
  type CreditRule,
} from './credits';
import type { TranscriptMessage } from './message';

const perMessage: CreditRule = { rule: 'per_message', perUnit: 2, perToolCall: 3 };
const perTokens: CreditRule = { rule: 'per_1k_tokens', perUnit: 5, perToolCall: 1 };
const usage = (total: number) => ({ input_tokens: total, output_tokens: 0, total_tokens: total });

const reply: TranscriptMessage = {
  sender: 'assistant',
  recipient: 'user',
  type: 'assistant',
  content: null,
  tool_calls: [{ id: 'c1', name: 'search', arguments: '{}' }],
  usage: usage(1500),
};
const toolResult = (id: string): TranscriptMessage => ({
  sender: 'user',
  recipient: 'assistant',
  type: 'tool',
  content: 'ok',
  tool_call_id: id,
});

describe('messageCredits', () => {
  it('charges agent messages per message or per started 1k tokens, nothing else', () => {
    expect(messageCredits(reply, perMessage)).toBe(2);
    expect(messageCredits(reply, perTokens)).toBe(10);
    expect(messageCredits({ type: 'user' }, perMessage)).toBe(0);
    expect(messageCredits(toolResult('c1'), perMessage)).toBe(0);
  });
});

describe('stepCredits', () => {
  it('charges the result of each server-executed tool call perToolCall, under either rule', () => {
    const executed = new Set(['c1', 'c2']);
    const step = [toolResult('c1'), toolResult('c2')];
    expect(stepCredits(step, perMessage, executed)).toEqual([3, 3]);
    expect(stepCredits(step, perTokens, executed)).toEqual([1, 1]);
  });

  it('charges nothing for tool results the server did not execute (client tools, errors, over the cap)', () => {
    const step = [toolResult('client-call'), toolResult('c9')];
    expect(stepCredits(step, perMessage, new Set(['c1']))).toEqual([0, 0]);
    expect(stepCredits(step, perMessage)).toEqual([0, 0]);
    expect(
      stepCredits([{ ...toolResult('x'), tool_call_id: undefined }], perMessage, new Set(['x'])),
    ).toEqual([0]);
  });

  it('prices agent messages as messageCredits does, in message order', () => {
    expect(stepCredits([reply, toolResult('c1')], perMessage, new Set(['c1']))).toEqual([2, 3]);
    expect(stepCredits([reply], { ...perTokens, perToolCall: 0 }, new Set(['c1']))).toEqual([10]);
  });

  it('makes tool calls free with perToolCall 0', () => {
    expect(stepCredits([toolResult('c1')], { ...perMessage, perToolCall: 0 }, new Set(['c1']))).toEqual([0]);
  });
});

describe('minimumCredits', () => {
  it('is one agent message', () => {
    expect(minimumCredits(perMessage)).toBe(2);
    expect(minimumCredits(perTokens)).toBe(1);
    expect(minimumCredits({ ...perMessage, perUnit: 0 })).toBe(0);
  });
});

describe('plan message limits', () => {
  const limits = { free: 100, pro: 50_000 };

  it('a listed plan has its own limit; any other plan has the limit of a plan not listed: free’s', () => {
    expect(planMessageLimit(limits, 'pro')).toBe(50_000);
    expect(planMessageLimit(limits, 'enterprise')).toBe(unlistedPlanLimit(limits));
    expect(unlistedPlanLimit(limits)).toBe(100);
    expect(unlistedPlanLimit({ pro: 5 })).toBe(0);
  });
});
