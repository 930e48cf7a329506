/**
 * Errors of a model call. The runtime fails the run with `ModelProviderError.message` as the reason
 * (a run fails with a clear reason), so messages name the provider and the cause but
 * never a secret.
 */
export class ModelProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly attempts: number,
    readonly causeMessage: string,
    /** HTTP status of the last failure, when the provider answered with one. */
    readonly status?: number,
  ) {
    super(
      `${provider} provider failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${causeMessage}`,
    );
    this.name = 'ModelProviderError';
  }
}

/** Thrown when the caller's signal aborts a call: the run was cancelled or lost its lease, not a failure. */
export class ModelCallAbortedError extends Error {
  constructor(message = 'model call aborted') {
    super(message);
    // The conventional name, so fetch/undici/LangChain aborts and ours are recognised alike.
    this.name = 'AbortError';
  }
}

/** True for our abort error and for the abort errors of fetch, the OpenAI SDK and LangChain. */
export function isAbortError(err: unknown): boolean {
  if (err instanceof ModelCallAbortedError) return true;
  if (!err || typeof err !== 'object') return false;
  const { name, constructor } = err as { name?: unknown; constructor?: { name?: string } };
  return name === 'AbortError' || name === 'ModelAbortError' || constructor?.name === 'APIUserAbortError';
}
