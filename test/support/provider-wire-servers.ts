import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Loopback servers speaking each model provider's real wire format, so the real LangChain client
 * code runs in tests (no network): Anthropic Messages (JSON and SSE), Gemini generateContent /
 * streamGenerateContent (SSE), Azure OpenAI deployments (Chat Completions JSON and SSE) and Ollama
 * `/api/chat` (JSON and NDJSON). Test-only: outside the build.
 */

/** What a provider request said, in one shape for assertions. */
export interface WireRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  stream: boolean;
  model: string;
  system: string;
  /** Text of every non-system message, in order. */
  texts: string[];
  /** Tool names the client declared. */
  tools: string[];
  /** Tool calls echoed back in an assistant message (the round trip's first half). */
  toolCalls: { id?: string; name: string; args: unknown }[];
  /** Tool results sent back to the model. */
  toolResults: { id?: string; name?: string; content: string }[];
  body: any;
}

export type WireAction =
  | { text: string }
  | { toolCall: { id: string; name: string; args: Record<string, unknown> } }
  | { status: number; message: string }
  /** Never answer (the client must time out). */
  | { hang: true };

export const WIRE_USAGE = { input: 11, output: 7 };

export interface WireServer {
  /** Base URL for the client (provider-specific root, see each factory). */
  url: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

interface Dialect {
  matches(path: string): boolean;
  parse(body: any, path: string): Omit<WireRequest, 'path' | 'headers' | 'body'>;
  /** Writes a successful reply (JSON or stream). */
  reply(
    res: ServerResponse,
    req: WireRequest,
    action: Exclude<WireAction, { status: number } | { hang: true }>,
  ): void;
  error(res: ServerResponse, status: number, message: string): void;
}

async function startWireServer(
  dialect: Dialect,
  script: (req: WireRequest, index: number) => WireAction,
  baseOf: (origin: string) => string,
): Promise<WireServer> {
  const requests: WireRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
      else res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '';
    if (req.method !== 'POST' || !dialect.matches(path)) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `no route ${path}` }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    const request: WireRequest = { path, headers: req.headers, body, ...dialect.parse(body, path) };
    requests.push(request);
    const action = script(request, requests.length - 1);
    if ('hang' in action) return; // the socket stays open until the client gives up or close()
    if ('status' in action) return dialect.error(res, action.status, action.message);
    dialect.reply(res, request, action);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: baseOf(`http://127.0.0.1:${port}`),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

function sse(res: ServerResponse, events: { event?: string; data: unknown }[]) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events)
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`);
  res.end();
}

/** "Hello there" → ["Hello ", "there"]: a stream in several deltas. */
const pieces = (text: string) => text.match(/\S+\s*|\s+/g) ?? [''];

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((b: any) => (typeof b === 'string' ? b : (b?.text ?? ''))).join('')
      : '';

// ---------------------------------------------------------------- Anthropic Messages API

const anthropic: Dialect = {
  matches: (path) => path.startsWith('/v1/messages'),
  parse(body) {
    const out = {
      texts: [] as string[],
      toolCalls: [] as WireRequest['toolCalls'],
      toolResults: [] as WireRequest['toolResults'],
    };
    for (const m of body.messages ?? []) {
      if (typeof m.content === 'string') {
        out.texts.push(m.content);
        continue;
      }
      for (const block of m.content ?? []) {
        if (block.type === 'text') out.texts.push(block.text);
        if (block.type === 'tool_use')
          out.toolCalls.push({ id: block.id, name: block.name, args: block.input });
        if (block.type === 'tool_result')
          out.toolResults.push({ id: block.tool_use_id, content: textOf(block.content) });
      }
    }
    return {
      ...out,
      stream: body.stream === true,
      model: body.model,
      system: textOf(body.system),
      tools: (body.tools ?? []).map((t: any) => t.name),
    };
  },
  reply(res, req, action) {
    const usage = { input_tokens: WIRE_USAGE.input, output_tokens: WIRE_USAGE.output };
    const block =
      'text' in action
        ? { type: 'text', text: action.text }
        : {
            type: 'tool_use',
            id: action.toolCall.id,
            name: action.toolCall.name,
            input: action.toolCall.args,
          };
    const stop_reason = 'text' in action ? 'end_turn' : 'tool_use';
    const message = { id: 'msg_1', type: 'message', role: 'assistant', model: req.model };
    if (!req.stream) {
      return json(res, 200, { ...message, content: [block], stop_reason, stop_sequence: null, usage });
    }
    const deltas =
      'text' in action
        ? pieces(action.text).map((text) => ({ type: 'text_delta', text }))
        : [{ type: 'input_json_delta', partial_json: JSON.stringify(action.toolCall.args) }];
    const start = 'text' in action ? { type: 'text', text: '' } : { ...block, input: {} };
    sse(res, [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            ...message,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
          },
        },
      },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: start } },
      ...deltas.map((delta) => ({
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta },
      })),
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason, stop_sequence: null },
          usage: { output_tokens: usage.output_tokens },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
  },
  error(res, status, message) {
    const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : 'api_error';
    json(res, status, { type: 'error', error: { type, message } });
  },
};

/** Base URL for `anthropicApiUrl` (the SDK appends `/v1/messages`). */
export const startAnthropicServer = (script: (req: WireRequest, i: number) => WireAction) =>
  startWireServer(anthropic, script, (origin) => origin);

// ---------------------------------------------------------------- Gemini generateContent

const gemini: Dialect = {
  matches: (path) => /^\/v1beta\/models\/[^/:]+:(generateContent|streamGenerateContent)/.test(path),
  parse(body, path) {
    const out = {
      texts: [] as string[],
      toolCalls: [] as WireRequest['toolCalls'],
      toolResults: [] as WireRequest['toolResults'],
    };
    for (const c of body.contents ?? []) {
      for (const part of c.parts ?? []) {
        if (typeof part.text === 'string') out.texts.push(part.text);
        if (part.functionCall)
          out.toolCalls.push({ name: part.functionCall.name, args: part.functionCall.args });
        if (part.functionResponse) {
          const r = part.functionResponse.response;
          out.toolResults.push({
            name: part.functionResponse.name,
            content:
              typeof r === 'string'
                ? r
                : typeof r?.content === 'string'
                  ? r.content
                  : typeof r?.result === 'string'
                    ? r.result
                    : JSON.stringify(r),
          });
        }
      }
    }
    return {
      ...out,
      stream: path.includes(':streamGenerateContent'),
      model: /models\/([^/:]+):/.exec(path)?.[1] ?? '',
      system: (body.systemInstruction?.parts ?? []).map((p: any) => p.text ?? '').join(''),
      tools: (body.tools ?? []).flatMap((t: any) => (t.functionDeclarations ?? []).map((f: any) => f.name)),
    };
  },
  reply(res, req, action) {
    const usageMetadata = {
      promptTokenCount: WIRE_USAGE.input,
      candidatesTokenCount: WIRE_USAGE.output,
      totalTokenCount: WIRE_USAGE.input + WIRE_USAGE.output,
    };
    const candidate = (parts: unknown[], finish: boolean) => ({
      candidates: [
        { content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: 'STOP' } : {}) },
      ],
    });
    const parts =
      'text' in action
        ? [{ text: action.text }]
        : [{ functionCall: { name: action.toolCall.name, args: action.toolCall.args } }];
    if (!req.stream) return json(res, 200, { ...candidate(parts, true), usageMetadata });
    const chunks = 'text' in action ? pieces(action.text).map((text) => [{ text }]) : [parts];
    sse(
      res,
      chunks.map((p, i) => ({
        data: {
          ...candidate(p, i === chunks.length - 1),
          ...(i === chunks.length - 1 ? { usageMetadata } : {}),
        },
      })),
    );
  },
  error(res, status, message) {
    json(res, status, {
      error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' },
    });
  },
};

/** Base URL for `GOOGLE_BASE_URL` (the client appends `/v1beta/models/{model}:{task}`). */
export const startGeminiServer = (script: (req: WireRequest, i: number) => WireAction) =>
  startWireServer(gemini, script, (origin) => origin);

// ---------------------------------------------------------------- OpenAI Chat Completions (Azure paths)

const azure: Dialect = {
  matches: (path) => /^\/openai\/deployments\/[^/]+\/chat\/completions\?api-version=/.test(path),
  parse(body, path) {
    const out = {
      texts: [] as string[],
      toolCalls: [] as WireRequest['toolCalls'],
      toolResults: [] as WireRequest['toolResults'],
    };
    let system = '';
    for (const m of body.messages ?? []) {
      if (m.role === 'system' || m.role === 'developer') system += textOf(m.content);
      else if (m.role === 'tool') out.toolResults.push({ id: m.tool_call_id, content: textOf(m.content) });
      else {
        if (m.content) out.texts.push(textOf(m.content));
        for (const c of m.tool_calls ?? [])
          out.toolCalls.push({
            id: c.id,
            name: c.function.name,
            args: JSON.parse(c.function.arguments || '{}'),
          });
      }
    }
    return {
      ...out,
      system,
      stream: body.stream === true,
      model: /deployments\/([^/]+)\//.exec(path)?.[1] ?? '',
      tools: (body.tools ?? []).map((t: any) => t.function.name),
    };
  },
  reply(res, req, action) {
    const usage = {
      prompt_tokens: WIRE_USAGE.input,
      completion_tokens: WIRE_USAGE.output,
      total_tokens: WIRE_USAGE.input + WIRE_USAGE.output,
    };
    const toolCalls =
      'toolCall' in action
        ? [
            {
              id: action.toolCall.id,
              type: 'function',
              function: { name: action.toolCall.name, arguments: JSON.stringify(action.toolCall.args) },
            },
          ]
        : undefined;
    const finish_reason = toolCalls ? 'tool_calls' : 'stop';
    const base = { id: 'chatcmpl-1', created: 1, model: req.model };
    if (!req.stream) {
      return json(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: 'text' in action ? action.text : null,
              ...(toolCalls ? { tool_calls: toolCalls } : {}),
            },
            finish_reason,
          },
        ],
        usage,
      });
    }
    const chunk = (delta: unknown, finish: string | null) => ({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const events: { data: unknown }[] = [{ data: chunk({ role: 'assistant', content: '' }, null) }];
    if ('text' in action)
      for (const p of pieces(action.text)) events.push({ data: chunk({ content: p }, null) });
    else events.push({ data: chunk({ tool_calls: toolCalls!.map((c, index) => ({ index, ...c })) }, null) });
    events.push({ data: chunk({}, finish_reason) });
    if (req.body.stream_options?.include_usage)
      events.push({ data: { ...base, object: 'chat.completion.chunk', choices: [], usage } });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events) res.write(`data: ${JSON.stringify(e.data)}\n\n`);
    res.end('data: [DONE]\n\n');
  },
  error(res, status, message) {
    json(res, status, { error: { code: String(status), message } });
  },
};

/** Endpoint for `AZURE_OPENAI_ENDPOINT` (the client appends `/openai/deployments/{d}/chat/completions`). */
export const startAzureOpenAiServer = (script: (req: WireRequest, i: number) => WireAction) =>
  startWireServer(azure, script, (origin) => origin);

// ---------------------------------------------------------------- Ollama /api/chat

const ollama: Dialect = {
  matches: (path) => path === '/api/chat',
  parse(body) {
    const out = {
      texts: [] as string[],
      toolCalls: [] as WireRequest['toolCalls'],
      toolResults: [] as WireRequest['toolResults'],
    };
    let system = '';
    for (const m of body.messages ?? []) {
      if (m.role === 'system') system += m.content;
      else if (m.role === 'tool') out.toolResults.push({ name: m.tool_name, content: m.content });
      else {
        if (m.content) out.texts.push(m.content);
        for (const c of m.tool_calls ?? [])
          out.toolCalls.push({ name: c.function.name, args: c.function.arguments });
      }
    }
    return {
      ...out,
      system,
      // Ollama streams unless told not to.
      stream: body.stream !== false,
      model: body.model,
      tools: (body.tools ?? []).map((t: any) => t.function.name),
    };
  },
  reply(res, req, action) {
    const base = { model: req.model, created_at: '2026-01-01T00:00:00Z' };
    const final = {
      done: true,
      done_reason: 'stop',
      prompt_eval_count: WIRE_USAGE.input,
      eval_count: WIRE_USAGE.output,
    };
    const toolCalls =
      'toolCall' in action
        ? [{ function: { name: action.toolCall.name, arguments: action.toolCall.args } }]
        : undefined;
    if (!req.stream) {
      return json(res, 200, {
        ...base,
        message: {
          role: 'assistant',
          content: 'text' in action ? action.text : '',
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        ...final,
      });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
    if ('text' in action)
      for (const p of pieces(action.text))
        line({ ...base, message: { role: 'assistant', content: p }, done: false });
    else line({ ...base, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
    line({ ...base, message: { role: 'assistant', content: '' }, ...final });
    res.end();
  },
  error(res, status, message) {
    json(res, status, { error: message });
  },
};

/** Base URL for `OLLAMA_BASE_URL`. */
export const startOllamaServer = (script: (req: WireRequest, i: number) => WireAction) =>
  startWireServer(ollama, script, (origin) => origin);
