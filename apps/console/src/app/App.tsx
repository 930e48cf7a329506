import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Conclave } from '@conclave/sdk';
import { SessionContext, type Session } from '../session/SessionContext';
import { forgetKey, saveKey, savedKey } from '../session/session';
import { SignIn } from '../session/SignIn';
import { InboxPage } from '../inbox/InboxPage';
import { ChatsPage } from '../chats/ChatsPage';
import { ChatView } from '../chats/ChatView';
import { KeysPage } from '../keys/KeysPage';
import { UsagePage } from '../usage/UsagePage';
import { Layout } from './Layout';
import { usePath } from './router';

// The flow editor and graph are the heaviest part: loaded when first opened.
const FlowsPage = lazy(() => import('../flows/FlowsPage').then((m) => ({ default: m.FlowsPage })));

export function App() {
  const [key, setKey] = useState<string | null>(savedKey);
  if (!key)
    return (
      <SignIn
        onSignedIn={(k) => {
          saveKey(k);
          setKey(k);
        }}
      />
    );
  return (
    <SignedIn
      apiKey={key}
      onSignOut={() => {
        forgetKey();
        setKey(null);
      }}
    />
  );
}

function SignedIn({ apiKey, onSignOut }: { apiKey: string; onSignOut: () => void }) {
  // The API serves the console: same origin, so no base URL.
  const client = useMemo(() => new Conclave({ baseUrl: '', apiKey }), [apiKey]);
  const [operator, setOperator] = useState<Session['operator']>(null);
  useEffect(() => () => client.close(), [client]);
  useEffect(() => {
    // Who am I: the key whose display prefix starts my secret (agent-scoped keys may not list keys).
    client.apiKeys.list().then(
      (keys) => {
        const mine = keys.find((k) => !k.revoked_at && apiKey.startsWith(k.prefix));
        if (mine) setOperator({ keyId: mine.id, name: mine.name });
      },
      () => setOperator(null),
    );
  }, [client, apiKey]);
  const session: Session = { client, operator, signOut: onSignOut };
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Suspense fallback={<p>Loading…</p>}>
          <Page />
        </Suspense>
      </Layout>
    </SessionContext.Provider>
  );
}

function Page() {
  const path = usePath();
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case undefined:
    case 'inbox':
      return <InboxPage />;
    case 'chats':
      return parts[1] ? <ChatView key={parts[1]} chatId={parts[1]} /> : <ChatsPage />;
    case 'flows':
      return <FlowsPage flowId={parts[1] ?? null} />;
    case 'keys':
      return <KeysPage />;
    case 'usage':
      return <UsagePage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>No console page at {path}.</p>
        </section>
      );
  }
}
