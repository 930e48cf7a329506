import type { Scope } from '@conclave/domain';

/**
 * The SQL condition that confines rows of a table with `account_id` and `agent_id` columns (chats) to
 * a scope, appending its parameters to `params`. Repositories call it instead of writing
 * `account_id = $n` by hand. The one other spelling is the plpgsql `conclave_lock_chat` (migration
 * 1766100000001), which the one-statement start and answer use; a change of scope rules changes both.
 */
export function scopeCondition(scope: Scope, params: unknown[], alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  params.push(scope.accountId);
  const account = `${column('account_id')} = $${params.length}`;
  if (scope.agentId === null) return account;
  params.push(scope.agentId);
  return `${account} AND ${column('agent_id')} = $${params.length}`;
}
