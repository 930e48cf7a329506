import { z } from 'zod';

/**
 * Building blocks of the response schemas (`<feature>/dto/*.response.ts`): what every resource's
 * JSON uses for ids and times. Dates are serialised by JSON.stringify, so ISO 8601 with `Z`.
 */
export const Timestamp = z.iso.datetime();
export const NullableTimestamp = Timestamp.nullable();
export const Id = z.uuid();
export const JsonObject = z.record(z.string(), z.unknown());

/** The native error body (`NativeExceptionFilter`): extra fields (e.g. `active_run_id`) depend on the error. */
export const NativeError = z
  .object({
    statusCode: z.number().int(),
    message: z.union([z.string(), z.array(z.string())]),
    error: z.string(),
  })
  .loose()
  .meta({
    id: 'Error',
    description: 'Native error: `message` names the field at fault; some errors add context fields.',
    example: { statusCode: 404, message: 'Chat not found', error: 'Not Found' },
  });

/** Aksita's error body (`AksitaExceptionFilter`). */
export const AksitaError = z
  .object({ status: z.literal(false), reason: z.string() })
  .meta({ id: 'AksitaError', example: { status: false, reason: 'message is required' } });

/** Asyntai's error body (`AsyntaiExceptionFilter`). */
export const AsyntaiError = z
  .object({ success: z.literal(false), error: z.string() })
  .meta({ id: 'AsyntaiError', example: { success: false, error: 'message is required' } });

/**
 * `schema | null` for a schema registered as a component: zod-to-openapi renders `.nullable()` of a
 * registered schema as a bare `$ref` (dropping `null`), a union is rendered as `anyOf [$ref, null]`.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);
