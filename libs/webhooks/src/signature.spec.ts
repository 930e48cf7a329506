import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from './signature';

describe('webhook signatures (Standard Webhooks)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"test": 2432232314}';

  it('matches the Standard Webhooks reference vector', () => {
    // The specification's published example (id, timestamp, body, secret → signature).
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs id.timestamp.body with the base64-decoded key', () => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`id1.100.${body}`).digest('base64');
    expect(signWebhook(secret, 'id1', 100, body)).toBe(`v1,${mac}`);
  });

  it('verifies its own headers and rejects tampering, other secrets and stale timestamps', () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const headers = { ...webhookHeaders(s, 'd1', 1000, body) };
    expect(verifyWebhook(s, headers, body, { nowSeconds: 1010 })).toBe(true);
    expect(verifyWebhook(s, headers, body + ' ', { nowSeconds: 1010 })).toBe(false);
    expect(verifyWebhook(generateWebhookSecret(), headers, body, { nowSeconds: 1010 })).toBe(false);
    expect(verifyWebhook(s, headers, body, { nowSeconds: 2000 })).toBe(false);
    expect(verifyWebhook(s, { ...headers, 'webhook-id': 'd2' }, body, { nowSeconds: 1010 })).toBe(false);
  });

  it('accepts any of several space-separated signatures (secret rotation)', () => {
    const s = generateWebhookSecret();
    const real = signWebhook(s, 'd1', 1000, body);
    const headers = {
      'webhook-id': 'd1',
      'webhook-timestamp': '1000',
      'webhook-signature': `v1,AAAA ${real}`,
    };
    expect(verifyWebhook(s, headers, body, { nowSeconds: 1000 })).toBe(true);
  });
});
