import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * One line per HTTP request once its response is done: method, path (no query string), status,
 * duration, request id (the caller's X-Request-Id when sane, else a new one, echoed back) and the
 * account the key belongs to. Never the key, headers or bodies.
 */
export function accessLog(logger: Logger) {
  return (
    req: IncomingMessage & { originalUrl?: string; principal?: { accountId?: string } },
    res: ServerResponse,
    next: () => void,
  ): void => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      const status = res.statusCode;
      const line = {
        context: 'HTTP',
        method: req.method,
        path: (req.originalUrl ?? req.url ?? '').split('?')[0],
        status,
        ms,
        request_id: requestId,
        account_id: req.principal?.accountId ?? null,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
