/** The public API's shapes, as the console reads them (see the README's route tables). */
export type ChatStatus = 'ready' | 'running' | 'wait_for_human_input' | 'completed' | 'error';

export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

export interface InputRequest {
  agent: string;
  prompt: string;
  kind: 'text' | 'speaker' | 'tool_outputs';
  options?: string[];
  tool_calls?: ToolCall[];
  expires_at?: string | null;
  /** The message the person is asked to answer. */
  question?: { sender: string; content: string | null } | null;
}

export interface Claim {
  key_id: string;
  operator: string;
  claimed_at: string;
  expires_at: string;
}

export interface Chat {
  id: string;
  name: string;
  status: ChatStatus;
  from_flow: string;
  flow_version: number;
  agent_id: string | null;
  input_request: InputRequest | null;
  last_error: string | null;
  termination_reason: string | null;
  active_run_id: string | null;
  last_seq: number;
  claim: Claim | null;
  waiting_since: string | null;
  input_due_at: string | null;
  input_overdue: boolean;
  /** Set on a fork (`POST /chats/{id}/fork`): the chat it came from and the message it branched at. */
  parent_chat_id?: string | null;
  forked_at_seq?: number | null;
  created_at: string;
  updated_at: string;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface Message {
  id: string;
  chat_id: string;
  seq: number;
  run_id: string | null;
  type: 'user' | 'assistant' | 'tool';
  content: string | null;
  sender: string;
  receiver: string | null;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  meta: Record<string, unknown>;
  usage: Usage | null;
  created_at: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Flow {
  id: string;
  name: string;
  version: number;
  archived: boolean;
  spec: FlowSpec;
  created_at: string;
  updated_at: string;
}

export interface FlowSpec {
  name: string;
  agents: { name: string; type?: string; human_input_mode?: string; input_sla_seconds?: number }[];
  chat: {
    type: 'two_agent' | 'group' | 'sequential';
    initiator?: string;
    recipient?: string;
    agents?: string[];
    allowed_transitions?: Record<string, string[]>;
    chats?: { initiator: string; recipient: string }[];
  };
  [key: string]: unknown;
}

export interface FlowVersion {
  version: number;
  created_at: string;
  spec?: FlowSpec;
}

export interface Agent {
  id: string;
  website_id: number;
  name: string;
  flow_id: string;
  domain: string | null;
  enabled: boolean;
  is_primary: boolean;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  agent_id: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Account {
  id: string;
  email: string;
  plan: string;
  credit_balance: number;
  messages_used: number;
  messages_limit: number;
  credits_used: number;
}

/** socket.io `event` / SSE `data:` envelope. `seq` is null for `message.delta`. */
export interface EventEnvelope {
  chat_id: string;
  seq: number | null;
  type: string;
  data: Record<string, any>;
  created_at: string;
}
