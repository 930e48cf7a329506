import { isProviderFailure, providerFailureKind } from './run-failure';

describe('providerFailureKind', () => {
  it.each([
    [undefined, 'provider_unavailable'],
    [500, 'provider_unavailable'],
    [503, 'provider_unavailable'],
    [429, 'provider_unavailable'],
    [408, 'provider_unavailable'],
    [401, 'provider_auth'],
    [403, 'provider_auth'],
    [400, 'provider_rejected'],
    [404, 'provider_rejected'],
    [422, 'provider_rejected'],
  ] as const)('status %s → %s', (status, kind) => {
    expect(providerFailureKind(status)).toBe(kind);
  });
});

describe('isProviderFailure', () => {
  it('is true for the provider kinds only', () => {
    expect(isProviderFailure('provider_unavailable')).toBe(true);
    expect(isProviderFailure('provider_auth')).toBe(true);
    expect(isProviderFailure('provider_rejected')).toBe(true);
    expect(isProviderFailure('secret_refused')).toBe(false);
    expect(isProviderFailure('abandoned')).toBe(false);
    expect(isProviderFailure('internal')).toBe(false);
    expect(isProviderFailure(null)).toBe(false);
  });
});
