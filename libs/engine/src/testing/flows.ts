import { FlowSpecSchema, type FlowSpec, type FlowSpecInput } from '@conclave/domain';
import type { RunStart } from '../contract';

/** Parses a flow the way the API does (defaults applied). */
export function flow(input: Omit<FlowSpecInput, 'name'> & { name?: string }): FlowSpec {
  return FlowSpecSchema.parse({ name: 'test', ...input });
}

export function run(message: string, extra: Partial<RunStart> = {}): RunStart {
  return { message, seed: 1, history: [], ...extra };
}

/** A scripted LLM with fixed replies. */
export function scripted(...replies: (string | { content: string | null; tool_calls?: unknown[] })[]) {
  return { provider: 'scripted' as const, replies: replies as never[] };
}
