import { useState, type FormEvent } from 'react';
import { statusLabel } from '../app/format';
import { Link } from '../app/router';
import { useSession } from '../session/SessionContext';
import { ClaimControls } from './ClaimControls';
import { ForkButton, ForkOrigin } from './Fork';
import { InputRequestForm } from './InputRequestForm';
import { RunSummary } from './RunSummary';
import { Transcript } from './Transcript';
import { useChatFeed } from './useChatFeed';

/** One chat, live: transcript streaming token by token, the pending question's answer box, controls. */
export function ChatView({ chatId }: { chatId: string }) {
  const { client } = useSession();
  const { chat, setChat, messages, streaming, runs, error } = useChatFeed(chatId);
  const [draft, setDraft] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);

  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!chat) return <p>Loading…</p>;

  const active = chat.status === 'running' || chat.status === 'wait_for_human_input';
  const canStart = chat.status === 'ready' || chat.status === 'completed' || chat.status === 'error';

  async function act(work: () => Promise<unknown>) {
    setActionError(null);
    try {
      await work();
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  const sendMessage = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const { chat: updated } = await client.chats.send(chat.id, draft);
      setChat(updated);
      setDraft('');
    });
  };

  return (
    <section className="chat-view" aria-labelledby="chat-title">
      <header className="chat-head">
        <div>
          <p className="crumbs">
            <Link to="/chats">Chats</Link> /
          </p>
          <h1 id="chat-title">{chat.name}</h1>
          <p>
            <span className={`status status-${chat.status}`} data-testid="chat-status">
              {statusLabel[chat.status] ?? chat.status}
            </span>
            {chat.termination_reason && (
              <span className="muted"> · ended: {chat.termination_reason.replace(/_/g, ' ')}</span>
            )}
            {chat.input_overdue && <span className="badge danger">Overdue</span>}
          </p>
          <ForkOrigin chat={chat} />
          {chat.last_error && <p className="error">{chat.last_error}</p>}
        </div>
        <div className="chat-controls">
          <ClaimControls chat={chat} onChange={setChat} />
          {active && (
            <button
              type="button"
              className="danger"
              onClick={() => void act(async () => setChat((await client.chats.cancel(chat.id)).chat))}
            >
              Cancel run
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      <Transcript
        messages={messages}
        streaming={streaming}
        actions={(m) => <ForkButton chatId={chat.id} seq={m.seq} />}
      />
      {chat.status === 'wait_for_human_input' && (
        <InputRequestForm key={`${chat.id}-${chat.last_seq}`} chat={chat} onAnswered={setChat} />
      )}
      {canStart && (
        <form className="new-message" onSubmit={sendMessage}>
          <label htmlFor="new-message">
            {messages.length ? 'New message (starts a new run)' : 'First message'}
          </label>
          <textarea
            id="new-message"
            rows={2}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            required
          />
          <button type="submit" disabled={!draft.trim()}>
            Send
          </button>
        </form>
      )}
      <RunSummary runs={runs} messages={messages} />
    </section>
  );
}
