import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { SECRET_NAME } from './dto/secret.dto';

/** The `:name` of `/secrets/{name}`: 400 naming the rule otherwise. */
export class SecretNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SECRET_NAME.test(value)) throw new BadRequestException(['name: 1 to 64 letters, digits, _, . or -']);
    return value;
  }
}
