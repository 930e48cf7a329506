import type { AccountScope } from '@conclave/domain';
import type { Sql } from '../database';
import type { AccountRow, ApiKeyRow } from '../rows';

export interface KeyPrincipalRow {
  key_id: string;
  account_id: string;
  agent_id: string | null;
  last_used_at: Date | null;
}

/** Accounts and their API keys. Every read is scoped by the owning account. */
export class AccountsRepository {
  constructor(private readonly sql: Sql) {}

  async create(email: string, options: { plan?: string; credits?: number } = {}): Promise<AccountRow> {
    const [row] = await this.sql.query<AccountRow>(
      `INSERT INTO accounts (email, plan, credit_balance) VALUES ($1, $2, $3) RETURNING *`,
      [email, options.plan ?? 'free', options.credits ?? 0],
    );
    return row;
  }

  async findByEmail(email: string): Promise<AccountRow | null> {
    const [row] = await this.sql.query<AccountRow>(`SELECT * FROM accounts WHERE email = $1`, [email]);
    return row ?? null;
  }

  /** Oldest first; for operator tools (the CLI), never for a tenant's request. */
  async list(limit: number): Promise<AccountRow[]> {
    return this.sql.query<AccountRow>(`SELECT * FROM accounts ORDER BY created_at, id LIMIT $1`, [limit]);
  }

  async get(id: string): Promise<AccountRow | null> {
    const [row] = await this.sql.query<AccountRow>(`SELECT * FROM accounts WHERE id = $1`, [id]);
    return row ?? null;
  }

  async createKey(
    owner: AccountScope,
    key: { name: string; prefix: string; hash: string; agentId?: string | null },
  ): Promise<ApiKeyRow> {
    const accountId = owner.accountId;
    const [row] = await this.sql.query<ApiKeyRow>(
      `INSERT INTO api_keys (account_id, agent_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, account_id, agent_id, name, prefix, created_at, last_used_at, revoked_at`,
      [accountId, key.agentId ?? null, key.name, key.prefix, key.hash],
    );
    return row;
  }

  async listKeys(owner: AccountScope): Promise<ApiKeyRow[]> {
    const accountId = owner.accountId;
    return this.sql.query<ApiKeyRow>(
      `SELECT id, account_id, agent_id, name, prefix, created_at, last_used_at, revoked_at
       FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC, id`,
      [accountId],
    );
  }

  /** Revokes at once; revoking twice keeps the first timestamp. Null when the key is not the account's. */
  async revokeKey(owner: AccountScope, keyId: string): Promise<ApiKeyRow | null> {
    const accountId = owner.accountId;
    const [row] = await this.sql.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND account_id = $2
       RETURNING id, account_id, agent_id, name, prefix, created_at, last_used_at, revoked_at`,
      [keyId, accountId],
    );
    return row ?? null;
  }

  async findActiveKey(hash: string): Promise<KeyPrincipalRow | null> {
    const [row] = await this.sql.query<KeyPrincipalRow>(
      `SELECT id AS key_id, account_id, agent_id, last_used_at FROM api_keys
       WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    return row ?? null;
  }

  /** Coarse (once a minute) so authentication does not cost a write per request. */
  async touchKey(keyId: string): Promise<void> {
    await this.sql.query(
      `UPDATE api_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [keyId],
    );
  }
}
