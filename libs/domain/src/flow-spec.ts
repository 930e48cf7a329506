import { z } from 'zod';
import { compileRulePattern, compileUserPattern, userPatternError } from './user-pattern';

/**
 * The flow spec: a team of agents and how they talk. Validated with zod; the same schema is published
 * as JSON Schema at `GET /flows/schema`. Field names follow AG2.
 *
 * Every object is strict: a typo such as `max_turn` must not be dropped silently (the chat would run
 * with the default and cost real model calls), so unknown keys are errors naming the closest field.
 */

/**
 * A strict object whose unknown-key issue carries the known field names, so `formatZodIssues` can
 * suggest the closest one (zod keeps extra properties an error map puts on the issue).
 */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      (issue as { known?: string[] }).known = known;
      return 'unknown field';
    },
  });
}

const agentName = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_\- ]*$/,
    'agent names start with a letter or _ and use letters, digits, _, - or space',
  );

export const ToolCallSpec = strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
});
export type ToolCallSpec = z.infer<typeof ToolCallSpec>;

const ScriptedReply = z.union([
  z.string(),
  strictObject({
    content: z.string().nullable().default(null),
    tool_calls: z.array(ToolCallSpec).optional(),
  }),
]);
export type ScriptedReply = z.infer<typeof ScriptedReply>;

export const ScriptedLlm = strictObject({
  provider: z.literal('scripted'),
  /** Used in order; the last one repeats. */
  replies: z.array(ScriptedReply).default([]),
  /** First rule whose regex matches the last message wins over `replies`. */
  rules: z
    .array(
      strictObject({
        match: z
          .string()
          .min(1)
          .superRefine((match, ctx) => {
            const error = userPatternError(() => compileRulePattern(match));
            if (error) ctx.addIssue({ code: 'custom', message: error });
          }),
        reply: ScriptedReply,
      }),
    )
    .max(100)
    .default([]),
  /** Answer with the last message's content. */
  echo: z.boolean().default(false),
  /** At most 10 s: a scripted delay holds an execution slot (issue 10: one tenant must not starve the rest). */
  delay_ms: z.number().int().min(0).max(10_000).default(0),
  stream: z.boolean().default(false),
});

export const OpenAiLlm = strictObject({
  provider: z.literal('openai'),
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Any OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp). Default from configuration. */
  base_url: z.string().url().optional(),
  /** Name of the configured secret holding the key (never the key itself). */
  api_key_ref: z.string().min(1).optional(),
  stream: z.boolean().default(false),
});

/** Fields every hosted model shares: sampling, reply length, streaming and the key's secret name. */
const modelFields = {
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Name of the configured secret holding the key (never the key itself). */
  api_key_ref: z.string().min(1).optional(),
  stream: z.boolean().default(false),
};

/** Anthropic's Messages API. `max_tokens` defaults to 1024 (Anthropic requires one). */
export const AnthropicLlm = strictObject({
  provider: z.literal('anthropic'),
  model: z.string().min(1),
  /** Default from configuration (`ANTHROPIC_BASE_URL`), else Anthropic's API. */
  base_url: z.string().url().optional(),
  ...modelFields,
});

/**
 * Google Gemini (generateContent). No per-flow base URL: Google's client cannot use the egress
 * policy's fetch, so only the operator chooses where it connects (`GOOGLE_BASE_URL`).
 */
export const GoogleLlm = strictObject({
  provider: z.literal('google'),
  model: z.string().min(1),
  ...modelFields,
});

/** Azure OpenAI: a deployment of a resource (`https://<resource>.openai.azure.com`). */
export const AzureOpenAiLlm = strictObject({
  provider: z.literal('azure_openai'),
  deployment: z.string().min(1),
  /** Default from configuration (`AZURE_OPENAI_ENDPOINT`). */
  endpoint: z.string().url().optional(),
  api_version: z.string().min(1).default('2024-10-21'),
  ...modelFields,
});

/** A local Ollama server's native API (`/api/chat`). No key. */
export const OllamaLlm = strictObject({
  provider: z.literal('ollama'),
  model: z.string().min(1),
  /** Default from configuration (`OLLAMA_BASE_URL`), else `http://127.0.0.1:11434`. */
  base_url: z.string().url().optional(),
  temperature: modelFields.temperature,
  max_tokens: modelFields.max_tokens,
  stream: modelFields.stream,
});

