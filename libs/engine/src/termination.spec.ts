import { isTerminationMessage } from './termination';

describe('isTerminationMessage (AG2 is_termination_msg)', () => {
  it.each([
    ['TERMINATE', true],
    ['TERMINATE ', false],
    [' TERMINATE', false],
    ['terminate', false],
    ['All done. TERMINATE', false],
    ['', false],
    [null, false],
  ])('default is exactly "TERMINATE": %j → %s', (content, expected) => {
    expect(isTerminationMessage(content)).toBe(expected);
  });

  it.each([
    [{ type: 'exact', value: 'bye', case_sensitive: true }, 'bye', true],
    [{ type: 'exact', value: 'bye', case_sensitive: true }, 'Bye', false],
    [{ type: 'exact', value: 'bye', case_sensitive: false }, 'BYE', true],
    [{ type: 'contains', value: 'TERMINATE', case_sensitive: true }, 'All done. TERMINATE', true],
    [{ type: 'contains', value: 'TERMINATE', case_sensitive: true }, 'all done. terminate', false],
    [{ type: 'contains', value: 'TERMINATE', case_sensitive: false }, 'all done. terminate', true],
    [{ type: 'regex', value: '^DONE\\b', case_sensitive: true }, 'DONE: shipped', true],
    [{ type: 'regex', value: '^DONE\\b', case_sensitive: true }, 'not DONE', false],
    [{ type: 'regex', value: 'done$', case_sensitive: false }, 'We are DONE', true],
    [{ type: 'regex', value: '([unclosed', case_sensitive: true }, '([unclosed', false],
  ] as const)('%j on %j → %s', (match, content, expected) => {
    expect(isTerminationMessage(content, match)).toBe(expected);
  });
});
