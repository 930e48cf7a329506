import type { GoogleLlmSpec } from '@conclave/domain';
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import type { LlmConfig } from '../llm-config';
import { providerKey } from './provider-keys';

/**
 * The `google` provider: `@langchain/google-genai` (Gemini `generateContent` and
 * `streamGenerateContent`). Google's client always uses the global fetch (it takes no custom one),
 * so the egress policy cannot wrap it; instead a flow cannot choose where it connects: only the
 * operator's `GOOGLE_BASE_URL` (default Google's API) is used.
 */
export function createGoogleChatModel(
  spec: GoogleLlmSpec,
  config: LlmConfig,
  apiKey?: string,
): ChatGoogleGenerativeAI {
  const defaults = config.providers?.google ?? {};
  return new ChatGoogleGenerativeAI({
    model: spec.model,
    temperature: spec.temperature,
    maxOutputTokens: spec.max_tokens,
    apiKey: providerKey(spec, defaults.apiKey, config, apiKey),
    ...(defaults.baseUrl ? { baseUrl: defaults.baseUrl } : {}),
    maxRetries: 0,
    streamUsage: true,
  });
}
