/**
 * Why the embedded Postgres did not start, in Postgres's own words plus what to do about it.
 * Pure: takes the server's stderr (or a spawn error) and the settings that were used.
 */
export class EmbeddedPostgresError extends Error {
  constructor(
    /** Postgres's own reason (its FATAL/ERROR lines), or the OS error. */
    readonly reason: string,
    /** The next step for the person who ran the command. */
    readonly fix: string,
  ) {
    super(`Embedded Postgres could not start: ${reason}\n${fix}`);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface StartupContext {
  /** Directory holding the cluster (DATA_DIR/pg or where it was placed). */
  clusterDir: string;
  port: number;
  /** OS user the server runs as. */
  serverUser: string;
}

/** The lines of Postgres's output that say what went wrong (FATAL/ERROR/PANIC and their HINT/DETAIL). */
export function postgresReason(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        /\b(FATAL|PANIC|ERROR|HINT|DETAIL):/.test(line) ||
        /^initdb: (error|hint|detail)/.test(line) ||
        /could not bind/.test(line),
    )
    // drop the "2026-01-01 10:00:00.000 UTC [123] " prefix Postgres puts before the level
    .map((line) => line.replace(/^.*?\[\d+\]\s+/, ''));
  const unique = [...new Set(lines)];
  if (unique.length) return unique.join(' ');
  const last = output.trim().split('\n').filter(Boolean).slice(-3).join(' ');
  return last || 'the server exited without saying why';
}

export function explainStartupFailure(output: string, context: StartupContext): EmbeddedPostgresError {
  const reason = postgresReason(output);
  const { port, clusterDir, serverUser } = context;
  if (/could not bind|Address already in use/i.test(output)) {
    return new EmbeddedPostgresError(
      reason,
      `Port ${port} is taken by another program (perhaps another Conclave with a different DATA_DIR). ` +
        `Stop it, or choose another port: EMBEDDED_PG_PORT=${port + 1} npm start`,
    );
  }
  if (/lock file .* already exists|postmaster\.pid/i.test(output)) {
    return new EmbeddedPostgresError(
      reason,
      `Another Postgres already uses ${clusterDir} (a second Conclave on the same DATA_DIR, or one that ` +
        `was killed). Stop the other instance; if none runs, delete ${clusterDir}/postmaster.pid.`,
    );
  }
  if (/Permission denied|EACCES|must be owned|wrong ownership|has invalid permissions/i.test(output)) {
    return new EmbeddedPostgresError(
      reason,
      `The Postgres server runs as the OS user "${serverUser}", which must own ${clusterDir} and reach ` +
        `it and the Postgres binaries. Set DATA_DIR to a directory that user can write, or use your own ` +
        `server with DATABASE_URL=postgres://...`,
    );
  }
  return new EmbeddedPostgresError(
    reason,
    `Check ${clusterDir} (delete it to start with an empty database), or use your own server with ` +
      `DATABASE_URL=postgres://...`,
  );
}

/** An OS error raised before Postgres could say anything (spawn EACCES, ENOENT...). */
export function explainSpawnFailure(
  err: NodeJS.ErrnoException,
  context: StartupContext,
): EmbeddedPostgresError {
  return explainStartupFailure(`${err.code ?? ''} ${err.message}`, context);
}
