import type { Sql } from '../database';

/** The current calendar month (UTC), the key of `account_usage`. */
const MONTH = `(date_trunc('month', now() AT TIME ZONE 'UTC'))::date`;

export interface MonthlyUsage {
  messages_used: number;
  credits_used: number;
}

/** Credit balance checks and monthly usage counters (issue 7). */
export class UsageRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Counts one end-user message against this month's plan limit, in one conditional statement so
   * concurrent requests can never exceed it. False when the limit is reached.
   */
  async reserveMessage(accountId: string, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    const rows = await this.sql.query(
      `INSERT INTO account_usage (account_id, month, messages_used) VALUES ($1, ${MONTH}, 1)
       ON CONFLICT (account_id, month) DO UPDATE SET messages_used = account_usage.messages_used + 1
       WHERE account_usage.messages_used < $2
       RETURNING messages_used`,
      [accountId, limit],
    );
    return rows.length > 0;
  }

  /** Gives back a reserved message whose request then started nothing (unknown chat, busy chat). */
  async releaseMessage(accountId: string): Promise<void> {
    await this.sql.query(
      `UPDATE account_usage SET messages_used = messages_used - 1
       WHERE account_id = $1 AND month = ${MONTH} AND messages_used > 0`,
      [accountId],
    );
  }

  async thisMonth(accountId: string): Promise<MonthlyUsage> {
    const [row] = await this.sql.query<{ messages_used: number; credits_used: string }>(
      `SELECT messages_used, credits_used FROM account_usage WHERE account_id = $1 AND month = ${MONTH}`,
      [accountId],
    );
    return { messages_used: row?.messages_used ?? 0, credits_used: Number(row?.credits_used ?? 0) };
  }

  async balance(accountId: string): Promise<number | null> {
    const [row] = await this.sql.query<{ credit_balance: string }>(
      `SELECT credit_balance FROM accounts WHERE id = $1`,
      [accountId],
    );
    return row ? Number(row.credit_balance) : null;
  }

  /** Sum of the credits of the given messages (what one API request cost). */
  async creditsOf(messageIds: string[]): Promise<number> {
    if (messageIds.length === 0) return 0;
    const [row] = await this.sql.query<{ total: string | null }>(
      `SELECT sum(credits) AS total FROM messages WHERE id = ANY($1::uuid[])`,
      [messageIds],
    );
    return Number(row?.total ?? 0);
  }
}
