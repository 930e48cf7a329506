import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run build` puts the console (apps/console → dist/console), relative to this file in dist. */
export const DEFAULT_CONSOLE_DIR = resolve(__dirname, '../../../../console');

/**
 * Serves the operators' console at /console from the API itself (no second deployment, no CDN):
 * hashed assets cached for good, index.html never cached, and every other /console path answered
 * with index.html so deep links (/console/chats/<id>) work on reload. The console only calls the
 * public API, so it needs nothing else from the server.
 */
export function serveConsole(app: NestExpressApplication, dir = DEFAULT_CONSOLE_DIR): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    new Logger('Console').warn(`console not built (${index} missing): run npm run build`);
    app.use('/console', (_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('The console is not built: run `npm run build`.');
    });
    return;
  }
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/console/assets',
    immutable: true,
    maxAge: '365d',
    fallthrough: false,
  });
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
