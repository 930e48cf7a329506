/**
 * Where each value of a JSON document starts: path ("agents.1.llm.provider") → 1-based line. A small
 * scanner rather than JSON.parse, because errors must point at the line the operator has to fix.
 * Also returns the syntax error's line when the text is not JSON.
 */
export function jsonPositions(text: string): {
  lines: Map<string, number>;
  syntaxError: { line: number; message: string } | null;
} {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { line });
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text[i] === '\n') fail('Unterminated string');
      i++;
    }
    if (i >= text.length) fail('Unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expected a property name in double quotes');
        const keyLine = line;
        const key = str();
        ws();
        if (text[i] !== ':') fail(`Expected ":" after "${key}"`);
        i++;
        const child = path ? `${path}.${key}` : key;
        value(child);
        lines.set(child, keyLine);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail('Expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        value(path ? `${path}.${n}` : String(n));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail('Expected "," or "]"');
      }
    }
    if (c === '"') return void str();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!literal) fail(c === undefined ? 'Unexpected end of the document' : `Unexpected "${c}"`);
    i += literal![0].length;
  };
  try {
    value('');
    ws();
    if (i < text.length) fail('Unexpected text after the document');
    return { lines, syntaxError: null };
  } catch (err) {
    return {
      lines,
      syntaxError: { line: (err as { line?: number }).line ?? line, message: (err as Error).message },
    };
  }
}

/** The line of `path`, or of its closest ancestor present in the document. */
export function lineOf(lines: Map<string, number>, path: string): number {
  for (let p = path; ; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const found = lines.get(p);
    if (found !== undefined) return found;
    if (!p) return 1;
  }
}
