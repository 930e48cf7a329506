import type { TranscriptMessage } from './message';

/** How agent messages are charged (CREDITS_RULE, CREDITS_PER_UNIT). */
export interface CreditRule {
  rule: 'per_message' | 'per_1k_tokens';
  perUnit: number;
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

/** The smallest balance that can pay for a next agent message (a request below it is refused). */
export function minimumCredits(rule: CreditRule): number {
  return rule.perUnit <= 0 ? 0 : rule.rule === 'per_message' ? rule.perUnit : 1;
}

/** Plans and their monthly message limits (Asyntai's pricing page; configurable with PLAN_MESSAGE_LIMITS). */
/** The monthly message limit of a plan; unknown plans get `free`'s. */
export function planMessageLimit(limits: Record<string, number>, plan: string): number {
  return limits[plan] ?? limits.free ?? 0;
}

export const DEFAULT_PLAN_LIMITS: Record<string, number> = {
  free: 100,
  starter: 2500,
  standard: 15000,
  pro: 50000,
};
