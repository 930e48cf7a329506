import type { ToolCall, ToolSpec } from '@conclave/domain';
import { findEgressError } from '@conclave/egress';

export interface HttpToolLimits {
  /** Calls of one reply executed; later ones get an error result instead (a reply is untrusted). */
  maxCallsPerReply: number;
  /** Calls of one reply in flight at once. */
  concurrency: number;
}

export interface ToolRunContext {
  signal?: AbortSignal;
  /**
   * The value of a `{secret: NAME}` header for a request to `url`, or a thrown error whose message
   * says why not (unknown, or not bound to that host). Resolved per request, so that a secret only
   * ever goes where its owner allowed.
   */
  secret: (name: string, url: URL) => Promise<string>;
}

/** A call's result text; `executed` when the server made (or attempted) the request — what is charged. */
export interface ToolRunResult {
  tool_call_id: string;
  content: string;
  executed: boolean;
}

export const DEFAULT_TOOL_LIMITS: HttpToolLimits = { maxCallsPerReply: 16, concurrency: 4 };

/**
 * Calls a flow's HTTP tools. Every failure becomes the tool's result text, as in AG2 (a tool error
 * never fails the run). GET sends the arguments as query parameters, other methods as a JSON body.
 * Requests go through the egress policy's fetch (`@conclave/egress`): a refused target or a body
 * over the size cap is a readable error result.
 */
export class HttpToolRunner {
  constructor(
    private readonly fetch: typeof globalThis.fetch,
    private readonly limits: HttpToolLimits = DEFAULT_TOOL_LIMITS,
  ) {}

  async run(calls: { call: ToolCall; tool: ToolSpec }[], context: ToolRunContext): Promise<ToolRunResult[]> {
    const { maxCallsPerReply, concurrency } = this.limits;
    const results = new Array<ToolRunResult>(calls.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < calls.length; i = next++) {
        const { call, tool } = calls[i];
        const executed = i < maxCallsPerReply;
        const content = executed
          ? await this.runOne(call, tool, context)
          : `Error: ${tool.name} was not called: a reply may make at most ${maxCallsPerReply} tool calls (TOOL_MAX_CALLS_PER_REPLY).`;
        results[i] = { tool_call_id: call.id, content, executed };
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, worker));
    return results;
  }

  /** A server that echoes its headers must not put a secret into the transcript. */
  private async runOne(call: ToolCall, tool: ToolSpec, context: ToolRunContext): Promise<string> {
    const used: string[] = [];
    const content = await this.execute(call, tool, context, used);
    return used.reduce(
      (text, secret) => (secret.length >= 4 ? text.split(secret).join('***') : text),
      content,
    );
  }

  private async execute(
    call: ToolCall,
    tool: ToolSpec,
    context: ToolRunContext,
    used: string[],
  ): Promise<string> {
    const { signal } = context;
    const http = tool.http;
    if (!http) return `Error: Function ${tool.name} has no HTTP endpoint.`;
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = call.arguments ? JSON.parse(call.arguments) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      args = parsed as Record<string, unknown>;
    } catch {
      return `Error: the arguments of ${tool.name} are not valid JSON: ${call.arguments.slice(0, 2000)}`;
    }
    const url = new URL(http.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(http.headers)) {
      if (typeof value === 'string') {
        headers[name] = value;
        continue;
      }
      try {
        headers[name] = await context.secret(value.secret, url);
        used.push(headers[name]);
      } catch (err) {
        return `Error: ${tool.name} was not called: ${(err as Error).message}`;
      }
    }
    let body: string | undefined;
    if (http.method === 'GET') {
      for (const [k, v] of Object.entries(args))
        url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    } else {
      body = JSON.stringify(args);
      headers['content-type'] ??= 'application/json';
    }
    const timeout = AbortSignal.timeout(http.timeout_ms);
    try {
      const response = await this.fetch(url, {
        method: http.method,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      if (!response.ok) return `Error: ${tool.name} answered HTTP ${response.status}: ${text.slice(0, 2000)}`;
      return text;
    } catch (err) {
      if (signal?.aborted) throw err;
      const egress = findEgressError(err);
      const reason = egress
        ? egress.message
        : timeout.aborted
          ? `timed out after ${http.timeout_ms} ms`
          : (err as Error).message;
      return `Error: ${tool.name} failed: ${reason}`;
    }
  }
}
