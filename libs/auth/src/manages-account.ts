import { createParamDecorator, type ExecutionContext, ForbiddenException, SetMetadata } from '@nestjs/common';
import { asAccountScope, type AccountScope } from '@conclave/domain';
import type { AuthenticatedRequest } from './api-key.guard';

export const MANAGES_ACCOUNT = 'conclave:manages-account';

export const SCOPED_KEY_FORBIDDEN =
  "This key is scoped to one agent: it can use that agent's chats only, not manage the account " +
  '(flows, agents, API keys, settings). Use an account key.';

/**
 * Marks a route (or a whole controller) as account management: flows, agents' settings, API keys,
 * webhooks, knowledge bases, secrets… `ApiKeyGuard` answers 403 to an agent-scoped key there, and
 * only such routes can obtain an `AccountScope` (see `@AccountOwner()`), which every management
 * repository method requires. New management routes: put this on them, take `@AccountOwner()`.
 */
export const ManagesAccount = () => SetMetadata(MANAGES_ACCOUNT, true);

/** Whether the handler or its controller is marked `@ManagesAccount()`. */
export function managesAccount(context: ExecutionContext): boolean {
  return [context.getHandler(), context.getClass()].some(
    (target) => Reflect.getMetadata(MANAGES_ACCOUNT, target) === true,
  );
}

/**
 * The whole account of the caller, on a `@ManagesAccount()` route. Using it elsewhere is a
 * programming error (the route would be open to agent-scoped keys), so it fails loudly.
 */
export const AccountOwner = createParamDecorator((_: unknown, context: ExecutionContext): AccountScope => {
  if (!managesAccount(context))
    throw new Error('@AccountOwner() used on a route that is not marked @ManagesAccount()');
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@AccountOwner() used on a route without ApiKeyGuard');
  const owner = asAccountScope(principal.scope);
  if (!owner) throw new ForbiddenException(SCOPED_KEY_FORBIDDEN);
  return owner;
});
