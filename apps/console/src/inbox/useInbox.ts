import { useCallback, useEffect, useState } from 'react';
import type { Chat } from '@conclave/sdk';
import { useSession } from '../session/SessionContext';
import { upsertWaiting } from './inbox-list';

const INBOX_EVENTS = new Set(['chat.status', 'chat.claimed', 'chat.released', 'input.overdue']);

/**
 * Chats waiting for a person, live: listed once, then kept current from the account-wide socket
 * feed (no polling); listed again after a reconnect, since that feed has no replay.
 */
export function useInbox() {
  const { client } = useSession();
  const [chats, setChats] = useState<Chat[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);

  const reload = useCallback(() => {
    client.chats.list({ order: 'waiting_since', limit: 100 }).then(
      (page) => {
        setChats(page.data);
        setLoaded(true);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [client]);

  const update = useCallback((chat: Chat) => setChats((list) => upsertWaiting(list, chat)), []);

  useEffect(() => {
    reload();
    const stopReconnect = client.accountEvents.onReconnect(reload);
    const stopAccount = client.accountEvents.on((event) => {
      if (!INBOX_EVENTS.has(event.type)) return;
      if (event.type === 'chat.status' && event.data.status !== 'wait_for_human_input') {
        setChats((list) => list.filter((c) => c.id !== event.chat_id));
        return;
      }
      client.chats
        .get(event.chat_id)
        .then(update, () => setChats((list) => list.filter((c) => c.id !== event.chat_id)));
    });
    return () => {
      stopReconnect();
      stopAccount();
    };
  }, [client, reload, update]);

  return { chats, error, loaded, update };
}
