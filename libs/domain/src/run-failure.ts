/**
 * Why a run failed (`runs.failure_kind`), told apart where the run fails so that nobody downstream
 * has to parse `last_error` (which is for people):
 * - `provider_unavailable`: the model provider did not answer, timed out, or answered 5xx/429 after retries;
 * - `provider_auth`: the provider refused the key (401/403);
 * - `provider_rejected`: the provider refused the request itself (any other 4xx);
 * - `secret_refused`: a secret the flow names could not be used (unknown, not bound to the host, no encryption key);
 * - `abandoned`: every process that executed the run stopped answering (MAX_ATTEMPTS takeovers);
 * - `internal`: anything else (a bug, an invalid stored flow).
 * Budgets and credits do not fail a run: it completes with the budget as its termination reason.
 */
export const FAILURE_KINDS = [
  'provider_unavailable',
  'provider_auth',
  'provider_rejected',
  'secret_refused',
  'abandoned',
  'internal',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The model provider failed (as opposed to this service or the flow). */
export function isProviderFailure(kind: FailureKind | null | undefined): boolean {
  return kind === 'provider_unavailable' || kind === 'provider_auth' || kind === 'provider_rejected';
}

/** The failure kind of a provider error by its last HTTP status (none: it never answered). */
export function providerFailureKind(status: number | undefined): FailureKind {
  if (status === 401 || status === 403) return 'provider_auth';
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return 'provider_rejected';
  return 'provider_unavailable';
}
