import { randomBytes } from 'node:crypto';
import { parseEncryptionKey, SecretBox, secretContext } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));
  const ctx = secretContext('account-1', 'STRIPE');

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('sk_live_abc123', ctx);
    expect(sealed.toString('latin1')).not.toContain('sk_live_abc123');
    expect(box.open(sealed, ctx)).toBe('sk_live_abc123');
    expect(box.seal('sk_live_abc123', ctx).equals(sealed)).toBe(false); // fresh IV each time
  });

  it('refuses another account, another name, another key or tampered bytes', () => {
    const sealed = box.seal('v', ctx);
    expect(() => box.open(sealed, secretContext('account-2', 'STRIPE'))).toThrow();
    expect(() => box.open(sealed, secretContext('account-1', 'OTHER'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, ctx)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => box.open(tampered, ctx)).toThrow();
  });

  it('parses hex and base64 keys of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseEncryptionKey('short')).toThrow('SECRETS_ENCRYPTION_KEY');
  });
});
