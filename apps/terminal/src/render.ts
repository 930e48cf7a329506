/** What the terminal prints: pure functions, so the wording is tested without a terminal. */
export interface TerminalMessage {
  type: string;
  sender: string;
  receiver: string | null;
  content: string | null;
  tool_calls?: { id: string; name: string; arguments: unknown }[] | null;
  tool_call_id?: string | null;
}

export interface TerminalInputRequest {
  agent: string;
  prompt: string;
  kind: 'text' | 'speaker' | 'tool_outputs';
  options?: string[];
  tool_calls?: { id: string; name: string; arguments: unknown }[];
}

export function renderMessage(m: TerminalMessage): string {
  const head = `${m.sender}${m.receiver ? ` → ${m.receiver}` : ''}`;
  if (m.type === 'tool') return `${head} [tool result ${m.tool_call_id ?? ''}]: ${m.content ?? ''}`;
  const calls = (m.tool_calls ?? [])
    .map((c) => `\n  [tool call ${c.name}(${JSON.stringify(c.arguments)})]`)
    .join('');
  return `${head}: ${m.content ?? ''}${calls}`;
}

export function renderRequest(r: TerminalInputRequest): string {
  if (r.kind === 'speaker')
    return `Choose who speaks next:\n${(r.options ?? []).map((o, i) => `  ${i + 1}) ${o}`).join('\n')}`;
  if (r.kind === 'tool_outputs') return `${r.agent} needs tool results (one line each):`;
  return `${r.prompt}\n(empty = let the agent auto-reply, "exit" ends the conversation)`;
}

/** A speaker answer: a number from the list or a name; null when it is neither. */
export function parseSpeakerChoice(line: string, options: string[]): string | null {
  const text = line.trim();
  if (text === 'exit') return text;
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= options.length) return options[n - 1];
  return options.find((o) => o.toLowerCase() === text.toLowerCase()) ?? null;
}

export function renderEnd(
  type: string,
  data: { termination_reason?: string | null; error?: string | null },
): string {
  const how = type === 'run.failed' ? 'failed' : type === 'run.cancelled' ? 'cancelled' : 'ended';
  const reason = data.termination_reason ? `: ${data.termination_reason.replace(/_/g, ' ')}` : '';
  return `— run ${how}${reason}${data.error ? ` (${data.error})` : ''}`;
}