export const LlmSpec = z.discriminatedUnion('provider', [
  ScriptedLlm,
  OpenAiLlm,
  AnthropicLlm,
  GoogleLlm,
  AzureOpenAiLlm,
  OllamaLlm,
]);
export type LlmSpec = z.infer<typeof LlmSpec>;
export type ScriptedLlmSpec = z.infer<typeof ScriptedLlm>;
export type OpenAiLlmSpec = z.infer<typeof OpenAiLlm>;
export type AnthropicLlmSpec = z.infer<typeof AnthropicLlm>;
export type GoogleLlmSpec = z.infer<typeof GoogleLlm>;
export type AzureOpenAiLlmSpec = z.infer<typeof AzureOpenAiLlm>;
export type OllamaLlmSpec = z.infer<typeof OllamaLlm>;

export const TerminationMatch = strictObject({
  type: z.enum(['exact', 'contains', 'regex']),
  value: z.string().min(1).max(10_000),
  case_sensitive: z.boolean().default(true),
}).superRefine((m, ctx) => {
  // Checked at save: a regex must run in RE2 (linear time), see user-pattern.ts.
  if (m.type !== 'regex') return;
  const error = userPatternError(() => compileUserPattern(m.value, { caseInsensitive: !m.case_sensitive }));
  if (error) ctx.addIssue({ code: 'custom', path: ['value'], message: error });
});
export type TerminationMatch = z.infer<typeof TerminationMatch>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const ToolSpec = strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tool names use letters, digits, _ and -'),
  description: z.string().max(2000).default(''),
  parameters: jsonSchemaObject.default({ type: 'object', properties: {} }),
  /** `http`: the server calls it; `client`: the chat pauses for `tool_outputs` from the API caller. */
  kind: z.enum(['http', 'client']).default('client'),
  http: strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string().url(),
    /** Header values are literal strings or `{secret: NAME}` looked up in configuration. */
    headers: z
      .record(z.string(), z.union([z.string(), strictObject({ secret: z.string().min(1) })]))
      .default({}),
    timeout_ms: z.number().int().min(1).max(120_000).default(10_000),
  }).optional(),
});
export type ToolSpec = z.infer<typeof ToolSpec>;

export const HumanInputMode = z.enum(['ALWAYS', 'TERMINATE', 'NEVER']);
export type HumanInputMode = z.infer<typeof HumanInputMode>;

export const AgentType = z.enum(['user_proxy', 'assistant', 'conversable']);
export type AgentType = z.infer<typeof AgentType>;

export const SummaryMethod = z.enum(['last_msg', 'reflection_with_llm']);

/**
 * AG2 `register_nested_chats` trigger: which senders make the agent answer with its nested chats.
 * An agent name (the group manager's name included), or `{type}` for every agent of that type.
 */
export const NestedChatTrigger = z.union([
  agentName,
  strictObject({ type: z.enum(['user_proxy', 'assistant', 'conversable', 'group_manager']) }),
]);
export type NestedChatTrigger = z.infer<typeof NestedChatTrigger>;

/** One inner chat of the queue: an ordinary two-agent chat (history cleared). */
export const NestedChatEntry = strictObject({
  recipient: agentName,
  /** Default: the agent that owns the queue. */
  sender: agentName.optional(),
  /** First chat: default the triggering message's content. An empty message skips the chat (AG2). */
  message: z.string().max(100_000).optional(),
  max_turns: z.number().int().min(1).max(10_000).optional(),
  summary_method: SummaryMethod.default('last_msg'),
});

export const NestedChats = strictObject({
  trigger: z.union([NestedChatTrigger, z.array(NestedChatTrigger).min(1)]),
  chat_queue: z.array(NestedChatEntry).min(1).max(20),
});
export type NestedChatsSpec = z.infer<typeof NestedChats>;

/**
 * Retrieval for an agent: before each of its replies the newest message is searched in `base` (a
 * knowledge base id or name) and the best `top_k` chunks scoring at least `min_score` (0..1) go into
 * its prompt; the reply lists them in `meta.sources`. `null` switches off the agent resource's
 * default base for this agent.
 */
export const KnowledgeRef = strictObject({
  base: z.string().trim().min(1).max(200),
  top_k: z.number().int().min(1).max(20).default(4),
  min_score: z.number().min(0).max(1).default(0),
});
export type KnowledgeRef = z.infer<typeof KnowledgeRef>;

