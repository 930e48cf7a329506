import type { LlmSpec, ToolSpec } from './flow-spec';

/** A message of a chat's transcript as the engine and the API see it. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, as models produce them. */
  arguments: string;
}

export type MessageType = 'user' | 'assistant' | 'tool';

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

export interface TranscriptMessage {
  /** Agent that produced the message (the initiator for the user's own message). */
  sender: string;
  recipient: string | null;
  /** Agentok's `type`: `user` for the user's and humans' messages, `assistant` for agent replies, `tool` for tool results. */
  type: MessageType;
  content: string | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** Engine annotations: speaker selection, human input, summaries. */
  meta?: Record<string, unknown>;
  /** Token usage of the model call that produced the message. */
  usage?: TokenUsage;
}

/** A message as a model sees it (AG2: own messages are `assistant`, others `user` with the sender's name). */
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ModelRequest {
  /** Agent on whose behalf the model is called (the manager's name for speaker selection). */
  agent: string;
  llm: LlmSpec;
  messages: PromptMessage[];
  tools: ToolSpec[];
  purpose: 'reply' | 'select_speaker' | 'summary';
  /**
   * How many model calls this agent made earlier in the chat (0 for its first): replies, speaker
   * selections and their retries, summaries, across runs. The scripted provider answers
   * `replies[call_index]` with it. Derived from persisted state, so a resumed run sends the same.
   */
  call_index?: number;
}

export interface ModelReply {
  content: string | null;
  tool_calls?: ToolCall[];
  usage?: TokenUsage;
}

export type InputRequestKind = 'text' | 'speaker' | 'tool_outputs';

export interface InputRequest {
  agent: string;
  prompt: string;
  kind: InputRequestKind;
  /** For `speaker`: the names one may answer with. */
  options?: string[];
  /** For `tool_outputs`: the calls the client must answer. */
  tool_calls?: ToolCall[];
  expires_at?: string | null;
  /** The message the person is asked to answer (its sender and text), set when the chat starts waiting. */
  question?: { sender: string; content: string | null } | null;
}
