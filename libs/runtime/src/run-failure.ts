import { type FailureKind, providerFailureKind } from '@conclave/domain';
import { isAbortError, ModelProviderError } from '@conclave/llm';
import { SecretRefusedError } from '@conclave/secrets';

/** What a failed run records: its kind (for programs) and its error text (for people, never a secret). */
export interface RunFailure {
  kind: FailureKind;
  error: string;
  /** An unexpected error: worth a stack trace in the log. */
  unexpected: boolean;
}

/** The failure a run ends with when executing it threw `err` (not a cancel, budget, lease loss or credits). */
export function runFailureOf(err: unknown): RunFailure {
  if (err instanceof ModelProviderError)
    return { kind: providerFailureKind(err.status), error: err.message, unexpected: false };
  if (err instanceof SecretRefusedError)
    return { kind: 'secret_refused', error: err.message, unexpected: false };
  // An abort nobody asked for (ours would have been handled as a cancel or lease loss).
  if (isAbortError(err)) return { kind: 'internal', error: 'model call aborted', unexpected: true };
  return {
    kind: 'internal',
    error: `internal error: ${(err as Error)?.message ?? String(err)}`,
    unexpected: true,
  };
}
