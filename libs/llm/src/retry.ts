import { findEgressError } from '@conclave/egress';
import { abortableSleep } from './abort';
import { isAbortError, ModelCallAbortedError, ModelProviderError } from './errors';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Socket-level failures worth another try; they may sit anywhere in an error's `cause` chain. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'APIConnectionError', 'APIConnectionTimeoutError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  /** Ollama's client names it so. */
  status_code?: unknown;
  message?: unknown;
  cause?: unknown;
  response?: { status?: unknown };
  constructor?: { name?: string };
}

/** HTTP status carried by an OpenAI SDK / LangChain error, if any. */
export function errorStatus(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as ErrorLike;
  if (typeof e.status === 'number') return e.status;
  if (typeof e.status_code === 'number') return e.status_code;
  if (typeof e.response?.status === 'number') return e.response.status;
  return undefined;
}

/** Network errors, timeouts, 408, 429 and 5xx are retried; other 4xx and programming errors are not. */
export function isTransientError(err: unknown): boolean {
  // A refused target stays refused, and a reply that broke a size or time limit would break it again.
  if (findEgressError(err)) return false;
  // A missing key or endpoint stays missing.
  if (err instanceof Error && err.name === 'ProviderSetupError') return false;
  const status = errorStatus(err);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { name, code, constructor, message } = e as ErrorLike;
    if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
    if (constructor?.name && TRANSIENT_NAMES.has(constructor.name)) return true;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    // undici: "fetch failed" before a response, "terminated" when the body stream is cut.
    if (name === 'TypeError' && (message === 'fetch failed' || message === 'terminated')) return true;
    e = (e as ErrorLike).cause;
  }
  return false;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** A one-line cause with any secret removed (provider error bodies sometimes echo part of the key). */
export function describeError(err: unknown, secrets: readonly string[] = []): string {
  // The SDK wraps fetch failures as "Connection error."; the egress policy's message says what happened.
  const egress = findEgressError(err);
  let text = egress ? egress.message : err instanceof Error ? err.message : String(err);
  const code = causeCode(err);
  if (code && !text.includes(code)) text = `${text} (${code})`;
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('***');
  return (
    text
      .replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-***')
      .replace(/\s+/g, ' ')
      .trim() || 'unknown error'
  );
}

function causeCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code } = e as ErrorLike;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    e = (e as ErrorLike).cause;
  }
  return undefined;
}

export interface RetryOptions {
  provider: string;
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Values to blank out of error messages (API keys). */
  secrets?: readonly string[];
  random?: () => number;
}

/**
 * Runs `call` until it succeeds, a non-transient error occurs or the attempts are spent; then throws
 * `ModelProviderError`. An abort ends it at once with `ModelCallAbortedError`, whatever the attempt.
 */
export async function callWithRetry<T>(
  options: RetryOptions,
  call: (attempt: number) => Promise<T>,
): Promise<T> {
  const { provider, policy, signal } = options;
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new ModelCallAbortedError();
    try {
      return await call(attempt);
    } catch (err) {
      if (signal?.aborted || isAbortError(err)) throw new ModelCallAbortedError();
      if (attempt >= attempts || !isTransientError(err)) {
        throw new ModelProviderError(
          provider,
          attempt,
          describeError(err, options.secrets),
          errorStatus(err),
        );
      }
    }
    await abortableSleep(backoffDelay(policy, attempt, options.random), signal);
  }
}
