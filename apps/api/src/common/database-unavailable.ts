/**
 * Postgres unreachable, too slow or full (connect timeout, client query timeout, statement timeout, a
 * connection that died, no connection slot left): a 503 with Retry-After, not a fault of the request.
 */
export function isDatabaseUnavailable(exception: unknown): boolean {
  const e = exception as {
    message?: unknown;
    code?: unknown;
    driverError?: { code?: unknown; message?: unknown };
  };
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  const message = String(e?.driverError?.message ?? e?.message ?? '');
  if (
    [
      '57014',
      '53300', // too_many_connections: the server is full, a retry later succeeds
      '57P01',
      '57P03',
      '08000',
      '08001',
      '08003',
      '08006',
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
    ].includes(code)
  )
    return true;
  return /timeout exceeded when trying to connect|Query read timeout|Connection terminated|Connection refused|connect ECONNREFUSED|too many clients already/i.test(
    message,
  );
}
