import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');

export interface MountedRoute {
  method: string;
  /** Express syntax, as mounted: `/chats/:id`. */
  path: string;
}

/**
 * Every route the built API mounts: builds the app exactly as `npm start` does (createApiApp, on the
 * given database) in a child process, reads Express's router, and closes it without listening.
 */
export async function mountedRoutes(env: Record<string, string>): Promise<MountedRoute[]> {
  const script = `
    const { loadConfig } = require(${JSON.stringify(resolve(ROOT, 'dist/libs/config/src/index.js'))});
    const { createApiApp } = require(${JSON.stringify(resolve(ROOT, 'dist/apps/api/src/api-app.js'))});
    (async () => {
      const config = loadConfig();
      const api = await createApiApp(config);
      const router = api.app.getHttpAdapter().getInstance().router;
      const routes = router.stack
        .filter((layer) => layer.route)
        .flatMap((layer) =>
          Object.keys(layer.route.methods).map((method) => ({ method, path: layer.route.path })),
        );
      await api.close();
      process.stdout.write('ROUTES ' + JSON.stringify(routes) + '\\n');
      process.exit(0);
    })().catch((err) => { console.error(err); process.exit(1); });
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', SEED_DEMO: 'false', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('ROUTES '));
  if (!line) throw new Error(`no route list in the output:\n${stdout}`);
  return JSON.parse(line.slice('ROUTES '.length)) as MountedRoute[];
}
