import {
  compileRulePattern,
  type ScriptedLlmSpec,
  type ScriptedReply,
  type UserPattern,
} from '@conclave/domain';

/** The bits of a prompt message the script looks at. */
export interface ScriptedPromptMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface ScriptedAnswer {
  content: string | null;
  /** Arguments as JSON text, like a real model's. */
  tool_calls: { id: string; name: string; arguments: string }[];
}

/**
 * Picks the scripted answer for a prompt, in this order: the first matching rule, echo, then the
 * reply list.
 *
 * The reply position is `callIndex`: how many model calls the agent made before in the chat (its
 * replies, speaker selections and their retries, summaries, across runs), which the engine keeps in
 * its persisted state, so a crashed run resumed in another process gets the same answer. An
 * initiator's opening message is the person's text, not a model call, so it takes no reply. Without
 * an index (the model used on its own) the position is the number of the agent's own (`assistant`)
 * messages in the prompt.
 */
export function chooseScriptedAnswer(
  spec: ScriptedLlmSpec,
  messages: readonly ScriptedPromptMessage[],
  callIndex?: number,
): ScriptedAnswer {
  const last = [...messages].reverse().find((m) => m.role !== 'system');
  const lastContent = last?.content ?? '';
  for (const rule of spec.rules) {
    if (parseRulePattern(rule.match).test(lastContent)) return toAnswer(rule.reply);
  }
  if (spec.echo) return { content: lastContent, tool_calls: [] };
  if (spec.replies.length === 0) return { content: '', tool_calls: [] };
  const position = callIndex ?? messages.filter((m) => m.role === 'assistant').length;
  return toAnswer(spec.replies[Math.min(position, spec.replies.length - 1)]);
}

/** `match` is a plain pattern, or `/pattern/flags` for flags such as `i`. */
export function parseRulePattern(match: string): UserPattern {
  try {
    // RE2 (linear time): a tenant's rule must not be able to stall the process.
    return compileRulePattern(match);
  } catch {
    throw new Error(`scripted rule ${JSON.stringify(match)} is not a valid regular expression`);
  }
}

function toAnswer(reply: ScriptedReply): ScriptedAnswer {
  if (typeof reply === 'string') return { content: reply, tool_calls: [] };
  return {
    content: reply.content ?? null,
    tool_calls: (reply.tool_calls ?? []).map((c) => ({
      id: c.id,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
    })),
  };
}
