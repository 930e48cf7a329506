import { createHash } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** The narrow SQL surface repositories use: parameterised queries, inside or outside a transaction. */
export interface Sql {
  /** Rows of a SELECT or of a statement with RETURNING. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Affected row count and RETURNING rows of an INSERT/UPDATE/DELETE. */
  execute<T = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; count: number }>;
}

/** The part of a `pg` client (pooled connection) the `Sql` handles use. */
interface PgClient {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<PgResult>;
  release(err?: Error | boolean): void;
}

interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}

interface PgPool {
  connect(): Promise<PgClient>;
}

/**
 * Every statement runs as a named (prepared) statement: Postgres parses and plans a statement text
 * once per connection, not on every call (most of a hot query's server time on a one-row lookup).
 * The names are derived from the text; the first MAX_PREPARED distinct texts of the process get one
 * (an interpolated text would otherwise prepare without bound), the rest run unnamed.
 */
const MAX_PREPARED = 1_000;
const statementNames = new Map<string, string | undefined>();

export function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && !statementNames.has(text)) {
    name =
      statementNames.size < MAX_PREPARED
        ? `c_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`
        : undefined;
    statementNames.set(text, name);
  }
  return name;
}

class ClientSql implements Sql {
  constructor(private readonly client: PgClient) {}

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return (await this.send(text, params)).rows as T[];
  }

  async execute<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; count: number }> {
    const result = await this.send(text, params);
    return { rows: result.rows as T[], count: result.rowCount ?? 0 };
  }

  private async send(text: string, params: unknown[] = []): Promise<PgResult> {
    try {
      return await this.client.query({ name: statementName(text), text, values: params });
    } catch (err) {
      // The error shape the repositories and filters read (`driverError.code`, `.constraint`).
      throw new QueryFailedError(text, params, err as Error);
    }
  }
}

/** Owns the TypeORM data source (connection pool + migrations) and hands out `Sql` handles. */
export class Database implements Sql {
  readonly dataSource: DataSource;

  constructor(
    url: string,
    options: {
      poolSize?: number;
      applicationName?: string;
      timeouts?: { connectMs: number; statementMs: number; idleInTransactionMs: number };
    } = {},
  ) {
    const timeouts = options.timeouts ?? {
      connectMs: 5_000,
      statementMs: 30_000,
      idleInTransactionMs: 60_000,
    };
    this.dataSource = new DataSource({
      type: 'postgres',
      url,
      migrations: MIGRATIONS,
      migrationsTableName: 'migrations',
      synchronize: false,
      logging: false,
      applicationName: options.applicationName ?? 'conclave',
      poolSize: options.poolSize ?? 20,
      // A blackholed or dead Postgres must fail requests fast (503), never hang them: connect and
      // statement timeouts (the client-side one also covers a network that stopped answering).
      extra: {
        connectionTimeoutMillis: timeouts.connectMs,
        statement_timeout: timeouts.statementMs,
        query_timeout: timeouts.statementMs + 1_000,
        idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
      },
    });
  }

  async connect(): Promise<void> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
  }

  /** Runs pending migrations under an advisory lock so several processes may start at once. */
  async migrate(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(7419301)`);
      await this.dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(7419301)`).catch(() => undefined);
      await runner.release();
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    return this.withClient((_, sql) => sql.query<T>(text, params));
  }

  async execute<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; count: number }> {
    return this.withClient((_, sql) => sql.execute<T>(text, params));
  }

  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.withClient(async (client, sql) => {
      await client.query({ text: 'BEGIN' });
      try {
        const result = await work(sql);
        await client.query({ text: 'COMMIT' });
        return result;
      } catch (err) {
        if (!isConnectionBroken(err)) await client.query({ text: 'ROLLBACK' }).catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * The `pg` pool under TypeORM: the hot path talks to it directly (named statements, no query
   * runner and its event broadcasting per query); TypeORM keeps the pool's lifecycle and migrations.
   */
  private get pool(): PgPool {
    return (this.dataSource.driver as unknown as { master: PgPool }).master;
  }

  private async withClient<T>(work: (client: PgClient, sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown = null;
    try {
      return await work(client, new ClientSql(client));
    } catch (err) {
      if (isConnectionBroken(err)) broken = err;
      throw err;
    } finally {
      // Released with the error, pg-pool destroys the connection instead of handing it out again.
      client.release(broken ? (broken as Error) : undefined);
    }
  }
}

/**
 * A query that got no answer in time (client read timeout) or whose connection dropped leaves the
 * connection in an unknown state: behind a blackholed network it would never answer again. Such a
 * connection must leave the pool, or it is handed out again and fails every request that draws it
 * long after Postgres is reachable again.
 */
export function isConnectionBroken(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown; driverError?: { message?: unknown; code?: unknown } };
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  return (
    ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code) ||
    /Query read timeout|Connection terminated|Client has encountered a connection error/i.test(message)
  );
}

/** Postgres error code for a unique violation. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as {
    code?: string;
    driverError?: { code?: string; constraint?: string };
    constraint?: string;
  };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === UNIQUE_VIOLATION && (constraint === undefined || name === constraint);
}
