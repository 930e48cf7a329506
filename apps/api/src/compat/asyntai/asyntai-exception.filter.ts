import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { DomainError } from '@conclave/domain';
import type { Response } from 'express';
import { describeError } from '../../common/native-exception.filter';

/** Asyntai's error body (docs/compatibility.md#asyntai). */
export const asyntaiError = (error: string) => ({ success: false as const, error });

export const isAsyntaiPath = (path: string) => /^\/api\/v1(\/|$)/.test(path);

/**
 * Asyntai routes answer every error as `{success:false, error}`. Asyntai documents 429 for "message
 * limit reached for your plan": an account without credits gets it too (Asyntai has no 402).
 */
@Catch()
export class AsyntaiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Asyntai');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const described = describeError(exception, this.logger);
    let { status } = described;
    let error = Array.isArray(described.message) ? described.message.join('; ') : described.message;
    if (exception instanceof DomainError && exception.code === 'insufficient_credits') status = 429;
    if (status === 429 && response.getHeader('Retry-After') !== undefined)
      error = `Too many requests: retry after ${response.getHeader('Retry-After')} seconds`;
    if (status >= 500 && status !== 503 && status !== 504) error = 'Internal server error; retry shortly';
    if (status === 503 && response.getHeader('Retry-After') === undefined)
      response.setHeader('Retry-After', '5');
    response.status(status).json(asyntaiError(error));
  }
}
