import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { describeError } from '../../common/native-exception.filter';

/** Aksita's error body (docs/compatibility.md#aksita). */
export const aksitaError = (reason: string) => ({ status: false as const, reason });

/** `/api/...` except Asyntai's `/api/v1/...`. */
export const isAksitaPath = (path: string) => path.startsWith('/api/') && !/^\/api\/v1(\/|$)/.test(path);

const RETRY_HINT = 'Retry after a brief delay, with exponential backoff.';

/**
 * Aksita routes answer every error as `{status:false, reason}`. 401 comes from the key guard in this
 * shape too. Server trouble (a fault, or the model provider being unavailable) is Aksita's 500 with a
 * retry hint; nothing else is a 500.
 */
@Catch()
export class AksitaExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Aksita');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const described = describeError(exception, this.logger);
    let { status } = described;
    let reason = Array.isArray(described.message) ? described.message.join('; ') : described.message;
    if (status === 429 && response.getHeader('Retry-After') !== undefined)
      reason = `Too many requests: retry after ${response.getHeader('Retry-After')} seconds`;
    if (status === 503) {
      status = 500;
      reason = `${reason}. ${RETRY_HINT}`;
    } else if (status >= 500 && status !== 504) {
      status = 500;
      reason = `Internal server error. ${RETRY_HINT}`;
    }
    if (status === 500) response.setHeader('Retry-After', '2');
    response.status(status).json(aksitaError(reason));
  }
}
