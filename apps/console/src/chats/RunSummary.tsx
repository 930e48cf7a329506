import type { Message } from '@conclave/sdk';
import type { RunOutcome } from './useChatFeed';

/** Cost and usage: each run's outcome and tokens, and the chat's totals. */
export function RunSummary({ runs, messages }: { runs: RunOutcome[]; messages: Message[] }) {
  const tokens = messages.reduce((sum, m) => sum + (m.usage?.total_tokens ?? 0), 0);
  const credits = messages.reduce((sum, m) => sum + Number((m as { credits?: unknown }).credits ?? 0), 0);
  return (
    <aside className="run-summary" aria-label="Runs and usage">
      <h2>Runs and usage</h2>
      <p>
        {messages.length} messages · {tokens} tokens{credits ? ` · ${credits} credits` : ''}
      </p>
      {runs.length > 0 && (
        <ul>
          {runs.map((run, i) => (
            <li key={`${run.run_id}-${i}`}>
              Run <code>{run.run_id.slice(0, 8)}</code> {run.type.replace('run.', '')}
              {run.termination_reason && <> — {run.termination_reason.replace(/_/g, ' ')}</>}
              {run.usage && <> · {run.usage.total_tokens} tokens</>}
              {run.error && <span className="error"> · {run.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
