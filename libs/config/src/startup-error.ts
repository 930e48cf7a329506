import { ConfigError } from './config';

/**
 * One readable paragraph for a process that could not start: what failed and what to do next.
 * Never "undefined" and never a bare stack for the cases a user meets (bad settings, a taken port,
 * an unreachable or unstartable database); anything unexpected keeps its stack for a bug report.
 */
export function describeStartupError(err: unknown, settings: { port?: number } = {}): string {
  if (err instanceof ConfigError) return err.message;
  if (err === undefined || err === null) return 'unknown error (nothing was thrown)';
  if (typeof err !== 'object') return String(err);
  const e = err as { message?: string; code?: string; fix?: unknown; stack?: string; port?: number };
  // Errors that already carry their fix (e.g. EmbeddedPostgresError) say it all.
  if (typeof e.fix === 'string') return e.message ?? e.fix;
  if (e.code === 'EADDRINUSE') {
    const port = e.port ?? settings.port;
    return (
      `Port ${port} is already in use (${e.message}). Another Conclave may be running: stop it, or ` +
      `start this one on another port: PORT=${(port ?? 3000) + 1} npm start`
    );
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === '28P01' || e.code === '3D000') {
    return (
      `Cannot connect to Postgres: ${e.message}. Check DATABASE_URL (or unset it to use the embedded ` +
      `Postgres in DATA_DIR).`
    );
  }
  return e.stack ?? e.message ?? JSON.stringify(err);
}
