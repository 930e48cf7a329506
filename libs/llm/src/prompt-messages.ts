import type { PromptMessage, ToolCall } from '@conclave/domain';
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';

/** Our prompt (already in the agent's AG2 perspective) as LangChain messages, one for one. */
export function toLangChainMessages(messages: readonly PromptMessage[]): BaseMessage[] {
  return messages.map((m) => {
    const content = m.content ?? '';
    switch (m.role) {
      case 'system':
        return new SystemMessage({ content });
      case 'user':
        return new HumanMessage({ content, name: m.name });
      case 'assistant':
        return toAiMessage(content, m.name, m.tool_calls ?? []);
      case 'tool':
        return new ToolMessage({ content, tool_call_id: m.tool_call_id ?? '' });
    }
  });
}

function toAiMessage(content: string, name: string | undefined, calls: readonly ToolCall[]): AIMessage {
  if (calls.length === 0) return new AIMessage({ content, name });
  const parsed = calls.map((c) => ({ call: c, args: parseArguments(c.arguments) }));
  if (parsed.every((p) => p.args !== undefined)) {
    return new AIMessage({
      content,
      name,
      tool_calls: parsed.map(({ call, args }) => ({
        id: call.id,
        name: call.name,
        args: args!,
        type: 'tool_call',
      })),
    });
  }
  // A model once produced arguments that are not a JSON object: replay them verbatim rather than
  // "fixing" them. Set after construction: given to the constructor, LangChain would re-parse them
  // and drop the malformed ones from what it sends.
  const message = new AIMessage({ content, name });
  message.additional_kwargs.tool_calls = calls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
  return message;
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
