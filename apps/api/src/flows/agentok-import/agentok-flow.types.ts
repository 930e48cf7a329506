import { z } from 'zod';
import type { FlowSpecInput } from '@conclave/domain';

/**
 * The parts of an Agentok Studio flow (React Flow JSON) the importer reads. Only the outer shape is
 * checked here; node `data` stays loose because each node type reads its own fields (and Agentok
 * adds UI-only fields such as `label` or `class`). Unknown keys are ignored.
 */

const nodeId = z.union([z.string().min(1), z.number()]).transform(String);
const record = z.record(z.string(), z.unknown());

export const AgentokNodeSchema = z.object({
  id: nodeId,
  type: z.string().min(1),
  data: record,
  position: z.object({ x: z.number(), y: z.number() }).optional(),
  /** React Flow 12 name for the enclosing node (a group chat's members). */
  parentId: nodeId.nullish(),
  /** React Flow 11 name for `parentId`, found in older Agentok exports. */
  parentNode: nodeId.nullish(),
});
export type AgentokNode = z.infer<typeof AgentokNodeSchema>;

export const AgentokEdgeSchema = z.object({
  id: nodeId.optional(),
  source: nodeId,
  target: nodeId,
  data: record.nullish(),
});
export type AgentokEdge = z.infer<typeof AgentokEdgeSchema>;

export const AgentokFlowSchema = z.object({
  nodes: z.array(AgentokNodeSchema),
  edges: z.array(AgentokEdgeSchema).default([]),
});
export type AgentokFlow = z.infer<typeof AgentokFlowSchema>;

/** Node types that become agents, and the agent type each becomes. */
export const AGENT_NODE_TYPES = {
  conversable: 'conversable',
  user: 'user_proxy',
  assistant: 'assistant',
  gpt_assistant: 'assistant',
  /** Agentok's NestedChat node: an agent that answers with its nested chats (the edges it starts). */
  nestedchat: 'conversable',
  /** AG2 retrieval agents (see agentok-retrieval.ts): their settings become `knowledge`. */
  retrieve_user_proxy: 'user_proxy',
  retrieve_assistant: 'assistant',
} as const;
export type AgentNodeType = keyof typeof AGENT_NODE_TYPES;

export interface ConvertAgentokFlowOptions {
  /** Name of the produced flow; default: the wrapping project's `name`, else "Imported Agentok flow". */
  name?: string;
}

export interface ConvertAgentokFlowResult {
  /** The converted spec; null whenever `errors` is not empty. */
  flow: FlowSpecInput | null;
  /** What could not be converted, each naming the node or edge id. */
  errors: string[];
  /** What was converted with a change of meaning or dropped on purpose, each naming the node or edge id. */
  warnings: string[];
}

export type AgentSpecInput = FlowSpecInput['agents'][number];
export type ChatSpecInput = FlowSpecInput['chat'];
export type LlmSpecInput = NonNullable<AgentSpecInput['llm']>;
