import { useState } from 'react';
import type { Chat } from '@conclave/sdk';
import { useAsync } from '../app/useAsync';
import { Link, navigate } from '../app/router';
import { useSession } from '../session/SessionContext';

/**
 * "Fork here" on one message: `POST /chats/{id}/fork {at_seq}` and open the new chat. A refusal (a
 * seq in the middle of an engine step answers 400 naming the seqs to use instead) is shown beside it.
 */
export function ForkButton({ chatId, seq }: { chatId: string; seq: number }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function fork() {
    setBusy(true);
    setError(null);
    try {
      const forked = await client.chats.fork(chatId, seq);
      navigate(`/chats/${forked.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <div className="fork">
      <button
        type="button"
        className="link"
        aria-label={`Fork from message ${seq}`}
        disabled={busy}
        onClick={() => void fork()}
      >
        Fork here
      </button>
      {error && (
        <p role="alert" className="error">
          Could not fork at message {seq}: {error}
        </p>
      )}
    </div>
  );
}

/** On a forked chat: where it branched from, linking to the parent chat. */
export function ForkOrigin({ chat }: { chat: Chat }) {
  const { client } = useSession();
  const parentId = chat.parent_chat_id;
  // The parent's name reads better than its id; the id is the fallback (e.g. the parent was deleted).
  const parent = useAsync(() => (parentId ? client.chats.get(parentId) : Promise.resolve(null)), [parentId]);
  if (!parentId) return null;
  return (
    <p className="muted" data-testid="fork-origin">
      Forked from <Link to={`/chats/${parentId}`}>{parent.data?.name ?? parentId}</Link> at message{' '}
      {chat.forked_at_seq}
    </p>
  );
}
