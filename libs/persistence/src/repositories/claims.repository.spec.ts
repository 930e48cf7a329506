import type { ChatRow } from '../rows';
import { activeClaim } from './claims.repository';

const chat = (claim: Partial<ChatRow>) => ({ claim_key_id: null, claimed_at: null, ...claim }) as ChatRow;

describe('activeClaim', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('is the holder while the claim has not expired', () => {
    const claimedAt = new Date(now - 60_000);
    const expires = new Date(now + 1);
    expect(
      activeClaim(
        chat({ claim_key_id: 'k1', claim_name: 'alice', claimed_at: claimedAt, claim_expires_at: expires }),
        now,
      ),
    ).toEqual({
      key_id: 'k1',
      operator: 'alice',
      claimed_at: claimedAt.toISOString(),
      expires_at: expires.toISOString(),
    });
  });

  it('is null once expired (even before the sweeper clears it) or when nobody claimed', () => {
    expect(activeClaim(chat({ claim_key_id: 'k1', claim_expires_at: new Date(now) }), now)).toBeNull();
    expect(activeClaim(chat({}), now)).toBeNull();
  });
});
