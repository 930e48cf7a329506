import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError } from '@conclave/domain';
import type { Response } from 'express';
import { isDatabaseUnavailable } from './database-unavailable';

const DOMAIN_STATUS: Record<DomainError['code'], number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  insufficient_credits: HttpStatus.PAYMENT_REQUIRED,
  limit_reached: HttpStatus.TOO_MANY_REQUESTS,
  forbidden: HttpStatus.FORBIDDEN,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  timeout: HttpStatus.GATEWAY_TIMEOUT,
};

export interface ErrorDescription {
  status: number;
  message: string | string[];
  details?: Record<string, unknown>;
}

/**
 * Normalises anything thrown in a request into a status and message: Nest HTTP exceptions, domain
 * errors, body-parser failures (bad JSON → 400, too large → 413). Everything else is a real fault
 * (500, logged without request data).
 */
export function describeError(exception: unknown, logger?: Logger): ErrorDescription {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : ((response as { message?: string | string[] }).message ?? exception.message);
    return { status: exception.getStatus(), message };
  }
  if (exception instanceof DomainError) {
    return { status: DOMAIN_STATUS[exception.code], message: exception.message, details: exception.details };
  }
  const e = exception as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.parse.failed')
    return {
      status: 400,
      message: 'Malformed JSON in request body (bodies are read as JSON whatever their Content-Type)',
    };
  if (e?.type === 'entity.too.large') return { status: 413, message: 'Request body too large' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return { status: 415, message: 'Unsupported body encoding' };
  if (isDatabaseUnavailable(exception))
    return { status: 503, message: 'The database is unavailable; retry shortly' };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, message: e.message ?? 'Bad request' };
  const rejected = rejectedByDatabase(exception);
  if (rejected) return rejected;
  logger?.error((exception as Error)?.stack ?? String(exception));
  return { status: 500, message: 'Internal server error' };
}

/**
 * Safety net: a value that slipped past validation and that Postgres refuses (class 22 "data
 * exception": out of range, invalid text, NUL; 54 "too complex") is the request's fault, so a 400
 * quoting Postgres' reason, never a 500. Validation at the edge should name the field first.
 */
function rejectedByDatabase(exception: unknown): ErrorDescription | null {
  const err = exception as {
    code?: unknown;
    message?: unknown;
    driverError?: { code?: unknown; message?: unknown };
  };
  const code = typeof err?.code === 'string' ? err.code : err?.driverError?.code;
  const text = typeof err?.driverError?.message === 'string' ? err.driverError.message : err?.message;
  if (typeof code !== 'string' || !/^(22|54)[0-9A-Z]{3}$/.test(code)) return null;
  return { status: 400, message: `A value in the request cannot be stored: ${String(text ?? code)}` };
}

/** Native/Agentok routes: Nest's `{statusCode, message, error}`. */
@Catch()
export class NativeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const { status, message, details } = describeError(exception, this.logger);
    if (status === 503) response.setHeader('Retry-After', '5');
    response.status(status).json({
      statusCode: status,
      message,
      error: reasonPhrase(status),
      ...(details ?? {}),
    });
  }
}

export function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    402: 'Payment Required',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return phrases[status] ?? 'Error';
}
