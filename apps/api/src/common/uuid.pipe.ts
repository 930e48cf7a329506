import { NotFoundException, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@conclave/domain';

/** A malformed id names nothing we have: 404, like an unknown one (and never a database error). */
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'Resource') {}

  transform(value: string): string {
    if (!isUuid(value)) throw new NotFoundException(`${this.what} not found`);
    return value.toLowerCase();
  }
}
