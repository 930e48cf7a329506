import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
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
}

/**
 * Every route behind it needs a valid, unrevoked key; the principal lands on `request.principal`.
 * Routes marked `@ManagesAccount()` refuse agent-scoped keys with 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const secret = extractApiKey(request.headers);
    if (!secret) throw new UnauthorizedException('Missing API key: send X-API-Key or Authorization: Bearer');
    const principal = await this.authenticator.authenticate(secret);
    if (!principal) throw new UnauthorizedException('Invalid or revoked API key');
    request.principal = principal;
    if (principal.agentId && managesAccount(context)) throw new ForbiddenException(SCOPED_KEY_FORBIDDEN);
    return true;
  }
}
