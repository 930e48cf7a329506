import type { Sql } from '../database';

/** The current calendar month (UTC), the key of `account_usage`. */
const MONTH = `(date_trunc('month', now() AT TIME ZONE 'UTC'))::date`;

/** The plan's monthly limit of end-user messages, counted by the transaction that accepts a message. */
export interface MessageAllowance {
  monthlyLimit: number;
}

/**
 * MessageAdmission's rules as data, applied by the statement that admits a message and starts its
 * run (`RunsRepository.admitAndStart`): the smallest credit balance that may send a message, and the
 * monthly message limit of each plan (`unlistedPlans` for a plan not in `monthlyLimits`).
 */
export interface AdmissionTerms {
  minimumCredits: number;
  monthlyLimits: Record<string, number>;
  unlistedPlans: number;
}

/** The month's allowance is used up: thrown inside a start transaction to roll it back. */
export class MessageLimitReached extends Error {
  constructor() {
    super('monthly message limit reached');
    this.name = 'MessageLimitReached';
  }
}

export interface MonthlyUsage {
  messages_used: number;
  credits_used: number;
}

/** Credit balance checks and monthly usage counters (issue 7). */
export class UsageRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Counts one end-user message against this month's plan limit, in one conditional statement so
   * concurrent requests can never exceed it. Called inside the transaction that starts (or resumes)
   * the message's run, after its chat row lock (the step transaction's lock order: chat, then
   * account): `MessageLimitReached` rolls the start back, and a start that fails counts nothing.
   */
  async countMessage(accountId: string, allowance: MessageAllowance): Promise<void> {
    const rows =
      allowance.monthlyLimit <= 0
        ? []
        : await this.sql.query(
            `INSERT INTO account_usage (account_id, month, messages_used) VALUES ($1, ${MONTH}, 1)
             ON CONFLICT (account_id, month) DO UPDATE SET messages_used = account_usage.messages_used + 1
             WHERE account_usage.messages_used < $2
             RETURNING messages_used`,
            [accountId, allowance.monthlyLimit],
          );
    if (rows.length === 0) throw new MessageLimitReached();
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
}
