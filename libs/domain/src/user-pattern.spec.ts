import { compileRulePattern, compileUserPattern, MAX_PATTERN_LENGTH } from './user-pattern';

describe('user patterns (RE2)', () => {
  it('matches like RegExp.test for ordinary patterns', () => {
    expect(compileUserPattern('TERMINATE$').test('ok TERMINATE')).toBe(true);
    expect(compileUserPattern('^done').test('not done')).toBe(false);
    expect(compileUserPattern('bye', { caseInsensitive: true }).test('BYE now')).toBe(true);
    expect(compileRulePattern('/refund/i').test('I want a REFUND')).toBe(true);
    expect(compileRulePattern('price|cost').test('what does it cost?')).toBe(true);
  });

  it('runs catastrophic-backtracking patterns in linear time', () => {
    const evil = compileUserPattern('^(a+)+$');
    expect(evil.test(`${'a'.repeat(32)}!`)).toBe(false);
    expect(evil.test('a'.repeat(50_000) + '!')).toBe(false);
    expect(compileUserPattern('(x+x+)+y').test('x'.repeat(5000))).toBe(false);
  });

  it('refuses what RE2 cannot run, too long patterns and unknown flags, saying why', () => {
    expect(() => compileUserPattern('(a)\\1')).toThrow('not a supported regular expression');
    expect(() => compileUserPattern('(?=a)b')).toThrow('not a supported regular expression');
    expect(() => compileUserPattern('(unclosed')).toThrow('not a supported regular expression');
    expect(() => compileUserPattern('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow('longer than 1000');
    expect(() => compileRulePattern('/x/y')).toThrow('regex flag "y"');
  });
});
