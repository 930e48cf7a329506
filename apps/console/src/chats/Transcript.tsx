import type { ReactNode } from 'react';
import type { Message } from '@conclave/sdk';

/** Why a speaker was chosen, in words (a group chat's `meta.speaker_selection`). */
function selectionNote(meta: Record<string, unknown>): string | null {
  const how = meta.speaker_selection;
  if (!how) return null;
  if (typeof how === 'string') return how.replace(/_/g, ' ');
  if (typeof how === 'object') {
    const m = how as { method?: string; attempts?: number; fallback?: boolean };
    const parts = [m.method?.replace(/_/g, ' ')];
    if (m.attempts && m.attempts > 1) parts.push(`${m.attempts} attempts`);
    if (m.fallback) parts.push('fallback');
    return parts.filter(Boolean).join(', ') || null;
  }
  return null;
}

interface SourceRef {
  source_id: string;
  title: string;
  url: string | null;
  chunk_id: string;
  score: number;
}

/** The knowledge a reply was given (`meta.sources`), so an operator sees why an agent answered so. */
function Sources({ meta }: { meta: Record<string, unknown> }) {
  const sources = Array.isArray(meta.sources) ? (meta.sources as SourceRef[]) : null;
  if (!sources) return null;
  if (sources.length === 0) return <p className="sources muted">No knowledge base excerpt matched.</p>;
  return (
    <ol className="sources" aria-label="Sources">
      {sources.map((s, i) => (
        <li key={s.chunk_id}>
          <span className="label">[{i + 1}]</span>{' '}
          {s.url ? (
            <a href={s.url} target="_blank" rel="noreferrer noopener">
              {s.title}
            </a>
          ) : (
            s.title
          )}{' '}
          <span className="muted">score {s.score.toFixed(2)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The conversation: who spoke to whom and why, tool calls and results, and tokens still streaming. */
export function Transcript({
  messages,
  streaming,
  actions,
}: {
  messages: Message[];
  streaming: Record<string, string>;
  /** Controls shown on each stored message (e.g. "Fork here"). */
  actions?: (message: Message) => ReactNode;
}) {
  return (
    <ol className="transcript" aria-label="Transcript" aria-live="polite" aria-relevant="additions">
      {messages.map((m) => {
        const why = selectionNote(m.meta ?? {});
        return (
          <li key={m.id} className={`message ${m.type}`}>
            <div className="meta">
              <strong>{m.sender}</strong>
              {m.receiver && <span> → {m.receiver}</span>}
              {why && <span className="why"> · chosen by {why}</span>}
              {m.usage && <span className="tokens"> · {m.usage.total_tokens} tokens</span>}
            </div>
            {m.type === 'tool' ? (
              <div className="tool-result">
                <span className="label">Tool result</span> <code>{m.tool_call_id}</code>
                <pre>{m.content}</pre>
              </div>
            ) : (
              m.content !== null && m.content !== '' && <p className="content">{m.content}</p>
            )}
            {m.content === '' && !m.tool_calls?.length && <p className="content muted">(empty)</p>}
            {m.tool_calls?.map((call) => (
              <div key={call.id} className="tool-call">
                <span className="label">Tool call</span> <code>{call.name}</code>
                <pre>{JSON.stringify(call.arguments, null, 2)}</pre>
              </div>
            ))}
            <Sources meta={m.meta ?? {}} />
            {actions?.(m)}
          </li>
        );
      })}
      {Object.entries(streaming).map(([agent, text]) => (
        <li key={`streaming-${agent}`} className="message assistant streaming" data-testid="streaming">
          <div className="meta">
            <strong>{agent}</strong> <span className="muted">is typing…</span>
          </div>
          <p className="content">{text}</p>
        </li>
      ))}
    </ol>
  );
}
