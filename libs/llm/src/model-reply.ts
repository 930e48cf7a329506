import type { ModelReply, TokenUsage, ToolCall } from '@conclave/domain';
import { estimateUsage } from './token-estimate';
import type { AIMessage, AIMessageChunk } from '@langchain/core/messages';

/**
 * A LangChain reply as our `ModelReply`. Content is `null` only when the model answered with tool
 * calls and no text (OpenAI's shape); arguments go back to JSON text, malformed ones verbatim.
 * Usage is the provider's, or estimated from `prompt` and the reply when it reported none (some
 * local servers don't), so credit accounting always has a figure. `prompt` may be given as a function:
 * building the prompt text is O(transcript) and only needed when the provider reported no usage.
 */
export function toModelReply(
  message: AIMessage | AIMessageChunk,
  prompt: string | (() => string),
): ModelReply {
  const text = message.text;
  const tool_calls: ToolCall[] = [
    ...(message.tool_calls ?? []).map((c) => ({
      id: c.id,
      name: c.name,
      arguments: JSON.stringify(c.args ?? {}),
    })),
    ...(message.invalid_tool_calls ?? []).map((c) => ({
      id: c.id,
      name: c.name ?? '',
      arguments: c.args ?? '',
    })),
  ].map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
  const reply: ModelReply = { content: text === '' && tool_calls.length > 0 ? null : text };
  if (tool_calls.length > 0) reply.tool_calls = tool_calls;
  const completion = text + tool_calls.map((c) => c.name + c.arguments).join('');
  reply.usage = usageOf(message) ?? estimateUsage(typeof prompt === 'string' ? prompt : prompt(), completion);
  return reply;
}

function usageOf(message: AIMessage | AIMessageChunk): TokenUsage | undefined {
  const u = message.usage_metadata;
  if (!u || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : u.input_tokens + u.output_tokens;
  return { input_tokens: u.input_tokens, output_tokens: u.output_tokens, total_tokens: total };
}
