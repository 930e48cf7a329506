import { backoffDelay, callWithRetry, describeError, isTransientError } from './retry';
import { isAbortError, ModelProviderError } from './errors';

const httpError = (status: number, message = `${status} error`) =>
  Object.assign(new Error(message), { status });

describe('isTransientError', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(isTransientError(httpError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])('does not retry HTTP %i', (status) => {
    expect(isTransientError(httpError(status))).toBe(false);
  });

  it('retries network failures found anywhere in the cause chain, and timeouts', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(
      isTransientError(
        new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: refused }) }),
      ),
    ).toBe(true);
    expect(isTransientError(Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' }))).toBe(
      true,
    );
  });

  it('does not retry programming errors', () => {
    expect(isTransientError(new TypeError('x is not a function'))).toBe(false);
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per failed attempt up to the maximum, jitter taking off at most half', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });
});

describe('describeError', () => {
  it('blanks configured secrets and anything shaped like an OpenAI key', () => {
    const err = new Error('Incorrect API key provided: sk-proj-abcdef123456. Also my-own-secret');
    expect(describeError(err, ['my-own-secret'])).toBe('Incorrect API key provided: sk-***. Also ***');
  });
});

describe('callWithRetry', () => {
  const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

  it('tries again on transient errors and returns the first success', async () => {
    let calls = 0;
    const result = await callWithRetry({ provider: 'openai', policy }, async () => {
      if (++calls < 3) throw httpError(502);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('counts the attempts in the final error', async () => {
    const err = await callWithRetry({ provider: 'openai', policy }, async () => {
      throw httpError(500, '500 Internal Server Error');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelProviderError);
    expect((err as Error).message).toBe('openai provider failed after 3 attempts: 500 Internal Server Error');
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let called = false;
    const err = await callWithRetry({ provider: 'openai', policy, signal: controller.signal }, async () => {
      called = true;
    }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(called).toBe(false);
  });
});
