import { isHostAllowed, parseAllowedHosts } from './allowed-hosts';

describe('allowed hosts (EGRESS_ALLOWED_HOSTS)', () => {
  const allowed = parseAllowedHosts(' 127.0.0.1:8080, intranet.local ,*.corp.example, [fd00::1]:9000, ::2 ');

  it('parses host and host:port entries', () => {
    expect(allowed).toEqual([
      { host: '127.0.0.1', port: 8080 },
      { host: 'intranet.local', port: null },
      { host: '*.corp.example', port: null },
      { host: '[fd00::1]', port: 9000 },
      { host: '[::2]', port: null },
    ]);
  });

  it('matches host and port exactly', () => {
    expect(isHostAllowed(allowed, '127.0.0.1', 8080)).toBe(true);
    expect(isHostAllowed(allowed, '127.0.0.1', 6379)).toBe(false);
    expect(isHostAllowed(allowed, 'localhost', 8080)).toBe(false);
    expect(isHostAllowed(allowed, 'INTRANET.local', 443)).toBe(true);
    expect(isHostAllowed(allowed, 'intranet.local.', 80)).toBe(true);
    expect(isHostAllowed(allowed, 'evil-intranet.local', 80)).toBe(false);
  });

  it('matches subdomains for *. entries only', () => {
    expect(isHostAllowed(allowed, 'api.corp.example', 443)).toBe(true);
    expect(isHostAllowed(allowed, 'corp.example', 443)).toBe(false);
    expect(isHostAllowed(allowed, 'evilcorp.example', 443)).toBe(false);
  });

  it('matches IPv6 hosts with or without brackets', () => {
    expect(isHostAllowed(allowed, '[fd00::1]', 9000)).toBe(true);
    expect(isHostAllowed(allowed, 'fd00::1', 9000)).toBe(true);
    expect(isHostAllowed(allowed, '[fd00::1]', 9001)).toBe(false);
    expect(isHostAllowed(allowed, '[::2]', 1)).toBe(true);
  });

  it('is empty when unset', () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts('')).toEqual([]);
  });
});
