import { describePath, findNul, screenJson } from './json-screen';

const screen = (text: string, depth = 8) => screenJson(Buffer.from(text, 'utf8'), depth);

describe('JSON screen (before parsing)', () => {
  it.each([
    ['{"message":"hi","metadata":{"a":[1,{"b":"ünïcødé \\" [ {"}]}}', null],
    ['[]', null],
    ['{"message":"a\\u0000b"}', { problem: 'nul', path: ['message'] }],
    ['{"a":{"b":[1,2,"x\\u0000"]}}', { problem: 'nul', path: ['a', 'b', 2] }],
    ['{"metadata":{"ok":1,"bad\\u0000key":2}}', { problem: 'nul', path: ['metadata', 'bad\\0key'] }],
    ['{"message":"\\\\u0000 is text, not a NUL"}', null],
    ['{"message":"\\u00001"}', { problem: 'nul', path: ['message'] }],
    ['{"a":[[[[[[[[1]]]]]]]]}', { problem: 'too_deep', path: ['a', 0, 0, 0, 0, 0, 0, 0] }],
    ['{"a":[[[[[[[1]]]]]]]}', null],
    ['{"m":"pair \\ud83d\\ude00 ok, \\u00e9 too"}', null],
    ['{"m":"alone \\ud800"}', { problem: 'surrogate', path: ['m'] }],
    ['{"m":"\\ud800x"}', { problem: 'surrogate', path: ['m'] }],
    ['{"m":"\\udc00"}', { problem: 'surrogate', path: ['m'] }],
    ['{"m":["\\ud800\\ud800\\udc00"]}', { problem: 'surrogate', path: ['m', 0] }],
  ])('%s → %j', (text, expected) => {
    expect(screen(text)).toEqual(expected);
  });

  it('handles 50,000 levels without recursion', () => {
    const deep = `{"metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const found = screenJson(Buffer.from(deep), 64);
    expect(found?.problem).toBe('too_deep');
    expect(describePath(found!.path)).toBe('metadata.0.0.0.0.0…');
  });

  it('finds NUL in parsed query values', () => {
    expect(findNul({ a: 'x', b: ['y', 'z\u0000'] })).toEqual(['b', 1]);
    expect(findNul({ a: 'x' })).toBeNull();
  });
});
