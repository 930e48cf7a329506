import type { TranscriptMessage } from './message';

/** How agent messages and server-executed tool calls are charged (CREDITS_RULE, CREDITS_PER_UNIT, CREDITS_PER_TOOL_CALL). */
export interface CreditRule {
  rule: 'per_message' | 'per_1k_tokens';
  perUnit: number;
  /** Each HTTP tool call the server executes, under either rule (a tool call has no tokens). */
  perToolCall: number;
}

/**
 * Credits one stored message costs. Only agent messages (type `assistant`) are charged: per message,
 * or per started 1,000 tokens of the model call that produced it.
 */
export function messageCredits(message: Pick<TranscriptMessage, 'type' | 'usage'>, rule: CreditRule): number {
  if (message.type !== 'assistant' || rule.perUnit <= 0) return 0;
  if (rule.rule === 'per_message') return rule.perUnit;
  const tokens = message.usage?.total_tokens ?? 0;
  return Math.ceil(tokens / 1000) * rule.perUnit;
}

/**
 * Credits of each message of one engine step, in order: agent messages by `messageCredits`, and the
 * result of each tool call the server executed (`executedToolCalls`, ids of HTTP tool calls) at
 * `perToolCall`. Other tool results — a client tool's output (the caller ran it), an error for an
 * unknown function or bad arguments, a call over the per-reply cap — ran nothing here and cost nothing.
 */
export function stepCredits(
  messages: readonly Pick<TranscriptMessage, 'type' | 'usage' | 'tool_call_id'>[],
  rule: CreditRule,
  executedToolCalls: ReadonlySet<string> = new Set(),
): number[] {
  return messages.map((m) =>
    m.type === 'tool'
      ? m.tool_call_id && executedToolCalls.has(m.tool_call_id)
        ? Math.max(0, rule.perToolCall)
        : 0
      : messageCredits(m, rule),
  );
}

/** The smallest balance that can pay for a next agent message (a request below it is refused). */
export function minimumCredits(rule: CreditRule): number {
  return rule.perUnit <= 0 ? 0 : rule.rule === 'per_message' ? rule.perUnit : 1;
}

/** Plans and their monthly message limits (Asyntai's pricing page; configurable with PLAN_MESSAGE_LIMITS). */
/** The monthly message limit of a plan; unknown plans get `free`'s. */
export function planMessageLimit(limits: Record<string, number>, plan: string): number {
  return limits[plan] ?? unlistedPlanLimit(limits);
}

/** The limit of a plan `limits` does not list (the statement admitting a message takes it as data). */
export function unlistedPlanLimit(limits: Record<string, number>): number {
  return limits.free ?? 0;
}

export const DEFAULT_PLAN_LIMITS: Record<string, number> = {
  free: 100,
  starter: 2500,
  standard: 15000,
  pro: 50000,
};
