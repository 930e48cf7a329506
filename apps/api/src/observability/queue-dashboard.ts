import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { KNOWLEDGE_QUEUE } from '@conclave/knowledge';
import { RUNS_QUEUE } from '@conclave/runtime';
import { WEBHOOKS_QUEUE } from '@conclave/webhooks';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { sameSecret } from './observability';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

interface Mountable {
  use(path: string, ...handlers: unknown[]): unknown;
}

/**
 * bull-board over the queues of queue mode (`runs`, `knowledge`, `webhooks`) at /admin/queues,
 * mounted only when QUEUE_DASHBOARD is on. It can retry and remove jobs, so it answers only to
 * QUEUE_DASHBOARD_TOKEN — as `Authorization: Bearer <token>`, or as the password of HTTP Basic so a
 * browser can open it (any user name).
 */
export function mountQueueDashboard(
  app: Mountable,
  options: { redisUrl: string; prefix: string; token: string },
): { close(): Promise<void> } {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined); // reconnects on its own; the dashboard shows the outage
  const queues = [RUNS_QUEUE, KNOWLEDGE_QUEUE, WEBHOOKS_QUEUE].map(
    (name) => new Queue(name, { connection, prefix: options.prefix }),
  );
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: board });
  app.use(QUEUE_DASHBOARD_PATH, dashboardAuth(options.token), board.getRouter());
  return {
    async close() {
      await Promise.allSettled(queues.map((q) => q.close()));
      connection.disconnect();
    },
  };
}

function dashboardAuth(token: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (sameSecret(presentedToken(req.headers.authorization), token)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="Conclave queues", charset="UTF-8"');
    res.status(401).json({
      statusCode: 401,
      message: 'The queue dashboard needs QUEUE_DASHBOARD_TOKEN (Authorization: Bearer, or Basic password)',
      error: 'Unauthorized',
    });
  };
}

function presentedToken(header: string | undefined): string {
  const [scheme, value] = (header ?? '').trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value ?? '';
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value ?? '', 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return '';
}
