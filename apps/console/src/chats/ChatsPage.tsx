import { useEffect, useState, type FormEvent } from 'react';
import type { Chat, ChatStatus } from '@conclave/sdk';
import { statusLabel } from '../app/format';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useSession } from '../session/SessionContext';

const STATUSES: ChatStatus[] = ['ready', 'running', 'wait_for_human_input', 'completed', 'error'];

/** Every chat of the account, newest first, filtered by status and searched by name. */
export function ChatsPage() {
  const { client } = useSession();
  const [status, setStatus] = useState<ChatStatus | ''>('');
  const [name, setName] = useState('');
  const [search, setSearch] = useState('');
  const [extra, setExtra] = useState<Chat[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(name), 250);
    return () => clearTimeout(timer);
  }, [name]);
  const page = useAsync(
    () => client.chats.list({ status: status || undefined, name: search || undefined, limit: 50 }),
    [client, status, search],
  );
  useEffect(() => {
    setExtra([]);
    setCursor(page.data?.next_cursor ?? null);
  }, [page.data]);

  async function more() {
    if (!cursor) return;
    const next = await client.chats.list({
      status: status || undefined,
      name: search || undefined,
      limit: 50,
      cursor,
    });
    setExtra((list) => [...list, ...next.data]);
    setCursor(next.next_cursor);
  }
  const chats = [...(page.data?.data ?? []), ...extra];

  return (
    <section aria-labelledby="chats-title">
      <h1 id="chats-title">Chats</h1>
      <div className="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as ChatStatus | '')}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search by name <input type="search" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      {page.error && (
        <p role="alert" className="error">
          {page.error.message}
        </p>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {chats.map((chat) => (
            <tr key={chat.id}>
              <td>
                <Link to={`/chats/${chat.id}`}>{chat.name}</Link>
                {chat.claim && <span className="badge">Claimed by {chat.claim.operator}</span>}
              </td>
              <td>
                <span className={`status status-${chat.status}`}>{statusLabel[chat.status]}</span>
              </td>
              <td>{new Date(chat.updated_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!page.loading && chats.length === 0 && <p className="empty">No chats match.</p>}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Load more
        </button>
      )}
      <NewChatForm />
    </section>
  );
}

function NewChatForm() {
  const { client } = useSession();
  const flows = useAsync(() => client.flows.list(), [client]);
  const [flowId, setFlowId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const chat = await client.chats.create({
        name: name || 'Chat',
        flowId: flowId || flows.data?.[0]?.id || '',
      });
      navigate(`/chats/${chat.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <form className="card" onSubmit={create} aria-labelledby="new-chat-title">
      <h2 id="new-chat-title">New chat</h2>
      <label>
        Flow{' '}
        <select value={flowId} onChange={(e) => setFlowId(e.target.value)}>
          {(flows.data ?? []).map((f) => (
            <option key={f.id} value={f.id}>
              {f.name} (v{f.version})
            </option>
          ))}
        </select>
      </label>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Chat" />
      </label>
      <button type="submit" disabled={!flows.data?.length}>
        Create
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
