import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from '../app/router';
import { useAsync } from '../app/useAsync';
import { ClaimControls } from '../chats/ClaimControls';
import { InputRequestForm } from '../chats/InputRequestForm';
import { useSession } from '../session/SessionContext';
import { InboxList, type Names } from './InboxList';
import { useInbox } from './useInbox';

/**
 * The landing page: every chat of the account waiting for a person, oldest first, live.
 * Keyboard: j / k next / previous, Enter answer, Ctrl+Enter send, Esc back to the list.
 */
export function InboxPage() {
  const { client } = useSession();
  const { chats, error, loaded, update } = useInbox();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const answerRef = useRef<HTMLTextAreaElement | HTMLFieldSetElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const lookups = useAsync(
    () => Promise.all([client.flows.list(), client.agents.list().catch(() => [])]),
    [client],
  );
  const names: Names = useMemo(
    () => ({
      flows: new Map((lookups.data?.[0] ?? []).map((f) => [f.id, f.name])),
      agents: new Map((lookups.data?.[1] ?? []).map((a) => [a.id, a.name])),
    }),
    [lookups.data],
  );

  const selected = chats.find((c) => c.id === selectedId) ?? chats[0] ?? null;
  useEffect(() => {
    if (selected && selected.id !== selectedId) setSelectedId(selected.id);
  }, [selected, selectedId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('textarea, input, select, fieldset') || e.ctrlKey || e.metaKey || e.altKey) return;
      const index = chats.findIndex((c) => c.id === selected?.id);
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        const next = chats[Math.min(chats.length - 1, Math.max(0, index + (e.key === 'j' ? 1 : -1)))];
        if (next) {
          setSelectedId(next.id);
          listRef.current?.querySelector<HTMLElement>(`[data-chat-id="${next.id}"]`)?.focus();
        }
      } else if (e.key === 'Enter' && !target.closest('button, a')) {
        e.preventDefault();
        answerRef.current?.focus();
      } else if (e.key === 'Enter' && target.closest('.inbox-item')) {
        e.preventDefault();
        answerRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [chats, selected]);

  const backToList = () =>
    listRef.current?.querySelector<HTMLElement>(`[data-chat-id="${selected?.id}"]`)?.focus();

  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <div className="inbox-head">
        <h1 id="inbox-title">Inbox</h1>
        <p className="muted" aria-live="polite">
          {loaded ? `${chats.length} waiting` : 'Loading…'} · <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd>{' '}
          answer, <kbd>Ctrl</kbd>+<kbd>Enter</kbd> send
        </p>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loaded && chats.length === 0 && <p className="empty">Nobody is waiting for a person. 🎉</p>}
      <div className="inbox-body">
        <div ref={listRef} className="inbox-column">
          <InboxList chats={chats} selectedId={selected?.id ?? null} names={names} onSelect={setSelectedId} />
        </div>
        {selected && (
          <article className="inbox-detail" aria-label={`Chat ${selected.name}`}>
            <header>
              <h2>{selected.name}</h2>
              <Link to={`/chats/${selected.id}`}>Open chat</Link>
            </header>
            <ClaimControls chat={selected} onChange={update} />
            <InputRequestForm
              key={selected.id}
              ref={answerRef}
              chat={selected}
              onAnswered={update}
              onEscape={backToList}
            />
          </article>
        )}
      </div>
    </section>
  );
}
