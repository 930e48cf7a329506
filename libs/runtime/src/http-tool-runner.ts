import type { ToolCall, ToolSpec } from '@conclave/domain';

/**
 * Calls a flow's HTTP tools. Every failure becomes the tool's result text, as in AG2 (a tool error
 * never fails the run). GET sends the arguments as query parameters, other methods as a JSON body.
 */
export class HttpToolRunner {
  constructor(private readonly secrets: Record<string, string>) {}

  async run(
    calls: { call: ToolCall; tool: ToolSpec }[],
    signal?: AbortSignal,
  ): Promise<{ tool_call_id: string; content: string }[]> {
    return Promise.all(
      calls.map(async ({ call, tool }) => ({
        tool_call_id: call.id,
        content: await this.runOne(call, tool, signal),
      })),
    );
  }

  private async runOne(call: ToolCall, tool: ToolSpec, signal?: AbortSignal): Promise<string> {
    const http = tool.http;
    if (!http) return `Error: Function ${tool.name} has no HTTP endpoint.`;
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = call.arguments ? JSON.parse(call.arguments) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      args = parsed as Record<string, unknown>;
    } catch {
      return `Error: the arguments of ${tool.name} are not valid JSON: ${call.arguments}`;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(http.headers)) {
      if (typeof value === 'string') headers[name] = value;
      else if (this.secrets[value.secret] !== undefined) headers[name] = this.secrets[value.secret];
      else return `Error: secret ${value.secret} is not configured.`;
    }
    const url = new URL(http.url);
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
      const response = await fetch(url, {
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
      const reason = timeout.aborted ? `timed out after ${http.timeout_ms} ms` : (err as Error).message;
      return `Error: ${tool.name} failed: ${reason}`;
    }
  }
}
