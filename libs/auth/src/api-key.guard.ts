import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { extractApiKey } from './api-key';
import { managesAccount, SCOPED_KEY_FORBIDDEN } from './manages-account';
import type { Principal } from './principal';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  ip?: string;
}

/**
 * Every route behind it needs a valid, unrevoked key; the principal lands on `request.principal`.
 * Routes marked `@ManagesAccount()` refuse agent-scoped keys with 403. An IP past
 * AUTH_FAILURES_PER_MINUTE failed attempts gets 429 (with Retry-After) until its minute ends.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const ip = request.ip ?? 'unknown';
    const wait = this.authenticator.failures.retryAfter(ip);
    if (wait > 0) {
      context
        .switchToHttp()
        .getResponse<{ setHeader(n: string, v: string): void }>()
        .setHeader('Retry-After', String(wait));
      throw new HttpException('Too many failed authentications from this address: retry later', 429);
    }
    const secret = extractApiKey(request.headers);
    if (!secret) {
      this.authenticator.failures.failed(ip);
      throw new UnauthorizedException('Missing API key: send X-API-Key or Authorization: Bearer');
    }
    const principal = await this.authenticator.authenticate(secret);
    if (!principal) {
      this.authenticator.failures.failed(ip);
      throw new UnauthorizedException('Invalid or revoked API key');
    }
    request.principal = principal;
    if (principal.agentId && managesAccount(context)) throw new ForbiddenException(SCOPED_KEY_FORBIDDEN);
    return true;
  }
}
