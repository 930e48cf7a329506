import { FlowSpecSchema } from '@conclave/domain';
import { z } from 'zod';
import { Id, Timestamp } from '../../common/api-schemas';

/** The flows API's response bodies (toFlowDto, FlowTestsService): one definition for the OpenAPI document. */

export const FlowSpec = FlowSpecSchema.meta({
  id: 'FlowSpec',
  description: 'A team of agents and how they talk (also served as JSON Schema at `GET /flows/schema`).',
});

export const Flow = z
  .object({
    id: Id,
    name: z.string(),
    version: z.number().int(),
    archived: z.boolean(),
    spec: z.record(z.string(), z.unknown()).meta({ description: 'The flow spec (see FlowSpec)' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Flow' });

export const SavedFlow = Flow.extend({
  warnings: z.array(z.string()).meta({ description: 'What may not work as intended (empty when none)' }),
}).meta({ id: 'SavedFlow' });

export const ImportedFlow = z
  .object({ flow: Flow, warnings: z.array(z.string()) })
  .meta({ id: 'ImportedFlow' });

export const FlowVersion = z
  .object({ version: z.number().int(), created_at: Timestamp })
  .meta({ id: 'FlowVersion' });

export const FlowTestReport = z
  .object({
    flow_id: Id,
    version: z.number().int(),
    models: z.enum(['scripted', 'live']),
    passed: z.number().int(),
    failed: z.number().int(),
    conversations: z
      .array(z.record(z.string(), z.unknown()))
      .meta({ description: 'Per conversation: its status and the first divergent message' }),
  })
  .meta({ id: 'FlowTestReport' });
