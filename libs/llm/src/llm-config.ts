import type { RetryPolicy } from './retry';

/** Typed provider configuration, read once at start-up by the app and handed to `createModelInvoker`. */
export interface LlmConfig {
  openai: {
    /** Default OpenAI-compatible base URL (ending in `/v1`) when a flow's llm has no `base_url`. */
    baseUrl?: string;
    /** Default key when a flow's llm has no `api_key_ref`. */
    apiKey?: string;
    /** Time to wait for the server's response headers, per attempt. Default 120 s. */
    timeoutMs?: number;
  };
  /** Named secrets that a flow's `api_key_ref` refers to; flows never hold keys themselves. */
  secrets: Record<string, string>;
  retry: RetryPolicy;
}
