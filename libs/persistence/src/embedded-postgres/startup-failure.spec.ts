import { explainStartupFailure, postgresReason } from './startup-failure';

const context = { clusterDir: '/data/pg', port: 54329, serverUser: 'postgres' };

describe('embedded Postgres start-up failures', () => {
  it('keeps Postgres own reason and suggests another port when the port is taken', () => {
    const output = [
      '2026-11-29 13:00:00.000 UTC [42] LOG:  starting PostgreSQL 17.10',
      '2026-11-29 13:00:00.001 UTC [42] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
      '2026-11-29 13:00:00.001 UTC [42] HINT:  Is another postmaster already running on port 54329? If not, wait a few seconds and retry.',
      '2026-11-29 13:00:00.002 UTC [42] FATAL:  could not create any TCP/IP sockets',
    ].join('\n');
    const err = explainStartupFailure(output, context);
    expect(err.reason).toContain('FATAL:  could not create any TCP/IP sockets');
    expect(err.reason).toContain('Is another postmaster already running on port 54329?');
    expect(err.fix).toContain('EMBEDDED_PG_PORT=54330');
    expect(err.message).not.toContain('undefined');
  });

  it('names the data directory when a second instance holds its lock', () => {
    const output =
      '2026-11-29 13:00:00.000 UTC [7] FATAL:  lock file "postmaster.pid" already exists\n' +
      '2026-11-29 13:00:00.000 UTC [7] HINT:  Is another postmaster (PID 99) running in data directory "/data/pg"?';
    const err = explainStartupFailure(output, context);
    expect(err.reason).toMatch(/^FATAL: +lock file "postmaster.pid" already exists/);
    expect(err.fix).toContain('/data/pg/postmaster.pid');
  });

  it('names the server user and DATA_DIR on permission errors', () => {
    const err = explainStartupFailure('EACCES spawn /root/c/node_modules/.../initdb EACCES', context);
    expect(err.fix).toContain('"postgres"');
    expect(err.fix).toContain('DATA_DIR');
  });

  it('keeps initdb errors', () => {
    expect(postgresReason('initdb: error: directory "/x" exists but is not empty\nfoo')).toBe(
      'initdb: error: directory "/x" exists but is not empty',
    );
  });

  it('says something even when the server printed nothing', () => {
    expect(postgresReason('')).toBe('the server exited without saying why');
  });
});
