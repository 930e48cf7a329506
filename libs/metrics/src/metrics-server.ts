import { createServer, type Server } from 'node:http';
import type { ConclaveMetrics } from './metrics';

/**
 * `METRICS_PORT`: metrics (and liveness/readiness) on a port of their own, unauthenticated — bind
 * it to a network only the scraper reaches. `ready` answers the readiness probe.
 */
export async function startMetricsServer(
  metrics: ConclaveMetrics,
  options: { port: number; host: string; ready?: () => Promise<{ ok: boolean; body: unknown }> },
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type }).end(body);
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (path === '/metrics')
      return void metrics
        .render()
        .then((m) => send(200, m.contentType, m.body))
        .catch((err: Error) => send(500, 'text/plain', err.message));
    if (path === '/health/live') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready' && options.ready)
      return void options
        .ready()
        .then((r) => send(r.ok ? 200 : 503, 'application/json', JSON.stringify(r.body)))
        .catch((err: Error) =>
          send(503, 'application/json', JSON.stringify({ status: 'error', error: err.message })),
        );
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
