/**
 * Who a query may see. Every repository method reachable from a request takes a scope instead of a
 * bare account id, so a query that forgets the tenant — or forgets that a key is confined to one
 * agent — does not compile.
 *
 * - `Scope`: an account, optionally narrowed to one agent (the key a website embeds). Chats,
 *   messages, events, runs and subscriptions are filtered by both.
 * - `AccountScope`: the whole account, for management (flows, agents, keys, webhooks, secrets…). A
 *   request only gets one on a route marked `@ManagesAccount()`, which answers 403 to agent-scoped
 *   keys; internal callers (CLI, seed, tests) build one with `accountScope(id)`.
 *
 * The brands exist only in the type system: at run time both are plain `{accountId, agentId}`.
 */
declare const SCOPE: unique symbol;
declare const ACCOUNT_SCOPE: unique symbol;

export interface Scope {
  readonly accountId: string;
  /** Set for agent-scoped keys: only this agent's chats exist for the caller. */
  readonly agentId: string | null;
  readonly [SCOPE]: true;
}

export interface AccountScope extends Scope {
  readonly agentId: null;
  readonly [ACCOUNT_SCOPE]: true;
}

/** The scope of an authenticated key (built by the authenticator, nowhere else in request code). */
export function scopeOf(accountId: string, agentId: string | null): Scope {
  return Object.freeze({ accountId, agentId: agentId ?? null }) as Scope;
}

/** The whole account. Request code gets it through `@ManagesAccount()`; use directly only off-request. */
export function accountScope(accountId: string): AccountScope {
  return Object.freeze({ accountId, agentId: null }) as AccountScope;
}

/** The account-wide view of a scope, or null when it is confined to an agent. */
export function asAccountScope(scope: Scope): AccountScope | null {
  return scope.agentId === null ? accountScope(scope.accountId) : null;
}
