import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OpenAI-compatible server for tests (docs/architecture.md, testing: the LLM is the only thing faked, and
 * the real client code runs). Speaks `POST /v1/chat/completions`, as JSON or, when the request says
 * `stream: true`, as SSE with tool-call deltas and a usage chunk if `stream_options.include_usage`.
 */

export interface FakeToolCall {
  name: string;
  /** An object is sent as its JSON text. */
  arguments: Record<string, unknown> | string;
}

export type FakeReply =
  | string
  | { content?: string | null; tool_calls?: FakeToolCall[] }
  /** Answer with an HTTP error, e.g. `{ error: { status: 400, message: 'bad request' } }`. */
  | { error: { status: number; message: string } };

export interface FakeOpenAiServerOptions {
  /** Used in order, the last one repeating; or computed from the request body (may be async, e.g. to hang). */
  replies: FakeReply[] | ((body: any) => FakeReply | Promise<FakeReply>);
  /** Answer 503 to the first N requests. */
  failFirst?: number;
  /** Streaming: after the first half of the tokens, wait for this (e.g. to watch a reply stream in). */
  midStream?: (body: any) => Promise<void>;
}

export interface FakeOpenAiServer {
  /** Base URL ending in `/v1`. */
  url: string;
  /** Parsed bodies of every chat completion request received, failed ones included. */
  requests: any[];
  /** Headers of those requests, same order (e.g. to check `authorization`). */
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

export async function startFakeOpenAiServer(opts: FakeOpenAiServerOptions): Promise<FakeOpenAiServer> {
  const requests: any[] = [];
  const headers: IncomingHttpHeaders[] = [];
  let answered = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, String(err));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
      return sendError(res, 404, `no route ${req.method} ${req.url}`);
    }
    const body = JSON.parse(await readBody(req));
    requests.push(body);
    headers.push(req.headers);
    const index = requests.length - 1;
    if (index < (opts.failFirst ?? 0)) return sendError(res, 503, 'Service Unavailable', 'server_error');
    const reply = await pickReply(opts.replies, body, answered++);
    if (typeof reply === 'object' && reply !== null && 'error' in reply) {
      return sendError(res, reply.error.status, reply.error.message);
    }
    const { content, toolCalls } = normalise(reply);
    const usage = usageFor(body, content, toolCalls);
    if (body.stream) return streamCompletion(res, body, content, toolCalls, usage, opts.midStream);
    sendJson(res, 200, {
      id: `chatcmpl-${index}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests (abort tests) would otherwise keep the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

async function pickReply(
  replies: FakeOpenAiServerOptions['replies'],
  body: any,
  n: number,
): Promise<FakeReply> {
  if (typeof replies === 'function') return replies(body);
  if (replies.length === 0) return '';
  return replies[Math.min(n, replies.length - 1)];
}

function normalise(reply: FakeReply): { content: string | null; toolCalls: WireToolCall[] } {
  if (typeof reply === 'string') return { content: reply, toolCalls: [] };
  if ('error' in reply) throw new Error('unreachable');
  const toolCalls = (reply.tool_calls ?? []).map((c, i) => ({
    id: `call_${i}`,
    type: 'function' as const,
    function: {
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    },
  }));
  return { content: reply.content ?? (toolCalls.length > 0 ? null : ''), toolCalls };
}

function usageFor(body: any, content: string | null, toolCalls: WireToolCall[]) {
  const prompt_tokens = Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4));
  const completionText =
    (content ?? '') + toolCalls.map((c) => c.function.name + c.function.arguments).join('');
  const completion_tokens = Math.max(1, Math.ceil(completionText.length / 4));
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

async function streamCompletion(
  res: ServerResponse,
  body: any,
  content: string | null,
  toolCalls: WireToolCall[],
  usage: ReturnType<typeof usageFor>,
  midStream?: (body: any) => Promise<void>,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const base = {
    id: 'chatcmpl-stream',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  const delta = (d: Record<string, unknown>, finish_reason: string | null = null) =>
    send({ ...base, choices: [{ index: 0, delta: d, finish_reason }] });

  delta({ role: 'assistant', content: '' });
  const tokens = (content ?? '').match(/\S+\s*|\s+/g) ?? [];
  const firstHalf = Math.ceil(tokens.length / 2);
  for (const token of tokens.slice(0, firstHalf)) delta({ content: token });
  if (midStream) await midStream(body);
  for (const token of tokens.slice(firstHalf)) delta({ content: token });
  toolCalls.forEach((c, index) => {
    delta({
      tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }],
    });
    // Arguments arrive in pieces, as from a real model.
    const half = Math.ceil(c.function.arguments.length / 2);
    for (const piece of [c.function.arguments.slice(0, half), c.function.arguments.slice(half)]) {
      if (piece) delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  delta({}, toolCalls.length > 0 ? 'tool_calls' : 'stop');
  if (body.stream_options?.include_usage) send({ ...base, choices: [], usage });
  res.end('data: [DONE]\n\n');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type = 'invalid_request_error',
): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } });
}
