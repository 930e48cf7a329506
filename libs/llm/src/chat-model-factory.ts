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

  modelFor(llm: LlmSpec): BaseChatModel {
    const key = JSON.stringify(llm);
    const cached = this.models.get(key);
    if (cached) return cached;
    const model = this.create(llm);
    if (this.models.size >= MAX_CACHED_MODELS) this.models.delete(this.models.keys().next().value!);
    this.models.set(key, model);
    return model;
  }

  private create(llm: LlmSpec): BaseChatModel {
    switch (llm.provider) {
      case 'scripted':
        return new ScriptedChatModel(llm);
      case 'openai':
        return createOpenAiChatModel(llm, this.config);
      case 'anthropic':
        return createAnthropicChatModel(llm, this.config);
      case 'google':
        return createGoogleChatModel(llm, this.config);
      case 'azure_openai':
        return createAzureOpenAiChatModel(llm, this.config);
      case 'ollama':
        return createOllamaChatModel(llm, this.config);
    }
  }
}
