/**
 * Domain errors thrown by use cases. Each API family maps them to its own error shape
 * (Nest `{statusCode, message, error}`, Aksita `{status:false, reason}`, Asyntai `{success:false, error}`).
 */
export type DomainErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'unprocessable'
  | 'insufficient_credits'
  | 'limit_reached'
  | 'forbidden'
  | 'unavailable'
  | 'timeout';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', message, details);
export const invalid = (message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', message, details);
