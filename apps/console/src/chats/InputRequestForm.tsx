import { forwardRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Answer, Chat } from '@conclave/sdk';
import { useSession } from '../session/SessionContext';

/**
 * The answer box for the chat's pending input request, whatever its kind: text (empty = let the
 * agent auto-reply, "exit" ends the conversation), a speaker choice (manual selection) or tool outputs
 * (client tools). Ctrl+Enter sends.
 */
export const InputRequestForm = forwardRef<
  HTMLTextAreaElement | HTMLFieldSetElement,
  {
    chat: Chat;
    onAnswered?: (chat: Chat) => void;
    onEscape?: () => void;
  }
>(function InputRequestForm({ chat, onAnswered, onEscape }, ref) {
  const { client } = useSession();
  const request = chat.input_request;
  const [text, setText] = useState('');
  const [speaker, setSpeaker] = useState('');
  const [outputs, setOutputs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!request) return null;

  async function send(answer: Answer) {
    setBusy(true);
    setError(null);
    try {
      const { chat: updated } = await client.chats.answer(chat.id, answer);
      setText('');
      onAnswered?.(updated);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!request) return;
    if (request.kind === 'tool_outputs')
      return void send({
        tool_outputs: (request.tool_calls ?? []).map((c) => ({
          tool_call_id: c.id,
          output: outputs[c.id] ?? '',
        })),
      });
    if (request.kind === 'speaker') return void send({ message: speaker });
    void send({ message: text });
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') onEscape?.();
  };
  const fieldId = `answer-${chat.id}`;

  return (
    <form className="input-request" onSubmit={submit} aria-label="Answer the input request">
      {request.question?.content && (
        <blockquote className="question">
          <span className="agent">{request.question.sender}</span>: {request.question.content}
        </blockquote>
      )}
      <p className="hint">
        Answering as <strong>{request.agent}</strong> — {request.prompt}
      </p>
      {request.kind === 'text' && (
        <>
          <label htmlFor={fieldId}>Your answer</label>
          <textarea
            id={fieldId}
            ref={ref as React.Ref<HTMLTextAreaElement>}
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            aria-describedby={`${fieldId}-hint`}
          />
          <p id={`${fieldId}-hint`} className="hint">
            Ctrl+Enter sends. Empty = let the agent auto-reply; <code>exit</code> ends the conversation.
          </p>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {text ? 'Send' : 'Send empty (auto-reply)'}
            </button>
            <button type="button" disabled={busy} onClick={() => void send({ message: 'exit' })}>
              Exit conversation
            </button>
          </div>
        </>
      )}
      {request.kind === 'speaker' && (
        <fieldset ref={ref as React.Ref<HTMLFieldSetElement>} onKeyDown={onKeyDown} tabIndex={-1}>
          <legend>Who speaks next?</legend>
          {(request.options ?? []).map((name) => (
            <label key={name} className="choice">
              <input
                type="radio"
                name={`speaker-${chat.id}`}
                value={name}
                checked={speaker === name}
                onChange={() => setSpeaker(name)}
              />
              {name}
            </label>
          ))}
          <div className="actions">
            <button type="submit" disabled={busy || !speaker}>
              Choose speaker
            </button>
            <button type="button" disabled={busy} onClick={() => void send({ message: 'exit' })}>
              Exit conversation
            </button>
          </div>
        </fieldset>
      )}
      {request.kind === 'tool_outputs' && (
        <fieldset ref={ref as React.Ref<HTMLFieldSetElement>} onKeyDown={onKeyDown} tabIndex={-1}>
          <legend>Tool results to return</legend>
          {(request.tool_calls ?? []).map((call) => (
            <div key={call.id} className="tool-output">
              <label htmlFor={`out-${call.id}`}>
                <code>{call.name}</code>({JSON.stringify(call.arguments)})
              </label>
              <textarea
                id={`out-${call.id}`}
                rows={2}
                value={outputs[call.id] ?? ''}
                onChange={(e) => setOutputs({ ...outputs, [call.id]: e.target.value })}
              />
            </div>
          ))}
          <div className="actions">
            <button type="submit" disabled={busy}>
              Return tool results
            </button>
          </div>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
});
