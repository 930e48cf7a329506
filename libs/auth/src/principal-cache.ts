import type { Principal } from './principal';

export interface CachedKey {
  principal: Principal;
  /** When this process last recorded the key's use (`last_used_at` is written at most once a minute). */
  touchedAt: number;
}

/**
 * Principals of recently seen API keys by key hash, so a request does not pay a Postgres round trip
 * to authenticate. Bounded in time (`ttlMs`: the longest a revocation could go unseen if its bus
 * message were lost) and in size. Revocation evicts at once (`forget`), and a lookup that was
 * already in flight when a revocation arrived is not cached: it may have read the row before the
 * revocation committed.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, CachedKey & { expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): CachedKey | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(hash);
      return null;
    }
    return entry;
  }

  /** Call before reading the key's row; pass the result to `set` with what was read. */
  begin(): number {
    return this.generation;
  }

  set(hash: string, entry: CachedKey, begun: number): void {
    if (this.ttlMs <= 0 || begun !== this.generation) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.delete(hash); // re-insert: the Map's order is the eviction order
    this.entries.set(hash, { ...entry, expiresAt: this.now() + this.ttlMs });
  }

  /** These keys were revoked (or deleted): their next request reads Postgres again. */
  forget(keyIds: readonly string[]): void {
    this.generation += 1;
    const ids = new Set(keyIds);
    for (const [hash, entry] of this.entries) if (ids.has(entry.principal.keyId)) this.entries.delete(hash);
  }
}
