/** Sends a run to whoever executes it: the in-process executor (embedded mode) or a BullMQ queue. */
export interface RunDispatcher {
  dispatch(runId: string): Promise<void>;
  close(): Promise<void>;
}

export const RUN_DISPATCHER = Symbol('RUN_DISPATCHER');
