/**
 * Screens a JSON request body as raw bytes, before `JSON.parse` and any recursive code (validation,
 * `JSON.stringify`, Postgres' jsonb parser) sees it:
 * - nesting deeper than `maxDepth` would overflow a stack somewhere later (a 500, or worse);
 * - NUL (`\u0000`) in a string: Postgres text and jsonb cannot store it;
 * - an unpaired UTF-16 surrogate escape (`\ud800` alone): not a character, refused by jsonb.
 * One pass, no allocation but the names on the current path. UTF-8 is safe to scan byte by byte:
 * every byte of a multi-byte character is ≥ 0x80, never a JSON structural character.
 */

export type JsonPath = (string | number)[];

export type ScreenFinding = { problem: 'too_deep' | 'nul' | 'surrogate'; path: JsonPath };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The first problem in the body, with the path of the value where it is, or null. */
export function screenJson(buf: Uint8Array, maxDepth: number): ScreenFinding | null {
  const path: JsonPath = [];
  const inArray: boolean[] = [];
  // Where the last string was (decoded only when it turns out to be a key).
  let lastStart = 0;
  let lastEnd = 0;
  let i = 0;
  while (i < buf.length) {
    const c = buf[i];
    if (c === QUOTE) {
      const start = i + 1;
      let problem: ScreenFinding['problem'] | null = null;
      let highSurrogateEnd = -1; // where a \uD800-\uDBFF escape ended (a low one must follow there)
      for (i = start; i < buf.length && buf[i] !== QUOTE; i++) {
        if (buf[i] !== BACKSLASH) continue;
        const unit = buf[i + 1] === 0x75 ? hexUnit(buf, i + 2) : -1;
        // \u0000 is the only way a NUL can be in valid JSON (raw control characters are not allowed).
        if (unit === 0) problem ??= 'nul';
        const low = unit >= 0xdc00 && unit <= 0xdfff;
        if (highSurrogateEnd >= 0 && !(low && highSurrogateEnd === i)) problem ??= 'surrogate';
        if (low && highSurrogateEnd !== i) problem ??= 'surrogate';
        highSurrogateEnd = unit >= 0xd800 && unit <= 0xdbff ? i + 6 : -1;
        i += unit >= 0 ? 5 : 1;
      }
      if (highSurrogateEnd >= 0) problem ??= 'surrogate';
      lastStart = start;
      lastEnd = i;
      if (problem) {
        const isKey = nextSignificant(buf, i + 1) === COLON;
        const key = decodeKey(buf, start, i).replace(/\\u0000/g, '\\0');
        return { problem, path: isKey ? [...path.slice(0, -1), key] : [...path] };
      }
      i++;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (inArray.length >= maxDepth) return { problem: 'too_deep', path: [...path] };
      inArray.push(c === OPEN_ARRAY);
      path.push(c === OPEN_ARRAY ? 0 : '');
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      inArray.pop();
      path.pop();
    } else if (c === COLON && inArray.length > 0 && !inArray[inArray.length - 1]) {
      path[path.length - 1] = decodeKey(buf, lastStart, lastEnd);
    } else if (c === COMMA && inArray[inArray.length - 1]) {
      path[path.length - 1] = (path[path.length - 1] as number) + 1;
    }
    i++;
  }
  return null;
}

/** Names a path for a message: `metadata.a.0`, shortened after a few parts (a deep path is long). */
export function describePath(path: JsonPath, maxParts = 6): string {
  const parts = path.filter((p) => p !== '');
  if (parts.length === 0) return '(body)';
  const shown = parts.slice(0, maxParts).join('.');
  return parts.length > maxParts ? `${shown}…` : shown;
}

/** The path of a NUL found in a parsed value (query strings), or null. */
export function findNul(value: unknown, path: JsonPath = [], depth = 0): JsonPath | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (!value || typeof value !== 'object' || depth > 32) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (key.includes('\u0000')) return at;
    const found = findNul(child, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The code unit of the 4 hex digits at `at`, or -1 when they are not hex (malformed JSON). */
function hexUnit(buf: Uint8Array, at: number): number {
  let unit = 0;
  for (let k = 0; k < 4; k++) {
    const c = buf[at + k];
    const digit =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

function nextSignificant(buf: Uint8Array, at: number): number | undefined {
  let i = at;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  return buf[i];
}

/** Object keys are only used to name a path: escapes are kept as written, length is capped. */
function decodeKey(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, Math.min(end - start, 200)).toString('utf8');
}