export const AgentSpec = strictObject({
  name: agentName,
  type: AgentType.default('conversable'),
  description: z.string().max(4000).optional(),
  /** Defaults by type follow AG2 (see libs/engine agent defaults). */
  system_message: z.string().max(100_000).optional(),
  human_input_mode: HumanInputMode.optional(),
  max_consecutive_auto_reply: z.number().int().min(0).max(10_000).optional(),
  /** Default: content is exactly `TERMINATE`. */
  is_termination_msg: TerminationMatch.optional(),
  /** Reply when the agent has nothing else to say (AG2 default ""). */
  default_auto_reply: z.string().max(100_000).optional(),
  llm: LlmSpec.nullable().optional(),
  tools: z.array(ToolSpec).max(64).default([]),
  /** Answer a matching sender by running these inner chats and replying with the last one's summary. */
  nested_chats: NestedChats.optional(),
  /** Seconds a question from this agent may wait before `input.overdue` is emitted (operators' SLA). */
  input_sla_seconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .optional(),
  knowledge: KnowledgeRef.nullable().optional(),
});
export type AgentSpec = z.infer<typeof AgentSpec>;

export const TwoAgentChat = strictObject({
  type: z.literal('two_agent'),
  initiator: agentName,
  recipient: agentName,
  max_turns: z.number().int().min(1).max(10_000).optional(),
  summary_method: SummaryMethod.default('last_msg'),
});

export const GroupChat = strictObject({
  type: z.literal('group'),
  initiator: agentName,
  /** Members; default all agents of the flow. */
  agents: z.array(agentName).min(1).optional(),
  max_round: z.number().int().min(1).max(10_000).default(10),
  speaker_selection: z.enum(['auto', 'round_robin', 'random', 'manual']).default('auto'),
  max_retries_for_selecting_speaker: z.number().int().min(0).max(10).default(2),
  allow_repeat_speaker: z.boolean().default(true),
  /** Directed graph: speaker → agents allowed to speak next. */
  allowed_transitions: z.record(z.string(), z.array(agentName)).optional(),
  send_introductions: z.boolean().default(false),
  manager: strictObject({
    name: agentName.default('chat_manager'),
    llm: LlmSpec.nullable().optional(),
    system_message: z.string().max(100_000).optional(),
    is_termination_msg: TerminationMatch.optional(),
  }).default({ name: 'chat_manager' }),
  summary_method: SummaryMethod.default('last_msg'),
});

export const SequentialChat = strictObject({
  type: z.literal('sequential'),
  chats: z
    .array(
      strictObject({
        initiator: agentName,
        recipient: agentName,
        /** The first chat's message is the user's; later chats need their own. */
        message: z.string().max(100_000).optional(),
        max_turns: z.number().int().min(1).max(10_000).optional(),
        summary_method: SummaryMethod.default('last_msg'),
      }),
    )
    .min(1)
    .max(100),
});

export const ChatSpec = z.discriminatedUnion('type', [TwoAgentChat, GroupChat, SequentialChat]);
export type ChatSpec = z.infer<typeof ChatSpec>;
export type TwoAgentChatSpec = z.infer<typeof TwoAgentChat>;
export type GroupChatSpec = z.infer<typeof GroupChat>;
export type SequentialChatSpec = z.infer<typeof SequentialChat>;

