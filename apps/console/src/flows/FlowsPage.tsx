import { lazy, Suspense } from 'react';
import type { Flow } from '@conclave/sdk';
import { Link, navigate } from '../app/router';
import { useAsync } from '../app/useAsync';
import { useSession } from '../session/SessionContext';
import { AgentokImport } from './AgentokImport';
import { FlowEditor } from './FlowEditor';

const FlowGraph = lazy(() => import('./FlowGraph').then((m) => ({ default: m.FlowGraph })));

const NEW_FLOW = {
  name: 'New flow',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
    { name: 'assistant', type: 'assistant', llm: { provider: 'scripted', replies: ['Hello!'] } },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 10 },
};

/** Flows: the list, and for one flow its versions, graph and JSON editor (a save is a new version). */
export function FlowsPage({ flowId }: { flowId: string | null }) {
  const { client } = useSession();
  const flows = useAsync(() => client.flows.list(), [client]);
  const schema = useAsync(() => client.flows.schema(), [client]);
  return (
    <section aria-labelledby="flows-title" className="flows">
      <h1 id="flows-title">Flows</h1>
      <div className="flows-body">
        <nav aria-label="Flows" className="flow-list">
          <ul>
            {(flows.data ?? []).map((f) => (
              <li key={f.id}>
                <Link to={`/flows/${f.id}`} aria-current={f.id === flowId ? 'page' : undefined}>
                  {f.name} <span className="muted">v{f.version}</span>
                </Link>
              </li>
            ))}
            <li>
              <Link to="/flows/new" aria-current={flowId === 'new' ? 'page' : undefined}>
                + New flow
              </Link>
            </li>
          </ul>
          <AgentokImport onImported={flows.reload} />
        </nav>
        <div className="flow-detail">
          {flowId === 'new' ? (
            <FlowEditor
              initial={JSON.stringify(NEW_FLOW, null, 2)}
              schema={schema.data}
              saveLabel="Create flow"
              onSave={async (spec) => {
                const flow = await client.flows.create(spec);
                flows.reload();
                navigate(`/flows/${flow.id}`);
                return flow;
              }}
            />
          ) : flowId ? (
            <FlowDetail key={flowId} flowId={flowId} schema={schema.data} onSaved={flows.reload} />
          ) : (
            <p className="muted">Choose a flow, create one, or import one from Agentok.</p>
          )}
        </div>
      </div>
    </section>
  );
}

function FlowDetail({ flowId, schema, onSaved }: { flowId: string; schema: any; onSaved: () => void }) {
  const { client } = useSession();
  const flow = useAsync(() => client.flows.get(flowId), [client, flowId]);
  const versions = useAsync(() => client.flows.versions(flowId), [client, flowId]);
  if (flow.error)
    return (
      <p role="alert" className="error">
        {flow.error.message}
      </p>
    );
  if (!flow.data) return <p>Loading…</p>;
  const f: Flow = flow.data;
  return (
    <>
      <h2>
        {f.name} <span className="muted">version {f.version}</span>
      </h2>
      <p className="muted">
        Versions:{' '}
        {(versions.data ?? [])
          .map((v) => `v${v.version} (${new Date(v.created_at).toLocaleDateString()})`)
          .join(', ')}
      </p>
      <Suspense fallback={<p>Loading graph…</p>}>
        <FlowGraph spec={f.spec} />
      </Suspense>
      <FlowEditor
        initial={JSON.stringify(f.spec, null, 2)}
        schema={schema}
        saveLabel="Save as new version"
        onSave={async (spec) => {
          const saved = await client.flows.update(f.id, spec);
          flow.setData(saved);
          versions.reload();
          onSaved();
          return saved;
        }}
      />
    </>
  );
}
