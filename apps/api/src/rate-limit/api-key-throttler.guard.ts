import { type ExecutionContext, Injectable } from '@nestjs/common';
import { extractApiKey, hashApiKey } from '@conclave/auth';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * RATE_LIMIT_PER_MINUTE per API key (the presented key's hash; the client IP when none is sent).
 * Over the limit: 429 with `Retry-After`, rendered in each route family's error shape by its filter.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const key = extractApiKey(req.headers ?? {});
    return key ? `key:${hashApiKey(key)}` : `ip:${req.ip}`;
  }

  /** One budget per key across all routes (the default key is per route handler). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  /** HTTP only: socket.io connections are limited by the realtime gateway. */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }
}
