/**
 * Search query text. A user's question is written for a person ("how do I get my money back?"):
 * `websearch_to_tsquery` alone would require every word, so search also runs a loose query that
 * ORs the words (still through `websearch_to_tsquery`, so stemming and stop words apply), and the
 * strict match only adds to the rank. Quoted phrases and `-exclusions` the user typed keep their
 * meaning in the strict query.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;

/** The words of `text` joined with websearch's `or`; '' when there is nothing searchable. */
export function looseQuery(text: string): string {
  const words = (text.match(WORD) ?? [])
    .map((w) => w.replace(/['’]/g, ''))
    .filter((w) => w.length > 0 && w.toLowerCase() !== 'or');
  return [...new Set(words)].slice(0, 64).join(' or ');
}

/** At most this many characters of a message are used as a retrieval query. */
export const MAX_QUERY_CHARS = 1000;

export function clampQuery(text: string): string {
  return text.length <= MAX_QUERY_CHARS ? text : text.slice(text.length - MAX_QUERY_CHARS);
}
