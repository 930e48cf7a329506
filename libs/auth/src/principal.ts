/** Who is calling: the account behind the API key, and the agent the key is scoped to (if any). */
export interface Principal {
  accountId: string;
  keyId: string;
  agentId: string | null;
}
