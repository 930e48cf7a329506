import type { AccountScope, Scope } from '@conclave/domain';
import type { Database, Sql } from '../database';
import type { AgentRow } from '../rows';

export interface NewAgent {
  name: string;
  flowId: string;
  domain?: string | null;
  enabled?: boolean;
  isPrimary?: boolean;
  /** Default knowledge base id for the flow's assistants (null: none). */
  knowledgeBase?: string | null;
}

export type AgentChanges = Partial<NewAgent>;

/**
 * Agents (Asyntai: websites). Reads take the caller's scope (an agent-scoped key sees only its own
 * agent); writes take the whole account (`AccountScope`). "Exactly one primary per
 * account" is kept in one transaction that locks the account row: the first agent becomes primary,
 * making another primary unsets the old one, deleting the primary promotes the oldest remaining one.
 */
export class AgentsRepository {
  constructor(private readonly db: Database) {}

  async create(owner: AccountScope, agent: NewAgent): Promise<AgentRow> {
    const accountId = owner.accountId;
    return this.db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      const [{ n }] = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM agents WHERE account_id = $1 AND is_primary`,
        [accountId],
      );
      const primary = n === 0 || agent.isPrimary === true;
      if (primary && n > 0)
        await tx.query(
          `UPDATE agents SET is_primary = false, updated_at = now() WHERE account_id = $1 AND is_primary`,
          [accountId],
        );
      const [row] = await tx.query<AgentRow>(
        `INSERT INTO agents (account_id, name, flow_id, domain, enabled, is_primary, knowledge_base)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [
          accountId,
          agent.name,
          agent.flowId,
          agent.domain ?? null,
          agent.enabled ?? true,
          primary,
          agent.knowledgeBase ?? null,
        ],
      );
      return row;
    });
  }

  async list(scope: Scope): Promise<AgentRow[]> {
    return this.db.query<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE ${VISIBLE} ORDER BY website_id`, [
      scope.accountId,
      scope.agentId,
    ]);
  }

  async get(scope: Scope, id: string): Promise<AgentRow | null> {
    const [row] = await this.db.query<AgentRow>(
      `SELECT ${COLUMNS} FROM agents WHERE ${VISIBLE} AND id = $3`,
      [scope.accountId, scope.agentId, id],
    );
    return row ?? null;
  }

  async getByWebsiteId(scope: Scope, websiteId: number): Promise<AgentRow | null> {
    const [row] = await this.db.query<AgentRow>(
      `SELECT ${COLUMNS} FROM agents WHERE ${VISIBLE} AND website_id = $3`,
      [scope.accountId, scope.agentId, websiteId],
    );
    return row ?? null;
  }

  /** The agent a conversation talks to by default: the key's own agent, else the account's primary. */
  async defaultFor(scope: Scope): Promise<AgentRow | null> {
    const [row] = await this.db.query<AgentRow>(
      `SELECT ${COLUMNS} FROM agents WHERE ${VISIBLE} AND ($2::uuid IS NOT NULL OR is_primary)`,
      [scope.accountId, scope.agentId],
    );
    return row ?? null;
  }

  async update(owner: AccountScope, id: string, changes: AgentChanges): Promise<AgentRow | null> {
    const accountId = owner.accountId;
    return this.db
      .transaction(async (tx) => {
        await lockAccount(tx, accountId);
        if (changes.isPrimary === true)
          await tx.query(
            `UPDATE agents SET is_primary = false, updated_at = now() WHERE account_id = $1 AND is_primary AND id <> $2`,
            [accountId, id],
          );
        const [row] = await tx.query<AgentRow>(
          `UPDATE agents SET
           name = coalesce($3, name),
           flow_id = coalesce($4, flow_id),
           domain = CASE WHEN $5 THEN $6 ELSE domain END,
           enabled = coalesce($7, enabled),
           is_primary = is_primary OR coalesce($8, false),
           knowledge_base = CASE WHEN $9 THEN $10 ELSE knowledge_base END,
           updated_at = now()
         WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
          [
            id,
            accountId,
            changes.name ?? null,
            changes.flowId ?? null,
            changes.domain !== undefined,
            changes.domain ?? null,
            changes.enabled ?? null,
            changes.isPrimary ?? null,
            changes.knowledgeBase !== undefined,
            changes.knowledgeBase ?? null,
          ],
        );
        if (!row) throw new AgentNotFound(); // rolls back the unset of the old primary
        return row;
      })
      .catch((err) => {
        if (err instanceof AgentNotFound) return null;
        throw err;
      });
  }

  /** Deletes the agent (its scoped keys go with it); the oldest remaining agent becomes primary. */
  async delete(owner: AccountScope, id: string): Promise<boolean> {
    const accountId = owner.accountId;
    return this.db.transaction(async (tx) => {
      await lockAccount(tx, accountId);
      const [deleted] = await tx.query<{ is_primary: boolean }>(
        `DELETE FROM agents WHERE id = $1 AND account_id = $2 RETURNING is_primary`,
        [id, accountId],
      );
      if (!deleted) return false;
      if (deleted.is_primary)
        await tx.query(
          `UPDATE agents SET is_primary = true, updated_at = now()
           WHERE id = (SELECT id FROM agents WHERE account_id = $1 ORDER BY website_id LIMIT 1)`,
          [accountId],
        );
      return true;
    });
  }
}

const COLUMNS = `id, website_id, account_id, name, flow_id, domain, enabled, is_primary, knowledge_base, created_at, updated_at`;

class AgentNotFound extends Error {}

/** Parameters `$1` scope.accountId, `$2` scope.agentId (null: every agent of the account). */
const VISIBLE = `account_id = $1 AND ($2::uuid IS NULL OR id = $2)`;

/** Serialises agent writes of one account (the primary flag spans rows). */
async function lockAccount(tx: Sql, accountId: string): Promise<void> {
  await tx.query(`SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
}
