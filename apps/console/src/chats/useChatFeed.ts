import { useEffect, useState } from 'react';
import type { Chat, ChatEvent, Message, Usage } from '@conclave/sdk';
import { useSession } from '../session/SessionContext';

export interface RunOutcome {
  run_id: string;
  type: string;
  termination_reason: string | null;
  usage?: Usage;
  error?: string | null;
}

/**
 * A chat, live: its whole event log replayed over socket.io and then followed — messages as they are
 * stored, tokens as they stream (`message.delta`), run outcomes — and the chat re-read on every change
 * of status so the input box matches the pending request.
 */
export function useChatFeed(chatId: string) {
  const { client } = useSession();
  const [chat, setChat] = useState<Chat | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [streaming, setStreaming] = useState<Record<string, string>>({});
  const [runs, setRuns] = useState<RunOutcome[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setMessages([]);
    setStreaming({});
    setRuns([]);
    const refresh = () => client.chats.get(chatId).then(setChat, (err: Error) => setError(err.message));
    refresh();
    const stop = client.realtime.onChat(chatId, (event: ChatEvent) => {
      switch (event.type) {
        case 'message.delta': {
          const { agent, delta } = event.data as { agent: string; delta: string };
          setStreaming((s) => ({ ...s, [agent]: (s[agent] ?? '') + delta }));
          break;
        }
        case 'message.created': {
          const message = event.data as Message;
          setMessages((list) => (list.some((m) => m.id === message.id) ? list : [...list, message]));
          setStreaming((s) => {
            if (!(message.sender in s)) return s;
            const { [message.sender]: _done, ...rest } = s;
            return rest;
          });
          break;
        }
        case 'run.completed':
        case 'run.failed':
        case 'run.cancelled':
          setRuns((list) => [...list, { ...(event.data as RunOutcome), type: event.type }]);
          setStreaming({});
          refresh();
          break;
        case 'chat.status':
        case 'input.requested':
        case 'chat.claimed':
        case 'chat.released':
        case 'input.overdue':
          refresh();
          break;
      }
    });
    return stop;
  }, [chatId, client]);

  return { chat, setChat, messages, streaming, runs, error };
}
