import type { ModelReply, ModelRequest } from '@conclave/domain';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessageChunk } from '@langchain/core/messages';
import { raceWithSignal } from './abort';
import { ChatModelFactory } from './chat-model-factory';
import type { LlmConfig } from './llm-config';
import { toModelReply } from './model-reply';
import { toOpenAiTools } from './openai/openai-chat-model';
import { toLangChainMessages } from './prompt-messages';
import { ModelProviderError } from './errors';
import { providerHint } from './providers/provider-keys';
import { callWithRetry } from './retry';
import { promptText } from './token-estimate';

export interface InvokeOptions {
  /** Aborts the call (and any retry wait) at once; the call then rejects with an `isAbortError` error. */
  signal?: AbortSignal;
  /** Text deltas of a streaming provider (`stream: true`), in order. Errors thrown here are ignored. */
  onDelta?: (text: string) => void;
  /** The key for an `api_key_ref`, resolved by the caller under the secret rules (never logged). */
  apiKey?: string;
}

/** The runtime's one entry point to models: `call_model` step in, `model_reply` outcome out. */
export interface ModelInvoker {
  invoke(request: ModelRequest, options?: InvokeOptions): Promise<ModelReply>;
}

/**
 * Calls the flow's model with retry and backoff on transient failures, then fails with
 * `ModelProviderError` whose message is fit to show as a run's failure reason.
 *
 * A streaming attempt that fails part-way is retried from the start, so `onDelta` may see the
 * beginning of a reply again; deltas are a preview, the returned reply is what counts.
 */
export function createModelInvoker(config: LlmConfig): ModelInvoker {
  const factory = new ChatModelFactory(config);
  const redact = [...(config.redact ?? []), config.openai.apiKey ?? ''].filter((s) => s.length > 0);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async invoke(request, options = {}) {
      const secrets = options.apiKey ? [...redact, options.apiKey] : redact;
      const model = () => factory.modelFor(request.llm, options.apiKey);
      try {
        return await callWithRetry(
          { provider: request.llm.provider, policy: config.retry, signal: options.signal, secrets },
          () =>
            // `openai` keeps its client's own timeout (headers only); the others get one per attempt.
            request.llm.provider === 'openai' || request.llm.provider === 'scripted'
              ? raceWithSignal(callModelOnce(model(), request, options), options.signal)
              : withAttemptTimeout(timeoutMs, options.signal, (signal) =>
                  callModelOnce(model(), request, { ...options, signal }),
                ),
        );
      } catch (err) {
        throw withProviderHint(err);
      }
    },
  };
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** A model call attempt that ran past its deadline; transient (retried), unlike the caller's abort. */
export class ModelTimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(ms: number) {
    super(`no complete reply within ${ms} ms (LLM_TIMEOUT_MS)`);
  }
}

/**
 * Runs one attempt with its own deadline. The attempt's signal aborts on the caller's abort (which
 * stays an abort) or on the deadline (which becomes `ModelTimeoutError`).
 */
async function withAttemptTimeout<T>(
  ms: number,
  caller: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ModelTimeoutError(ms)), ms);
  const onAbort = () => controller.abort(caller?.reason);
  caller?.addEventListener('abort', onAbort, { once: true });
  try {
    return await raceWithSignal(attempt(controller.signal), controller.signal);
  } catch (err) {
    if (!caller?.aborted && controller.signal.reason instanceof ModelTimeoutError)
      throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onAbort);
  }
}

/** Appends what to check (the setting to change) to a provider failure. */
function withProviderHint(err: unknown): unknown {
  if (!(err instanceof ModelProviderError)) return err;
  const hint = providerHint(err.provider, err.status, err.causeMessage);
  if (!hint) return err;
  return new ModelProviderError(err.provider, err.attempts, `${err.causeMessage} (${hint})`, err.status);
}

async function callModelOnce(
  model: BaseChatModel,
  request: ModelRequest,
  options: InvokeOptions,
): Promise<ModelReply> {
  const messages = toLangChainMessages(request.messages);
  // Scripted replies carry their own tool calls; only real models are told about the tools.
  const runnable =
    request.llm.provider !== 'scripted' && request.tools.length > 0 && model.bindTools
      ? model.bindTools(toOpenAiTools(request.tools))
      : model;
  // Lazy: most providers (and the scripted one) report usage, so the estimate's input is rarely needed.
  const prompt = () => promptText(request.messages);
  // `callIndex` is read by the scripted provider only (a call option other models ignore).
  const callOptions = { signal: options.signal, callIndex: request.call_index } as { signal?: AbortSignal };
  if (!request.llm.stream) {
    return toModelReply(await runnable.invoke(messages, callOptions), prompt);
  }
  let reply: AIMessageChunk | undefined;
  for await (const chunk of await runnable.stream(messages, callOptions)) {
    if (chunk.text) emitDelta(options.onDelta, chunk.text);
    reply = reply ? reply.concat(chunk) : chunk;
  }
  return toModelReply(reply ?? new AIMessageChunk({ content: '' }), prompt);
}

/** Deltas are an ephemeral preview (README: real-time): a failing publisher must not fail the model call. */
function emitDelta(onDelta: InvokeOptions['onDelta'], text: string): void {
  if (!onDelta) return;
  try {
    const result: unknown = onDelta(text);
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // ignored on purpose, see above
  }
}
