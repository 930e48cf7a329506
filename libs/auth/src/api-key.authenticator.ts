import { scopeOf } from '@conclave/domain';
import { AccountsRepository } from '@conclave/persistence';
import { hashApiKey } from './api-key';
import { FailedAuthLimiter } from './failed-auth-limiter';
import type { Principal } from './principal';

/** Resolves a presented secret to a principal; null for unknown or revoked keys. */
export class ApiKeyAuthenticator {
  /** Failed attempts per client IP (AUTH_FAILURES_PER_MINUTE), shared by HTTP and socket.io. */
  readonly failures: FailedAuthLimiter;

  constructor(
    private readonly accounts: AccountsRepository,
    failuresPerMinute = 30,
  ) {
    this.failures = new FailedAuthLimiter(failuresPerMinute);
  }

  async authenticate(secret: string | null): Promise<Principal | null> {
    if (!secret || secret.length > 256) return null;
    const key = await this.accounts.findActiveKey(hashApiKey(secret));
    if (!key) return null;
    if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > 60_000) {
      void this.accounts.touchKey(key.key_id).catch(() => undefined);
    }
    return {
      accountId: key.account_id,
      keyId: key.key_id,
      agentId: key.agent_id,
      scope: scopeOf(key.account_id, key.agent_id),
    };
  }
}
