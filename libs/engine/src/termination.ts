import { compileUserPattern, type TerminationMatch } from '@conclave/domain';

/** AG2 default `is_termination_msg`: the content is exactly `TERMINATE` (no trimming). */
export const DEFAULT_TERMINATION: TerminationMatch = {
  type: 'exact',
  value: 'TERMINATE',
  case_sensitive: true,
};

/** AG2 `is_termination_msg` as configured in the flow; a null content counts as "". */
export function isTerminationMessage(
  content: string | null | undefined,
  match: TerminationMatch = DEFAULT_TERMINATION,
): boolean {
  const text = content ?? '';
  const caseSensitive = match.case_sensitive !== false;
  const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
  switch (match.type) {
    case 'exact':
      return fold(text) === fold(match.value);
    case 'contains':
      return fold(text).includes(fold(match.value));
    case 'regex':
      try {
        // Python's re.search: a match anywhere in the content. RE2: linear time (user-pattern.ts).
        return compileUserPattern(match.value, { caseInsensitive: !caseSensitive }).test(text);
      } catch {
        return false;
      }
  }
}
