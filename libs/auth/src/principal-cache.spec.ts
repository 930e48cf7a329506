import { scopeOf } from '@conclave/domain';
import { PrincipalCache } from './principal-cache';

const principal = (keyId: string) => ({
  principal: { accountId: 'acc', keyId, agentId: null, scope: scopeOf('acc', null) },
  touchedAt: 0,
});

describe('PrincipalCache', () => {
  it('serves an entry until its TTL, then reads again', () => {
    let now = 1_000;
    const cache = new PrincipalCache(10_000, 100, () => now);
    cache.set('h1', principal('k1'), cache.begin());
    expect(cache.get('h1')?.principal.keyId).toBe('k1');
    now += 9_999;
    expect(cache.get('h1')).not.toBeNull();
    now += 1;
    expect(cache.get('h1')).toBeNull();
  });

  it('forgets revoked keys at once, and keeps the others', () => {
    const cache = new PrincipalCache(10_000);
    cache.set('h1', principal('k1'), cache.begin());
    cache.set('h2', principal('k2'), cache.begin());
    cache.forget(['k1']);
    expect(cache.get('h1')).toBeNull();
    expect(cache.get('h2')?.principal.keyId).toBe('k2');
  });

  it('does not cache a lookup that was in flight when a revocation arrived', () => {
    const cache = new PrincipalCache(10_000);
    const begun = cache.begin();
    cache.forget(['k1']); // the row may have been read before the revocation committed
    cache.set('h1', principal('k1'), begun);
    expect(cache.get('h1')).toBeNull();
    cache.set('h1', principal('k1'), cache.begin());
    expect(cache.get('h1')).not.toBeNull();
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const cache = new PrincipalCache(10_000, 2);
    cache.set('h1', principal('k1'), cache.begin());
    cache.set('h2', principal('k2'), cache.begin());
    cache.set('h3', principal('k3'), cache.begin());
    expect(cache.get('h1')).toBeNull();
    expect(cache.get('h2')).not.toBeNull();
    expect(cache.get('h3')).not.toBeNull();
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = new PrincipalCache(0);
    cache.set('h1', principal('k1'), cache.begin());
    expect(cache.get('h1')).toBeNull();
  });
});
