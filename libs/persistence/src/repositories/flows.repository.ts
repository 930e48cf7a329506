import type { AccountScope, Scope } from '@conclave/domain';
import type { Sql } from '../database';
import type { Database } from '../database';
import type { FlowRow } from '../rows';

const FLOW_WITH_SPEC = `
  SELECT f.id, f.account_id, f.name, f.version, f.archived_at, f.created_at, f.updated_at, v.spec
  FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.version`;

/**
 * `FROM … WHERE` of a flow version `scope` may use (`f` the flow, `v` the version): its current
 * version, or `version`; an agent-scoped caller only its agent's flow. Appends its parameters to `params`.
 */
export function flowVersionInScope(scope: Scope, params: unknown[], id: string, version?: number): string {
  params.push(id, scope.accountId, version ?? null);
  const [flow, account, pinned] = [params.length - 2, params.length - 1, params.length];
  let agentFlow = '';
  if (scope.agentId) {
    params.push(scope.agentId);
    agentFlow = ` AND f.id = (SELECT flow_id FROM agents WHERE id = $${params.length} AND account_id = $${account})`;
  }
  return `FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = coalesce($${pinned}::int, f.version)
       WHERE f.id = $${flow} AND f.account_id = $${account}${agentFlow}`;
}

/**
 * Versioned flows: an edit writes a new version; chats pin the version they were created with.
 * Managing flows needs the whole account (`AccountScope`); an agent-scoped caller can read only the
 * flow its agent publishes (to start chats with it).
 */
export class FlowsRepository {
  constructor(private readonly db: Database) {}

  async create(owner: AccountScope, name: string, spec: unknown): Promise<FlowRow> {
    const accountId = owner.accountId;
    return this.db.transaction(async (tx) => {
      const [flow] = await tx.query<{ id: string }>(
        `INSERT INTO flows (account_id, name) VALUES ($1, $2) RETURNING id`,
        [accountId, name],
      );
      await tx.query(`INSERT INTO flow_versions (flow_id, version, spec) VALUES ($1, 1, $2)`, [
        flow.id,
        JSON.stringify(spec),
      ]);
      const [row] = await tx.query<FlowRow>(`${FLOW_WITH_SPEC} WHERE f.id = $1`, [flow.id]);
      return row;
    });
  }

  /** New version; null when the flow is not the account's or is archived. */
  async update(owner: AccountScope, id: string, name: string, spec: unknown): Promise<FlowRow | null> {
    const accountId = owner.accountId;
    return this.db.transaction(async (tx) => {
      const [flow] = await tx.query<{ version: number }>(
        `UPDATE flows SET version = version + 1, name = $3, updated_at = now()
         WHERE id = $1 AND account_id = $2 AND archived_at IS NULL RETURNING version`,
        [id, accountId, name],
      );
      if (!flow) return null;
      await tx.query(`INSERT INTO flow_versions (flow_id, version, spec) VALUES ($1, $2, $3)`, [
        id,
        flow.version,
        JSON.stringify(spec),
      ]);
      const [row] = await tx.query<FlowRow>(`${FLOW_WITH_SPEC} WHERE f.id = $1`, [id]);
      return row;
    });
  }

  /** The current version (or `version`) of an account's flow, archived ones included. */
  async get(scope: Scope, id: string, version?: number): Promise<FlowRow | null> {
    const params: unknown[] = [];
    const rows = await this.db.query<FlowRow>(
      `SELECT f.id, f.account_id, coalesce(v.spec->>'name', f.name) AS name, v.version, f.archived_at,
         f.created_at, f.updated_at, v.spec
       ${flowVersionInScope(scope, params, id, version)}`,
      params,
    );
    return rows[0] ?? null;
  }

  async list(owner: AccountScope): Promise<FlowRow[]> {
    return this.db.query<FlowRow>(
      `${FLOW_WITH_SPEC} WHERE f.account_id = $1 AND f.archived_at IS NULL ORDER BY f.created_at DESC, f.id`,
      [owner.accountId],
    );
  }

  async versions(owner: AccountScope, id: string): Promise<{ version: number; created_at: Date }[]> {
    return this.db.query(
      `SELECT v.version, v.created_at FROM flow_versions v JOIN flows f ON f.id = v.flow_id
       WHERE f.id = $1 AND f.account_id = $2 ORDER BY v.version`,
      [id, owner.accountId],
    );
  }

  /** Archives: existing chats keep their pinned version; no new chats can use it. */
  async archive(owner: AccountScope, id: string): Promise<boolean> {
    const { count } = await this.db.execute(
      `UPDATE flows SET archived_at = now(), updated_at = now()
       WHERE id = $1 AND account_id = $2 AND archived_at IS NULL`,
      [id, owner.accountId],
    );
    return count > 0;
  }

  /** Spec of a pinned version, for the runtime (no account scope: the run already belongs to it). */
  static async spec(sql: Sql, flowId: string, version: number): Promise<unknown> {
    const [row] = await sql.query<{ spec: unknown }>(
      `SELECT spec FROM flow_versions WHERE flow_id = $1 AND version = $2`,
      [flowId, version],
    );
    return row?.spec ?? null;
  }
}
