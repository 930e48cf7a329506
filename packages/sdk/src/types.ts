/**
 * The API's objects as the routes return them (README: the chat API). Written by hand until the
 * OpenAPI document carries response schemas; the generated `paths`/`components` types are in
 * ./generated/openapi.ts.
 */
export type ChatStatus = 'ready' | 'running' | 'wait_for_human_input' | 'completed' | 'error';

export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
}

/** What a chat waiting in `wait_for_human_input` asks; answer it with `chats.answer`. */
export interface InputRequest {
  agent: string;
  prompt: string;
  /** `text`: a message; `speaker`: one of `options`; `tool_outputs`: results of client tools. */
  kind: 'text' | 'speaker' | 'tool_outputs';
  options?: string[];
  tool_calls?: ToolCall[];
  expires_at?: string | null;
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
  from_type?: string;
  from_flow: string;
  flow_version: number;
  agent_id: string | null;
  session_id?: string | null;
  metadata?: Record<string, unknown>;
  input_request: InputRequest | null;
  last_error: string | null;
  termination_reason: string | null;
  active_run_id: string | null;
  /** The chat's last event seq: subscribe after it to see only what happens next. */
  last_seq: number;
  parent_chat_id?: string | null;
  forked_at_seq?: number | null;
  claim: Claim | null;
  waiting_since: string | null;
  input_due_at: string | null;
  input_overdue: boolean;
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

export interface Run {
  id: string;
  chat_id: string;
  status: string;
  termination_reason: string | null;
  summary: string | null;
  last_error: string | null;
  attempt: number;
  usage: Usage | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** `POST /chats/{id}/messages` and `/input`: the chat and the run; with `wait`, the messages it wrote. */
export interface RunResult {
  chat: Chat;
  run: Run | null;
  messages?: Message[];
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
  has_more?: boolean;
}

/** A flow as JSON (`GET /flows/schema` has all of it); the fields clients commonly read are typed. */
export interface FlowSpec {
  name: string;
  agents: {
    name: string;
    type?: string;
    human_input_mode?: string;
    input_sla_seconds?: number;
    [key: string]: unknown;
  }[];
  chat: {
    type: 'two_agent' | 'group' | 'sequential';
    initiator?: string;
    recipient?: string;
    agents?: string[];
    allowed_transitions?: Record<string, string[]>;
    chats?: { initiator: string; recipient: string; [key: string]: unknown }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface Flow {
  id: string;
  name: string;
  version: number;
  archived: boolean;
  spec: FlowSpec;
  /** Settings a run of this flow will miss (e.g. a provider key), empty when all is well. */
  warnings?: string[];
  created_at: string;
  updated_at: string;
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
