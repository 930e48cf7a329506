import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { formatZodIssues } from '@conclave/domain';
import type { z } from 'zod';

/** Validates a body/query against a zod schema; errors are a 400 listing each bad field. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new BadRequestException(formatZodIssues(result.error.issues));
    return result.data;
  }
}
