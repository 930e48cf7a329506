import type { FlowRow } from '@conclave/persistence';
import { AnswerInput } from '../answer-input';
import { CancelRun } from '../cancel-run';
import { Converse } from '../converse';
import { RunOutcomes } from '../run-outcome';
import { StartRun } from '../start-run';
import {
  MemoryAdmission,
  MemoryChats,
  RecordingAnnouncer,
  RecordingDispatcher,
  ScriptedSettling,
} from './memory-chats';

export const WAIT_MS = 1_000;

/** The chat use cases wired to in-memory ports, as use-cases.providers.ts wires them to Postgres. */
export function useCaseWorld(options: { now?: () => number } = {}) {
  const store = new MemoryChats(options.now);
  const admission = new MemoryAdmission(store.account);
  const announcer = new RecordingAnnouncer();
  const dispatcher = new RecordingDispatcher();
  const settling = new ScriptedSettling();
  const flows = { get: async () => ({ spec: null }) as unknown as FlowRow };
  const usage = { balance: async () => admission.credits };
  const outcomes = new RunOutcomes(store, settling, WAIT_MS);
  const cancelRun = new CancelRun(store, store, announcer);
  const startRun = new StartRun(
    admission,
    store,
    store,
    dispatcher,
    announcer,
    cancelRun,
    settling,
    outcomes,
    WAIT_MS,
    () => 7,
  );
  const answerInput = new AnswerInput(admission, store, dispatcher, announcer, settling, outcomes, 60_000);
  const converse = new Converse(startRun, answerInput, store, flows, usage, settling, WAIT_MS, options.now);
  return {
    store,
    admission,
    announcer,
    dispatcher,
    settling,
    agents: store.agents,
    cancelRun,
    startRun,
    answerInput,
    converse,
  };
}
