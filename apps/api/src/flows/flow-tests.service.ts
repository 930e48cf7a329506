import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import {
  type AccountScope,
  DomainError,
  notFound,
  parseFlowSpec,
  type FlowSpec,
  type TranscriptMessage,
} from '@conclave/domain';
import { engine } from '@conclave/engine';
import { createModelInvoker, type LlmConfig, type ModelInvoker, providerEndpoint } from '@conclave/llm';
import {
  ChatsRepository,
  Database,
  FlowsRepository,
  type PendingAnswer,
  RunsRepository,
} from '@conclave/persistence';
import {
  configuredLlm,
  createSecretResolver,
  replayConversation,
  resolveProviderKey,
  toTranscriptMessage,
  type RecordedConversation,
} from '@conclave/runtime';
import type { SecretResolver } from '@conclave/secrets';
import { FLOW_TEST_LIMITS, type FlowTestBody, type RecordedTranscriptBody } from './flow-tests';

/**
 * Regression-tests a flow version on recorded conversations: each is replayed in-process with its
 * recorded user messages, seeds and human answers, and the report says, per conversation, where the
 * new transcript first differs from the recorded one. Synchronous and bounded; nothing is stored.
 */
@Injectable()
export class FlowTestsService {
  private readonly llm: LlmConfig;
  private readonly models: ModelInvoker;
  private readonly secrets: SecretResolver;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    db: Database,
    private readonly flows: FlowsRepository,
    private readonly chats: ChatsRepository,
    private readonly runs: RunsRepository,
  ) {
    // The same model clients and secret rules as the run executor.
    this.llm = configuredLlm(config);
    this.models = createModelInvoker(this.llm);
    this.secrets = createSecretResolver(db, config);
  }

  /** Account management (the route is `@ManagesAccount()`): an agent-scoped key never gets here. */
  async test(owner: AccountScope, flowId: string, body: FlowTestBody) {
    const row = await this.flows.get(owner, flowId, body.version);
    if (!row) throw notFound(body.version ? `Flow version ${body.version}` : 'Flow');
    const parsed = parseFlowSpec(row.spec);
    if (!parsed.ok)
      throw new DomainError('unprocessable', `stored flow is invalid: ${parsed.errors.join('; ')}`);
    if (body.models === 'scripted') assertScripted(parsed.flow);

    const conversations = body.chat_ids
      ? await Promise.all(body.chat_ids.map((id) => this.recorded(owner, id)))
      : body.transcripts!.map(fromBody);
    const signal = AbortSignal.timeout(FLOW_TEST_LIMITS.timeoutMs);
    const reports = [];
    for (const [i, c] of conversations.entries()) {
      const models = {
        invoker: this.models,
        keyFor: (llm: FlowSpec['agents'][number]['llm'] & object) =>
          resolveProviderKey(this.secrets, (l) => providerEndpoint(l, this.llm), owner.accountId, llm),
      };
      const report = await replayConversation(engine, parsed.flow, c, models, {
        maxModelCalls: FLOW_TEST_LIMITS.maxModelCallsPerConversation,
        maxMessages: FLOW_TEST_LIMITS.maxMessagesPerConversation,
        signal,
      });
      reports.push({ ...(body.chat_ids ? { chat_id: body.chat_ids[i] } : { index: i }), ...report });
    }
    return {
      flow_id: row.id,
      version: row.version,
      models: body.models,
      passed: reports.filter((r) => r.status === 'pass').length,
      failed: reports.filter((r) => r.status !== 'pass').length,
      conversations: reports,
    };
  }

  private async recorded(owner: AccountScope, chatId: string): Promise<RecordedConversation> {
    const chat = await this.chats.get(owner, chatId);
    if (!chat) throw notFound(`Chat ${chatId}`);
    const [runs, messages] = await Promise.all([
      this.runs.recordedRuns(chatId),
      this.chats.messages(owner, chatId),
    ]);
    return {
      runs: runs.map((r) => ({
        message: r.input.message,
        seed: r.seed,
        context: r.input.context,
        answers: r.answers ?? [],
      })),
      messages: messages.map(toTranscriptMessage),
    };
  }
}

/** `scripted` runs no provider: every model of the version must be scripted. */
function assertScripted(flow: FlowSpec): void {
  const llms: [string, FlowSpec['agents'][number]['llm']][] = flow.agents.map((a, i) => [
    `agents.${i}.llm`,
    a.llm,
  ]);
  if (flow.chat.type === 'group') llms.push(['chat.manager.llm', flow.chat.manager.llm]);
  for (const [path, llm] of llms) {
    if (llm && llm.provider !== 'scripted')
      throw new DomainError(
        'invalid',
        `${path}: the ${llm.provider} provider is not scripted; pass "models": "live" to call it`,
      );
  }
}

function fromBody(t: RecordedTranscriptBody): RecordedConversation {
  return {
    runs: t.runs.map((r) => ({
      message: r.message,
      seed: r.seed,
      answers: r.answers.map((a): PendingAnswer =>
        typeof a === 'string'
          ? { kind: 'text', message: a }
          : { kind: 'tool_outputs', outputs: a.tool_outputs },
      ),
    })),
    messages: t.messages.map((m): TranscriptMessage => ({
      sender: m.sender,
      recipient: m.receiver ?? m.recipient ?? null,
      type: m.type,
      content: m.content,
      ...(m.tool_calls?.length
        ? { tool_calls: m.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) }
        : {}),
      ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
    })),
  };
}
