import type { RetryPolicy } from './retry';

/** Typed provider configuration, read once at start-up by the app and handed to `createModelInvoker`. */
export interface LlmConfig {
  openai: {
    /** Default OpenAI-compatible base URL (ending in `/v1`) when a flow's llm has no `base_url`. */
    baseUrl?: string;
    /**
     * Default key when a flow's llm has no `api_key_ref`. Sent only to the default base URL's origin:
     * a flow naming another `base_url` gets a placeholder, never the operator's key.
     */
    apiKey?: string;
    /** Deadline of one attempt, streamed body included. Default 120 s. */
    timeoutMs?: number;
    /** Longest silence between two chunks of a streamed body. Default: `timeoutMs`. */
    idleTimeoutMs?: number;
  };
  /** Defaults of the other hosted providers (keys when a flow's llm has no `api_key_ref`). */
  providers?: {
    anthropic?: { apiKey?: string; baseUrl?: string };
    google?: { apiKey?: string; baseUrl?: string };
    azureOpenai?: { apiKey?: string; endpoint?: string };
    ollama?: { baseUrl?: string };
  };
  /** Deadline of one model call attempt (every provider but `openai`, which has its own). Default 120 s. */
  timeoutMs?: number;
  /**
   * The fetch HTTP providers use: the egress policy's (`@conclave/egress`), which refuses private
   * targets and enforces the deadlines above. Unset → the global fetch (unit tests only).
   */
  fetch?: typeof fetch;
  /** Values to blank out of error messages (operator secrets); the call's own key is added per call. */
  redact?: readonly string[];
  retry: RetryPolicy;
}
