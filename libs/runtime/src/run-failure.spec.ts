import { ModelCallAbortedError, ModelProviderError } from '@conclave/llm';
import { SecretRefusedError } from '@conclave/secrets';
import { runFailureOf } from './run-failure';

describe('runFailureOf', () => {
  it('a provider that never answered or answered 5xx is unavailable, with the provider error as text', () => {
    const err = new ModelProviderError('openai', 3, 'connect ECONNREFUSED');
    expect(runFailureOf(err)).toEqual({
      kind: 'provider_unavailable',
      error: err.message,
      unexpected: false,
    });
    expect(runFailureOf(new ModelProviderError('openai', 3, 'bad gateway', 502)).kind).toBe(
      'provider_unavailable',
    );
  });

  it('a refused key is provider_auth, another refused request provider_rejected', () => {
    expect(runFailureOf(new ModelProviderError('openai', 1, 'unauthorized', 401)).kind).toBe('provider_auth');
    expect(runFailureOf(new ModelProviderError('openai', 1, 'bad request', 400)).kind).toBe(
      'provider_rejected',
    );
  });

  it('a refused secret is secret_refused', () => {
    expect(runFailureOf(new SecretRefusedError('secret X is not configured'))).toEqual({
      kind: 'secret_refused',
      error: 'secret X is not configured',
      unexpected: false,
    });
  });

  it('anything else is internal and logged with its stack', () => {
    expect(runFailureOf(new Error('boom'))).toEqual({
      kind: 'internal',
      error: 'internal error: boom',
      unexpected: true,
    });
    expect(runFailureOf(new ModelCallAbortedError())).toMatchObject({
      kind: 'internal',
      error: 'model call aborted',
    });
  });
});
