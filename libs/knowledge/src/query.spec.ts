import { clampQuery, looseQuery, MAX_QUERY_CHARS } from './query';

describe('looseQuery', () => {
  it('ORs the words of a question, dropping punctuation and operators', () => {
    expect(looseQuery('How do I get a refund? "fast" -slow')).toBe(
      'How or do or I or get or a or refund or fast or slow',
    );
  });
  it('keeps words of any script and drops apostrophes', () => {
    expect(looseQuery("Bagaimana pengembalian dana? don't")).toBe(
      'Bagaimana or pengembalian or dana or dont',
    );
  });
  it('is empty when nothing is searchable', () => {
    expect(looseQuery('?! --')).toBe('');
  });
  it('keeps the end of an overlong text', () => {
    expect(clampQuery('x'.repeat(MAX_QUERY_CHARS) + 'end').endsWith('end')).toBe(true);
  });
});
