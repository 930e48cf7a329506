import type { Chat } from '@conclave/sdk';
import { formatWaited } from '../app/format';
import { useNow } from '../app/useNow';

/** What the person is asked: the agent's last message, else the input prompt itself. */
export function questionOf(chat: Chat): string {
  const request = chat.input_request;
  if (!request) return '';
  const q = request.question;
  if (q?.content) return `${q.sender}: ${q.content}`;
  if (request.kind === 'tool_outputs')
    return `Tool results needed: ${(request.tool_calls ?? []).map((c) => c.name).join(', ')}`;
  if (request.kind === 'speaker') return 'Choose the next speaker';
  return request.prompt;
}

export interface Names {
  flows: Map<string, string>;
  agents: Map<string, string>;
}

/** The waiting chats, longest waiting first: waited time, agent/flow, the question, claim and SLA marks. */
export function InboxList({
  chats,
  selectedId,
  names,
  onSelect,
}: {
  chats: Chat[];
  selectedId: string | null;
  names: Names;
  onSelect: (id: string) => void;
}) {
  const now = useNow();
  return (
    <ul className="inbox-list" aria-label="Chats waiting for input, longest waiting first">
      {chats.map((chat) => {
        const selected = chat.id === selectedId;
        const source = chat.agent_id
          ? (names.agents.get(chat.agent_id) ?? 'agent')
          : (names.flows.get(chat.from_flow) ?? 'flow');
        return (
          <li key={chat.id}>
            <button
              type="button"
              className={`inbox-item${selected ? ' selected' : ''}${chat.input_overdue ? ' overdue' : ''}`}
              aria-current={selected ? 'true' : undefined}
              data-chat-id={chat.id}
              onClick={() => onSelect(chat.id)}
            >
              <span className="waited" title={`Waiting since ${chat.waiting_since ?? ''}`}>
                {formatWaited(chat.waiting_since, now)}
              </span>
              <span className="title">
                <strong>{chat.name}</strong> <span className="muted">· {source}</span>
              </span>
              <span className="prompt">{questionOf(chat)}</span>
              <span className="badges">
                {chat.input_overdue && <span className="badge danger">Overdue</span>}
                {chat.claim && <span className="badge">Claimed by {chat.claim.operator}</span>}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
