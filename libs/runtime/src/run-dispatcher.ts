/** What a dispatcher may know of a run already, to save a read (the queue derives its job id from it). */
export interface DispatchHint {
  attempt: number;
  step: number;
  status: string;
}

/** Sends a run to whoever executes it: the in-process executor (embedded mode) or a BullMQ queue. */
export interface RunDispatcher {
  dispatch(runId: string, hint?: DispatchHint): Promise<void>;
  close(): Promise<void>;
}

export const RUN_DISPATCHER = Symbol('RUN_DISPATCHER');
