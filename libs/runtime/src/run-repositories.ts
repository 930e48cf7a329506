import { ClaimsRepository, type Database, RunsRepository } from '@conclave/persistence';
import { PostgresRunStore } from './store/postgres-run-store';
import type { RunStore } from './store/run-store';

/**
 * The run lifecycle's persistence, built once per process and shared by the executor (through the
 * `RunStore` port), the sweeper and the queue dispatcher.
 */
export interface RunRepositories {
  runs: RunsRepository;
  claims: ClaimsRepository;
  store: RunStore;
}

export function createRunRepositories(db: Database): RunRepositories {
  const runs = new RunsRepository(db);
  return { runs, claims: new ClaimsRepository(db), store: new PostgresRunStore(runs) };
}
