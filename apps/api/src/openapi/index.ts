import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Express, Request, Response } from 'express';
import { serviceInfo } from '../root/service-info';
import { buildOpenApiDocument } from './document';

export { buildOpenApiDocument } from './document';
export type { ApiRoute } from './route';
export { API_ROUTES } from './routes';

/**
 * Serves the OpenAPI document at `/docs-json` and `/openapi.json`, with Swagger UI at `/docs`. The
 * document is generated from the routes' zod schemas (see document.ts), not from Nest metadata.
 */
export function setupOpenApi(app: NestExpressApplication): void {
  const document = buildOpenApiDocument(serviceInfo().version);
  SwaggerModule.setup('docs', app, document as unknown as OpenAPIObject, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Conclave API',
  });
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(document);
  });
}
