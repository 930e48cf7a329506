import { useMemo, useRef, useState } from 'react';
import { ConclaveError, type Flow } from '@conclave/sdk';
import { lineOf, jsonPositions } from './json-positions';
import { checkSchema, type Schema } from './schema-check';

export interface EditorIssue {
  line: number;
  path: string;
  message: string;
}

/** The flow spec as JSON, checked live against the published schema; each error names its line and field. */
export function FlowEditor({
  initial,
  schema,
  onSave,
  saveLabel,
}: {
  initial: string;
  schema: Schema | undefined;
  onSave: (spec: unknown) => Promise<Flow>;
  saveLabel: string;
}) {
  const [text, setText] = useState(initial);
  const [serverIssues, setServerIssues] = useState<EditorIssue[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  const issues = useMemo<EditorIssue[]>(() => {
    const { lines, syntaxError } = jsonPositions(text);
    if (syntaxError) return [{ line: syntaxError.line, path: '', message: `JSON: ${syntaxError.message}` }];
    if (!schema) return [];
    return checkSchema(schema, JSON.parse(text)).map((i) => ({ ...i, line: lineOf(lines, i.path) }));
  }, [text, schema]);
  const shown = issues.length ? issues : serverIssues;

  function goTo(line: number) {
    const el = area.current;
    if (!el) return;
    const offset =
      text
        .split('\n')
        .slice(0, line - 1)
        .join('\n').length + (line > 1 ? 1 : 0);
    el.focus();
    el.setSelectionRange(offset, offset);
    el.scrollTop = Math.max(0, (line - 3) * 18);
  }

  async function save() {
    setSaved(null);
    setServerIssues([]);
    try {
      const flow = await onSave(JSON.parse(text));
      setSaved(`Saved as version ${flow.version}`);
    } catch (err) {
      const { lines } = jsonPositions(text);
      const body = err instanceof ConclaveError ? (err.body as { errors?: unknown }) : null;
      // The server's errors read `agents.1.llm.provider: Invalid input`.
      const list: string[] = Array.isArray(body?.errors) ? body.errors.map(String) : [];
      setServerIssues(
        list.length
          ? list.map((e) => {
              const split = e.indexOf(': ');
              const path = split > 0 && !e.slice(0, split).includes(' ') ? e.slice(0, split) : '';
              const message = path ? e.slice(split + 2) : e;
              return { path, message, line: lineOf(lines, path) };
            })
          : [{ line: 1, path: '', message: (err as Error).message }],
      );
    }
  }

  const lineCount = text.split('\n').length;
  return (
    <div className="flow-editor">
      <label htmlFor="flow-json">Flow spec (JSON)</label>
      <div className="editor">
        <div className="gutter" aria-hidden="true">
          {Array.from({ length: lineCount }, (_, n) => (
            <div key={n} className={shown.some((i) => i.line === n + 1) ? 'bad' : undefined}>
              {n + 1}
            </div>
          ))}
        </div>
        <textarea
          id="flow-json"
          ref={area}
          spellCheck={false}
          value={text}
          rows={Math.min(30, Math.max(12, lineCount))}
          onChange={(e) => setText(e.target.value)}
          onScroll={(e) => {
            const gutter = e.currentTarget.previousElementSibling as HTMLElement | null;
            if (gutter) gutter.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-invalid={shown.length > 0}
          aria-describedby="flow-issues"
        />
      </div>
      <ul id="flow-issues" className="issues" aria-live="polite">
        {shown.map((issue, n) => (
          <li key={n} data-testid="flow-issue">
            <button type="button" className="link" onClick={() => goTo(issue.line)}>
              Line {issue.line}
            </button>
            {issue.path && (
              <>
                {' '}
                <code>{issue.path}</code>
              </>
            )}
            : {issue.message}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void save()} disabled={issues.length > 0}>
        {saveLabel}
      </button>
      {saved && <p role="status">{saved}</p>}
    </div>
  );
}