export const FlowSpecSchema = strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(4000).optional(),
  agents: z.array(AgentSpec).min(1).max(100),
  chat: ChatSpec,
  /** Seconds an input request stays open before the run ends with `input_timeout`. */
  input_timeout: z
    .number()
    .int()
    .positive()
    .max(30 * 24 * 3600)
    .optional(),
}).superRefine((flow, ctx) => {
  const names = new Set<string>();
  flow.agents.forEach((a, i) => {
    if (names.has(a.name))
      ctx.addIssue({
        code: 'custom',
        path: ['agents', i, 'name'],
        message: `duplicate agent name "${a.name}"`,
      });
    names.add(a.name);
  });
  const known = (name: string, path: (string | number)[]) => {
    if (!names.has(name)) ctx.addIssue({ code: 'custom', path, message: `unknown agent "${name}"` });
  };
  const chat = flow.chat;
  if (chat.type === 'two_agent') {
    known(chat.initiator, ['chat', 'initiator']);
    known(chat.recipient, ['chat', 'recipient']);
    if (chat.initiator === chat.recipient)
      ctx.addIssue({
        code: 'custom',
        path: ['chat', 'recipient'],
        message: 'recipient must differ from initiator',
      });
  } else if (chat.type === 'group') {
    known(chat.initiator, ['chat', 'initiator']);
    chat.agents?.forEach((n, i) => known(n, ['chat', 'agents', i]));
    for (const [from, tos] of Object.entries(chat.allowed_transitions ?? {})) {
      known(from, ['chat', 'allowed_transitions', from]);
      tos.forEach((t, i) => known(t, ['chat', 'allowed_transitions', from, i]));
    }
    if (names.has(chat.manager.name))
      ctx.addIssue({
        code: 'custom',
        path: ['chat', 'manager', 'name'],
        message: 'manager name clashes with an agent',
      });
  } else {
    chat.chats.forEach((c, i) => {
      known(c.initiator, ['chat', 'chats', i, 'initiator']);
      known(c.recipient, ['chat', 'chats', i, 'recipient']);
      if (i > 0 && c.message === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['chat', 'chats', i, 'message'],
          message: 'chats after the first need a message',
        });
    });
  }
  const managerName = chat.type === 'group' ? chat.manager.name : undefined;
  flow.agents.forEach((a, i) => {
    const nested = a.nested_chats;
    if (!nested) return;
    const at = ['agents', i, 'nested_chats'];
    const triggers = Array.isArray(nested.trigger) ? nested.trigger : [nested.trigger];
    triggers.forEach((t, j) => {
      if (typeof t === 'string' && t !== managerName)
        known(t, [...at, 'trigger', ...(Array.isArray(nested.trigger) ? [j] : [])]);
    });
    nested.chat_queue.forEach((c, j) => {
      known(c.recipient, [...at, 'chat_queue', j, 'recipient']);
      if (c.sender !== undefined) known(c.sender, [...at, 'chat_queue', j, 'sender']);
      if ((c.sender ?? a.name) === c.recipient)
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'chat_queue', j, 'recipient'],
          message: 'recipient must differ from the sender (default: the agent itself)',
        });
    });
  });
  flow.agents.forEach((a, i) =>
    a.tools.forEach((t, j) => {
      if (t.kind === 'http' && !t.http)
        ctx.addIssue({
          code: 'custom',
          path: ['agents', i, 'tools', j, 'http'],
          message: 'http tools need an http block',
        });
    }),
  );
});

export type FlowSpec = z.infer<typeof FlowSpecSchema>;
/** What clients send (defaults not yet applied). */
export type FlowSpecInput = z.input<typeof FlowSpecSchema>;

export type FlowParseResult = { ok: true; flow: FlowSpec } | { ok: false; errors: string[] };

/** Validates a flow; errors name the bad field, e.g. `agents.1.llm.provider: Invalid input`. */
export function parseFlowSpec(input: unknown): FlowParseResult {
  const result = FlowSpecSchema.safeParse(input);
  if (result.success) return { ok: true, flow: result.data };
  return { ok: false, errors: formatZodIssues(result.error.issues) };
}

export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const known = (issue as { known?: string[] }).known ?? [];
      return issue.keys.map((key) => `${[...issue.path, key].join('.')}: ${unknownFieldMessage(key, known)}`);
    }
    const path = issue.path.length ? issue.path.join('.') : '(body)';
    // A message that already names its field (`message is required`) is not prefixed twice.
    return [issue.message.startsWith(`${path} `) ? issue.message : `${path}: ${issue.message}`];
  });
}

/** `unknown field (did you mean human_input_mode?)`, or the list of known fields when none is close. */
export function unknownFieldMessage(key: string, known: readonly string[]): string {
  const closest = closestName(key, known);
  if (closest) return `unknown field (did you mean ${closest}?)`;
  return known.length ? `unknown field (known fields: ${known.join(', ')})` : 'unknown field';
}

/** The known name within edit distance ~⅓ of the key's length (at least 2), the nearest first. */
export function closestName(key: string, known: readonly string[]): string | undefined {
  const needle = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(needle, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  const tolerance = Math.max(2, Math.floor(key.length / 3));
  return best && best.distance <= tolerance ? best.name : undefined;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters is one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The published JSON Schema of a flow (input side: defaults are optional). */
export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FlowSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
