import { extractApiKey, generateApiKey, hashApiKey } from './api-key';

describe('API keys', () => {
  it('generates 32 random bytes behind a recognisable prefix, and stores only a SHA-256', () => {
    const key = generateApiKey();
    expect(key.secret).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 10));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.hash).toBe(hashApiKey(key.secret));
    expect(key.hash).not.toContain(key.secret.slice(3));
  });

  it('never generates the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateApiKey().secret));
    expect(secrets.size).toBe(1000);
  });

  it('hashes deterministically and distinguishes secrets', () => {
    expect(hashApiKey('ck_a')).toBe(hashApiKey('ck_a'));
    expect(hashApiKey('ck_a')).not.toBe(hashApiKey('ck_b'));
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    [{ 'x-api-key': 'k1' }, 'k1'],
    [{ 'x-api-key': '  k1  ' }, 'k1'],
    [{ authorization: 'Bearer k2' }, 'k2'],
    [{ authorization: 'bearer k2' }, 'k2'],
    [{ 'x-api-key': 'k1', authorization: 'Bearer k2' }, 'k1'],
    [{ authorization: 'Basic abc' }, null],
    [{ authorization: 'Bearer' }, null],
    [{ 'x-api-key': '' }, null],
    [{}, null],
  ])('extracts the key from %j', (headers, expected) => {
    expect(extractApiKey(headers)).toBe(expected);
  });
});
