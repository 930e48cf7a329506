import { useState, type ChangeEvent } from 'react';
import { ConclaveError } from '@conclave/sdk';
import { navigate } from '../app/router';
import { useSession } from '../session/SessionContext';

/** Upload an Agentok Studio flow file (its React Flow JSON); what cannot be converted is listed by node. */
export function AgentokImport({ onImported }: { onImported: () => void }) {
  const { client } = useSession();
  const [report, setReport] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  async function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setError(null);
    setReport([]);
    try {
      const parsed = JSON.parse(await file.text());
      const { flow, warnings } = await client.flows.importAgentok(parsed);
      setReport(warnings.map((w) => (typeof w === 'string' ? w : JSON.stringify(w))));
      onImported();
      navigate(`/flows/${flow.id}`);
    } catch (err) {
      const body =
        err instanceof ConclaveError ? (err.body as { errors?: unknown[]; warnings?: unknown[] }) : null;
      const details = [...(body?.errors ?? []), ...(body?.warnings ?? [])].map((w: unknown) =>
        typeof w === 'string' ? w : JSON.stringify(w),
      );
      setError((err as Error).message);
      setReport(details);
    } finally {
      e.target.value = '';
    }
  }

  return (
    <div className="card">
      <label htmlFor="agentok-file">Import an Agentok flow (.json)</label>
      <input id="agentok-file" type="file" accept="application/json,.json" onChange={(e) => void upload(e)} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {report.length > 0 && (
        <ul className="issues">
          {report.map((line, n) => (
            <li key={n}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
