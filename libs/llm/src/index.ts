export { createModelInvoker, type InvokeOptions, type ModelInvoker } from './model-invoker';
export type { LlmConfig } from './llm-config';
export type { RetryPolicy } from './retry';
export { isAbortError, ModelCallAbortedError, ModelProviderError } from './errors';
export { ScriptedChatModel } from './scripted/scripted-chat-model';
export { chooseScriptedAnswer } from './scripted/scripted-reply';
export { createOpenAiChatModel } from './openai/openai-chat-model';
export { missingApiKeyVariable, providerKeyWarnings } from './openai/provider-key';
export { OPENAI_DEFAULT_BASE_URL, providerEndpoint } from './providers/provider-endpoints';
