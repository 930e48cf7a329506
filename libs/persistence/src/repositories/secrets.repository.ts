import type { Sql } from '../database';

/** What may be shown of an account secret: never its value. */
export interface SecretInfo {
  name: string;
  hosts: string[];
  created_at: Date;
  updated_at: Date;
}

/**
 * The account secret store. Values arrive and leave sealed (see `@conclave/secrets` SecretBox);
 * every statement is scoped by account. Listing never selects the sealed column.
 */
export class SecretsRepository {
  constructor(private readonly sql: Sql) {}

  async put(accountId: string, name: string, sealed: Buffer, hosts: string[]): Promise<SecretInfo> {
    const [row] = await this.sql.query<SecretInfo>(
      `INSERT INTO account_secrets (account_id, name, sealed, hosts) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, name) DO UPDATE SET sealed = $3, hosts = $4, updated_at = now()
       RETURNING name, hosts, created_at, updated_at`,
      [accountId, name, sealed, hosts],
    );
    return row;
  }

  async list(accountId: string): Promise<SecretInfo[]> {
    return this.sql.query<SecretInfo>(
      `SELECT name, hosts, created_at, updated_at FROM account_secrets WHERE account_id = $1 ORDER BY name`,
      [accountId],
    );
  }

  async delete(accountId: string, name: string): Promise<boolean> {
    const rows = await this.sql.query(
      `DELETE FROM account_secrets WHERE account_id = $1 AND name = $2 RETURNING name`,
      [accountId, name],
    );
    return rows.length > 0;
  }

  /** The sealed value and its hosts, for the secret resolver. */
  async find(accountId: string, name: string): Promise<{ sealed: Buffer; hosts: string[] } | null> {
    const [row] = await this.sql.query<{ sealed: Buffer; hosts: string[] }>(
      `SELECT sealed, hosts FROM account_secrets WHERE account_id = $1 AND name = $2`,
      [accountId, name],
    );
    return row ?? null;
  }
}
