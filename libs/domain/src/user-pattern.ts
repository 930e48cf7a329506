import { RE2JS } from 're2js';

/**
 * Regular expressions written by tenants (termination `regex`, scripted `rules[].match`) run in
 * RE2 (`re2js`, pure JS): linear time in the input, so no pattern can stall the event loop the way
 * `^(a+)+$` does in a backtracking engine. RE2 has no backreferences or lookarounds; such patterns
 * are refused when the flow is saved. Patterns and inputs are capped as well.
 */
export const MAX_PATTERN_LENGTH = 1000;
/** Longer texts are matched on their first this-many characters. */
export const MAX_MATCH_INPUT = 100_000;

export interface UserPattern {
  test(text: string): boolean;
}

const cache = new Map<string, UserPattern>();
const MAX_CACHED = 500;

/** Compiles a pattern; throws an Error whose message says why it is refused. */
export function compileUserPattern(
  pattern: string,
  options: { caseInsensitive?: boolean; flags?: string } = {},
): UserPattern {
  const key = `${options.caseInsensitive ? 'i' : ''}/${options.flags ?? ''}/${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new Error(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let flags = options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0;
  for (const flag of options.flags ?? '') {
    if (flag === 'i') flags |= RE2JS.CASE_INSENSITIVE;
    else if (flag === 's') flags |= RE2JS.DOTALL;
    else if (flag === 'm') flags |= RE2JS.MULTILINE;
    else if (flag !== 'u' && flag !== 'g')
      throw new Error(`the regex flag "${flag}" is not supported (use i, m or s)`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, flags);
  } catch (err) {
    throw new Error(
      `not a supported regular expression (RE2 syntax: no backreferences or lookarounds): ${(err as Error).message}`,
    );
  }
  const compiled: UserPattern = {
    // Unanchored search, like JavaScript's RegExp.test and Python's re.search.
    test: (text) => re.matcher(text.length > MAX_MATCH_INPUT ? text.slice(0, MAX_MATCH_INPUT) : text).find(),
  };
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** A scripted rule's `match`: a plain pattern, or `/pattern/flags` for flags such as `i`. */
export function compileRulePattern(match: string): UserPattern {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(match);
  return literal ? compileUserPattern(literal[1], { flags: literal[2] }) : compileUserPattern(match);
}

/** The reason a pattern is refused, or null when it compiles. */
export function userPatternError(compile: () => unknown): string | null {
  try {
    compile();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
