import type { LlmSpec } from '@conclave/domain';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LlmConfig } from './llm-config';
import { createOpenAiChatModel } from './openai/openai-chat-model';
import { createAnthropicChatModel } from './providers/anthropic-chat-model';
import { createAzureOpenAiChatModel } from './providers/azure-openai-chat-model';
import { createGoogleChatModel } from './providers/google-chat-model';
import { createOllamaChatModel } from './providers/ollama-chat-model';
import { ScriptedChatModel } from './scripted/scripted-chat-model';

const MAX_CACHED_MODELS = 256;

/**
 * Builds the LangChain chat model for a flow's `llm`, reusing one per distinct spec so an OpenAI
 * client (and its connection pool) is not rebuilt on every turn. Bounded, oldest evicted first.
 */
export class ChatModelFactory {
  private readonly models = new Map<string, BaseChatModel>();

  constructor(private readonly config: LlmConfig) {}

  /** `apiKey`: the resolved `api_key_ref` of this call, if any (keys differ per account). */
  modelFor(llm: LlmSpec, apiKey?: string): BaseChatModel {
    const key = `${JSON.stringify(llm)}\u0000${apiKey ?? ''}`;
    const cached = this.models.get(key);
    if (cached) return cached;
    const model = this.create(llm, apiKey);
    if (this.models.size >= MAX_CACHED_MODELS) this.models.delete(this.models.keys().next().value!);
    this.models.set(key, model);
    return model;
  }

  private create(llm: LlmSpec, apiKey: string | undefined): BaseChatModel {
    switch (llm.provider) {
      case 'scripted':
        return new ScriptedChatModel(llm);
      case 'openai':
        return createOpenAiChatModel(llm, this.config, apiKey);
      case 'anthropic':
        return createAnthropicChatModel(llm, this.config, apiKey);
      case 'google':
        return createGoogleChatModel(llm, this.config, apiKey);
      case 'azure_openai':
        return createAzureOpenAiChatModel(llm, this.config, apiKey);
      case 'ollama':
        return createOllamaChatModel(llm, this.config);
    }
  }
}
