import type { Scope } from '@conclave/domain';

/** Who is calling: the account behind the API key, and the agent the key is scoped to (if any). */
export interface Principal {
  accountId: string;
  keyId: string;
  agentId: string | null;
  /** What the caller may see: pass it to repositories (they take no bare account id). */
  scope: Scope;
}
