import { DataSource, type QueryRunner } from 'typeorm';
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

class QueryRunnerSql implements Sql {
  constructor(private readonly runner: QueryRunner) {}

  async query<T>(text: string, params?: unknown[]): Promise<T[]> {
    const result = await this.runner.query(text, params, true);
    return result.records as T[];
  }

  async execute<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; count: number }> {
    const result = await this.runner.query(text, params, true);
    return { rows: result.records as T[], count: result.affected ?? 0 };
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
    return this.withRunner((sql) => sql.query<T>(text, params));
  }

  async execute<T>(text: string, params?: unknown[]): Promise<{ rows: T[]; count: number }> {
    return this.withRunner((sql) => sql.execute<T>(text, params));
  }

  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(new QueryRunnerSql(runner));
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (isConnectionBroken(err)) {
        await discard(runner, err);
        throw err;
      }
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async withRunner<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(new QueryRunnerSql(runner));
    } catch (err) {
      if (isConnectionBroken(err)) await discard(runner, err);
      throw err;
    } finally {
      await runner.release();
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

/** Releases the runner's connection to the pool with the error, which makes pg-pool destroy it. */
async function discard(runner: QueryRunner, err: unknown): Promise<void> {
  const postgres = runner as QueryRunner & { releasePostgresConnection?(err?: unknown): Promise<void> };
  if (postgres.releasePostgresConnection) await postgres.releasePostgresConnection(err);
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
