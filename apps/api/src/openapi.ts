import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { flowJsonSchema } from '@conclave/domain';

/**
 * OpenAPI description of every route at `/docs` (UI) and `/docs-json`. Request bodies are validated
 * with zod, so their schemas are not in the route metadata; the flow spec is attached as a component
 * (also served at `GET /flows/schema`) and the README documents the bodies.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Conclave')
    .setDescription(
      'Multi-agent conversations (AG2 semantics). Native/Agentok chats API, Aksita and Asyntai compatible APIs.',
    )
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'api-key')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...(document.components?.schemas ?? {}), FlowSpec: flowJsonSchema() as never },
  };
  document.security = [{ 'api-key': [] }, { bearer: [] }];
  SwaggerModule.setup('docs', app, document);
}
