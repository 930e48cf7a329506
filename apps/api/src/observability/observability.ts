import { timingSafeEqual } from 'node:crypto';
import type { ConclaveMetrics, Readiness } from '@conclave/metrics';
import type { NextFunction, Request, Response } from 'express';

/**
 * HTTP latency by route template (`/chats/:id`, never the raw path: ids would explode the series).
 * Requests no route matched are `unmatched`.
 */
export function httpMetrics(metrics: ConclaveMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const template = typeof route === 'string' ? route : 'unmatched';
      metrics.observeHttp(
        req.method,
        template,
        res.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

/**
 * `GET /metrics` on the API's port: only with `Authorization: Bearer <METRICS_TOKEN>` (the metrics
 * name routes and volumes, not for tenants). Without a token configured it is not served here
 * (use `METRICS_PORT`).
 */
export function metricsEndpoint(metrics: ConclaveMetrics, token: string | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path !== '/metrics' || req.method !== 'GET' || !token) return next();
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!sameSecret(given, token)) {
      res.status(401).json({
        statusCode: 401,
        message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>',
        error: 'Unauthorized',
      });
      return;
    }
    metrics
      .render()
      .then((m) => res.type(m.contentType).send(m.body))
      .catch(next);
  };
}

/** `GET /health/live` (the process answers) and `GET /health/ready` (dependencies, 503 when not). */
export function probes(ready: () => Promise<Readiness>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET') return next();
    if (req.path === '/health/live') {
      res.json({ status: 'ok' });
      return;
    }
    if (req.path !== '/health/ready') return next();
    ready()
      .then((r) => res.status(r.ok ? 200 : 503).json(r.body))
      .catch(next);
  };
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
