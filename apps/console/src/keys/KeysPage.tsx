import { useState, type FormEvent } from 'react';
import { useAsync } from '../app/useAsync';
import { useSession } from '../session/SessionContext';

/** Agents (published flows) and API keys: create, scope a key to an agent, revoke; a secret is shown once. */
export function KeysPage() {
  const { client } = useSession();
  const keys = useAsync(() => client.apiKeys.list(), [client]);
  const agents = useAsync(() => client.agents.list(), [client]);
  const flows = useAsync(() => client.flows.list(), [client]);
  const [keyName, setKeyName] = useState('');
  const [scope, setScope] = useState('');
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [agentName, setAgentName] = useState('');
  const [agentFlow, setAgentFlow] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError((err as Error).message);
    }
  }
  const createKey = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const created = await client.apiKeys.create(keyName, { agentId: scope || null });
      setSecret({ name: created.name, key: created.key });
      setKeyName('');
      keys.reload();
    });
  };
  const createAgent = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await client.agents.create({ name: agentName, flow_id: agentFlow || flows.data?.[0]?.id || '' });
      setAgentName('');
      agents.reload();
    });
  };
  const agentLabel = (id: string | null) =>
    id ? (agents.data?.find((a) => a.id === id)?.name ?? id) : 'Whole account';

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">Agents and keys</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h2>Agents</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Flow</th>
            <th scope="col">Enabled</th>
          </tr>
        </thead>
        <tbody>
          {(agents.data ?? []).map((a) => (
            <tr key={a.id}>
              <td>
                {a.name} {a.is_primary && <span className="badge">primary</span>}
              </td>
              <td>{flows.data?.find((f) => f.id === a.flow_id)?.name ?? a.flow_id}</td>
              <td>
                <label>
                  <input
                    type="checkbox"
                    checked={a.enabled}
                    onChange={() =>
                      void act(
                        async () => (
                          await client.agents.update(a.id, { enabled: !a.enabled }),
                          agents.reload()
                        ),
                      )
                    }
                  />{' '}
                  <span className="sr-only">Enable {a.name}</span>
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card inline" onSubmit={createAgent} aria-label="Create an agent">
        <label>
          Agent name <input value={agentName} onChange={(e) => setAgentName(e.target.value)} required />
        </label>
        <label>
          Flow{' '}
          <select value={agentFlow} onChange={(e) => setAgentFlow(e.target.value)}>
            {(flows.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Create agent</button>
      </form>

      <h2>API keys</h2>
      {secret && (
        <div className="card secret" role="status">
          <p>
            Key <strong>{secret.name}</strong> created. Copy it now — it will not be shown again:
          </p>
          <code data-testid="new-key">{secret.key}</code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.key)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name (operator)</th>
            <th scope="col">Prefix</th>
            <th scope="col">Scope</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((k) => (
            <tr key={k.id} className={k.revoked_at ? 'muted' : ''}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{agentLabel(k.agent_id)}</td>
              <td>{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : 'never'}</td>
              <td>
                {k.revoked_at ? (
                  'revoked'
                ) : (
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      confirm(`Revoke key "${k.name}"? Clients using it stop working at once.`) &&
                      void act(async () => (await client.apiKeys.revoke(k.id), keys.reload()))
                    }
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card inline" onSubmit={createKey} aria-label="Create an API key">
        <label>
          Key name{' '}
          <input
            value={keyName}
            onChange={(e) => setKeyName(e.target.value)}
            required
            placeholder="e.g. alice"
          />
        </label>
        <label>
          Scope{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="">Whole account (operator)</option>
            {(agents.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                Only agent {a.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}
