import type { ScriptedLlmSpec } from '@conclave/domain';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
} from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  type InvalidToolCall,
  type ToolCall as LangChainToolCall,
} from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { abortableSleep } from '../abort';
import { estimateUsage } from '../token-estimate';
import { chooseScriptedAnswer, type ScriptedAnswer, type ScriptedPromptMessage } from './scripted-reply';

export interface ScriptedCallOptions extends BaseChatModelCallOptions {
  /** The agent's model calls so far in the chat (`ModelRequest.call_index`): picks `replies[k]`. */
  callIndex?: number;
}

/**
 * The `scripted` provider (README: Flows, providers) as a LangChain chat model, so the demo agent and the tests
 * go through the same code path as a real model. Deterministic: the answer depends only on the
 * prompt (see `chooseScriptedAnswer`).
 */
export class ScriptedChatModel extends BaseChatModel<ScriptedCallOptions> {
  static override lc_name(): string {
    return 'ScriptedChatModel';
  }

  constructor(
    readonly spec: ScriptedLlmSpec,
    params: BaseChatModelParams = {},
  ) {
    super(params);
  }

  _llmType(): string {
    return 'scripted';
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const answer = await this.answer(messages, options);
    const message = new AIMessage({
      content: answer.content ?? '',
      ...splitToolCalls(answer),
      usage_metadata: usageFor(messages, answer),
    });
    return { generations: [{ text: answer.content ?? '', message }] };
  }

  /** Emits the text token by token (words with their trailing whitespace), then tool calls and usage. */
  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const answer = await this.answer(messages, options);
    for (const token of splitTokens(answer.content ?? '')) {
      options.signal?.throwIfAborted();
      const chunk = new ChatGenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
    }
    if (answer.tool_calls.length > 0) {
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: answer.tool_calls.map((c, index) => ({
            type: 'tool_call_chunk' as const,
            id: c.id,
            name: c.name,
            args: c.arguments,
            index,
          })),
        }),
      });
    }
    yield new ChatGenerationChunk({
      text: '',
      message: new AIMessageChunk({ content: '', usage_metadata: usageFor(messages, answer) }),
    });
  }

  private async answer(messages: BaseMessage[], options: ScriptedCallOptions): Promise<ScriptedAnswer> {
    if (this.spec.delay_ms > 0) await abortableSleep(this.spec.delay_ms, options.signal);
    return chooseScriptedAnswer(this.spec, messages.map(toScriptedPrompt), options.callIndex);
  }
}

/** Whitespace stays attached to the word before it, so the tokens concatenate back to the text. */
export function splitTokens(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * `message.text` for the common case without the cost: the getter builds content blocks and runs
 * them through every provider's block translator, which for a string content (no provider
 * translator on the message) yields exactly that string. It ran twice per prompt message per turn.
 */
function textOf(message: BaseMessage): string {
  const provider = (message.response_metadata as { model_provider?: unknown } | undefined)?.model_provider;
  return typeof message.content === 'string' && provider === undefined ? message.content : message.text;
}

function toScriptedPrompt(message: BaseMessage): ScriptedPromptMessage {
  const roles: Record<string, ScriptedPromptMessage['role']> = {
    system: 'system',
    ai: 'assistant',
    tool: 'tool',
  };
  return { role: roles[message.type] ?? 'user', content: textOf(message) };
}

/** Arguments that are not a JSON object become `invalid_tool_calls`, as with a real model. */
function splitToolCalls(answer: ScriptedAnswer): {
  tool_calls: LangChainToolCall[];
  invalid_tool_calls: InvalidToolCall[];
} {
  const tool_calls: LangChainToolCall[] = [];
  const invalid_tool_calls: InvalidToolCall[] = [];
  for (const c of answer.tool_calls) {
    let args: unknown;
    try {
      args = JSON.parse(c.arguments);
    } catch {
      args = undefined;
    }
    if (args && typeof args === 'object' && !Array.isArray(args)) {
      tool_calls.push({ type: 'tool_call', id: c.id, name: c.name, args: args as Record<string, unknown> });
    } else {
      invalid_tool_calls.push({
        type: 'invalid_tool_call',
        id: c.id,
        name: c.name,
        args: c.arguments,
        error: 'not a JSON object',
      });
    }
  }
  return { tool_calls, invalid_tool_calls };
}

function usageFor(messages: BaseMessage[], answer: ScriptedAnswer) {
  const completion = (answer.content ?? '') + answer.tool_calls.map((c) => c.name + c.arguments).join('');
  return estimateUsage(messages.map(textOf).join('\n'), completion);
}
