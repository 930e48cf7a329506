import type { PromptMessage, TokenUsage } from '@conclave/domain';

/**
 * Rough token count (≈4 characters per token) for providers that report no usage, so per-1k-token
 * credit accounting still charges something sensible. At least 1: every call costs.
 */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function promptText(messages: readonly PromptMessage[]): string {
  return messages
    .map((m) => [m.content ?? '', ...(m.tool_calls ?? []).map((c) => c.name + c.arguments)].join(''))
    .join('\n');
}

export function estimateUsage(prompt: string, completion: string): TokenUsage {
  const input_tokens = estimateTokens(prompt);
  const output_tokens = estimateTokens(completion);
  return { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens };
}
