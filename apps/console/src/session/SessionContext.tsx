import { createContext, useContext } from 'react';
import type { Conclave } from '@conclave/sdk';

export interface Session {
  /** REST calls, chat subscriptions (`client.realtime`) and the account feed (`client.accountEvents`). */
  client: Conclave;
  /** The operator's identity: the name of the key they signed in with (null for an agent-scoped key). */
  operator: { keyId: string; name: string } | null;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
