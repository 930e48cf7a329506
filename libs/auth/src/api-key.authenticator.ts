import { scopeOf } from '@conclave/domain';
import { AccountsRepository } from '@conclave/persistence';
import { hashApiKey } from './api-key';
import { FailedAuthLimiter } from './failed-auth-limiter';
import type { Principal } from './principal';
import { PrincipalCache } from './principal-cache';

/** How long a key's principal is reused without reading Postgres (revocation evicts it at once). */
export const KEY_CACHE_TTL_MS = 10_000;
/** `last_used_at` is coarse: written at most once a minute per key. */
const TOUCH_EVERY_MS = 60_000;

/** Resolves a presented secret to a principal; null for unknown or revoked keys. */
export class ApiKeyAuthenticator {
  /** Failed attempts per client IP (AUTH_FAILURES_PER_MINUTE), shared by HTTP and socket.io. */
  readonly failures: FailedAuthLimiter;
  private readonly cache: PrincipalCache;

  constructor(
    private readonly accounts: AccountsRepository,
    failuresPerMinute = 30,
    cacheTtlMs = KEY_CACHE_TTL_MS,
  ) {
    this.failures = new FailedAuthLimiter(failuresPerMinute);
    this.cache = new PrincipalCache(cacheTtlMs);
  }

  async authenticate(secret: string | null): Promise<Principal | null> {
    if (!secret || secret.length > 256) return null;
    const hash = hashApiKey(secret);
    const cached = this.cache.get(hash);
    if (cached) {
      if (Date.now() - cached.touchedAt > TOUCH_EVERY_MS) {
        cached.touchedAt = Date.now();
        this.touch(cached.principal.keyId);
      }
      return cached.principal;
    }
    const begun = this.cache.begin();
    const key = await this.accounts.findActiveKey(hash);
    if (!key) return null;
    let touchedAt = key.last_used_at?.getTime() ?? 0;
    if (Date.now() - touchedAt > TOUCH_EVERY_MS) {
      touchedAt = Date.now();
      this.touch(key.key_id);
    }
    const principal: Principal = {
      accountId: key.account_id,
      keyId: key.key_id,
      agentId: key.agent_id,
      scope: scopeOf(key.account_id, key.agent_id),
    };
    this.cache.set(hash, { principal, touchedAt }, begun);
    return principal;
  }

  /**
   * These keys were revoked or deleted (here, or on another API instance: the bus's `revoked`
   * message): their next request is refused, not served from the cache.
   */
  forget(keyIds: readonly string[]): void {
    this.cache.forget(keyIds);
  }

  private touch(keyId: string): void {
    void this.accounts.touchKey(keyId).catch(() => undefined);
  }
}
