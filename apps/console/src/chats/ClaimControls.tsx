import { useState } from 'react';
import type { Chat } from '@conclave/sdk';
import { useSession } from '../session/SessionContext';

/** Who holds the chat, and the claim / release buttons (a claim keeps other operators' answers out). */
export function ClaimControls({ chat, onChange }: { chat: Chat; onChange: (chat: Chat) => void }) {
  const { client, operator } = useSession();
  const [error, setError] = useState<string | null>(null);
  const mine = chat.claim && operator && chat.claim.key_id === operator.keyId;

  async function act(action: 'claim' | 'release') {
    setError(null);
    try {
      onChange(await client.chats[action](chat.id));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="claim">
      <span className="claim-state" data-testid="claim-state">
        {chat.claim ? (mine ? 'Claimed by you' : `Claimed by ${chat.claim.operator}`) : 'Unclaimed'}
      </span>
      {mine ? (
        <button type="button" onClick={() => void act('release')}>
          Release
        </button>
      ) : (
        <button type="button" onClick={() => void act('claim')}>
          Claim
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
