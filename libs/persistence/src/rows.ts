import type {
  ChatStatus,
  FailureKind,
  InputRequest,
  RunStatus,
  StoredMessage,
  TokenUsage,
  TranscriptMessage,
} from '@conclave/domain';

/** Row shapes as Postgres returns them (snake_case, timestamps as Date). */
export interface AccountRow {
  id: string;
  email: string;
  plan: string;
  credit_balance: string; // bigint
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  account_id: string;
  agent_id: string | null;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface FlowRow {
  id: string;
  account_id: string;
  name: string;
  version: number;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
  spec: unknown;
}

export interface ChatRow {
  id: string;
  account_id: string;
  name: string;
  status: ChatStatus;
  from_type: string;
  flow_id: string;
  flow_version: number;
  agent_id: string | null;
  external_id: string | null;
  metadata: Record<string, unknown>;
  input_request: InputRequest | null;
  last_error: string | null;
  termination_reason: string | null;
  active_run_id: string | null;
  last_seq: number;
  message_count: number;
  /** The operator's hold (issue 14): key id and name; past `claim_expires_at` it no longer counts. */
  claim_key_id: string | null;
  claim_name: string | null;
  claimed_at: Date | null;
  claim_expires_at: Date | null;
  /** When the chat last began waiting for human input (meaningful while it waits). */
  waiting_since: Date | null;
  /** The asking agent's `input_sla_seconds` deadline, and when `input.overdue` was written. */
  input_due_at: Date | null;
  input_overdue_at: Date | null;
  /** Set on a fork: the chat it was forked from (null once that chat is deleted) and the message seq. */
  parent_chat_id: string | null;
  forked_at_seq: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface RunInput {
  message: string;
  /** Extra context for this run only; never logged. */
  context?: string;
  sender?: string;
}

export interface RunRow {
  id: string;
  chat_id: string;
  account_id: string;
  status: RunStatus;
  input: RunInput;
  pending_answer: PendingAnswer | null;
  /** Every answer the run's input requests got, in order (for replaying the conversation). */
  answers: PendingAnswer[];
  seed: number;
  state: Record<string, unknown> | null;
  step: number;
  attempt: number;
  /** Claims that took the run over from a process whose lease expired (see MAX_ATTEMPTS). */
  takeovers: number;
  lease_owner: string | null;
  lease_until: Date | null;
  cancel_requested: boolean;
  input_expires_at: Date | null;
  termination_reason: string | null;
  summary: string | null;
  last_error: string | null;
  /** Why the run failed (null unless status is failed). */
  failure_kind: FailureKind | null;
  usage: TokenUsage;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
}

/**
 * A run as the database inserts it (the columns' defaults): the one place the in-memory stores and
 * their test doubles take a new run's shape from, so a new column is added once.
 */
export function newRunRow(
  fields: Pick<RunRow, 'id' | 'chat_id' | 'account_id' | 'status' | 'input' | 'seed' | 'created_at'>,
): RunRow {
  return {
    ...fields,
    pending_answer: null,
    answers: [],
    state: null,
    step: 0,
    attempt: 0,
    takeovers: 0,
    lease_owner: null,
    lease_until: null,
    cancel_requested: false,
    input_expires_at: null,
    termination_reason: null,
    summary: null,
    last_error: null,
    failure_kind: null,
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    started_at: null,
    ended_at: null,
  };
}

export type PendingAnswer =
  /** `context`: extra context for the turn this answer starts (Aksita additional_context); never logged. */
  | { kind: 'text'; message: string; context?: string }
  | { kind: 'tool_outputs'; outputs: { tool_call_id: string; output: string }[] };

/** A message row: the domain's stored message, with what only storage keeps. */
export interface MessageRow extends StoredMessage {
  /** Credits debited for this message (issue 7); bigint as text. */
  credits?: string;
  created_at: Date;
}

export interface AgentRow {
  id: string;
  website_id: string; // bigint
  account_id: string;
  name: string;
  flow_id: string;
  domain: string | null;
  enabled: boolean;
  is_primary: boolean;
  /** Default knowledge base (id) of the flow's assistants. */
  knowledge_base: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface EventRow {
  chat_id: string;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** A transcript message as its row holds it (the columns a step writes; the API object is built from them). */
export function storedMessage(
  m: TranscriptMessage,
): Omit<StoredMessage, 'id' | 'seq' | 'created_at' | 'chat_id' | 'run_id'> {
  return {
    sender: m.sender,
    recipient: m.recipient,
    type: m.type,
    content: m.content,
    tool_calls: m.tool_calls?.length ? m.tool_calls : null,
    tool_call_id: m.tool_call_id ?? null,
    meta: m.meta ?? {},
    usage: m.usage ?? null,
  };
}
