/**
 * Errors of the egress policy. Messages are shown to tenants (tool results, a run's `last_error`),
 * so they name the host and the operator setting that would change the outcome, never a secret.
 */
export class EgressError extends Error {
  constructor(
    message: string,
    /** The host the request was for (without credentials or path). */
    readonly host: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The target is not allowed: scheme, address class or a redirect hop. */
export class EgressBlockedError extends EgressError {}

/** The response broke a limit: size, total time, idle time or redirect count. */
export class EgressLimitError extends EgressError {}

/** The first `EgressError` in an error's `cause` chain (fetch and SDK wrappers bury it). */
export function findEgressError(err: unknown): EgressError | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (e instanceof EgressError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
