import type { ToolCall, ToolSpec, TranscriptMessage } from '@conclave/domain';

/** Tool calls of `transcript[index]` that no later `tool` message answers yet. */
export function pendingToolCalls(transcript: readonly TranscriptMessage[], index: number): ToolCall[] {
  const calls = transcript[index]?.tool_calls ?? [];
  const answered = new Set<string>();
  for (const m of transcript.slice(index + 1))
    if (m.type === 'tool' && m.tool_call_id) answered.add(m.tool_call_id);
  return calls.filter((c) => !answered.has(c.id));
}

export type ToolCallResolution =
  { kind: 'result'; content: string } | { kind: 'http'; tool: ToolSpec } | { kind: 'client'; tool: ToolSpec };

/**
 * How a tool call is executed. Errors never throw (AG2 `execute_function`): an unknown function or
 * arguments that are not JSON produce the error text as the result, without asking anyone.
 */
export function resolveToolCall(call: ToolCall, tools: readonly ToolSpec[]): ToolCallResolution {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return { kind: 'result', content: `Error: Function ${call.name} not found.` };
  try {
    JSON.parse(call.arguments === '' ? '{}' : call.arguments);
  } catch (e) {
    return {
      kind: 'result',
      content: `Error: ${(e as Error).message}\n The argument must be in JSON format.`,
    };
  }
  return tool.kind === 'http' ? { kind: 'http', tool } : { kind: 'client', tool };
}

export function toolResultMessage(
  sender: string,
  recipient: string,
  toolCallId: string,
  content: string,
  meta?: Record<string, unknown>,
): TranscriptMessage {
  return { sender, recipient, type: 'tool', content, tool_call_id: toolCallId, ...(meta ? { meta } : {}) };
}

/** AG2: a human answer replaces pending tool calls with this result. */
export const USER_INTERRUPTED = 'USER INTERRUPTED';

export function clientToolsPrompt(calls: readonly ToolCall[]): string {
  return `Provide the outputs of the client tool calls: ${calls.map((c) => `${c.name} (${c.id})`).join(', ')}`;
}
