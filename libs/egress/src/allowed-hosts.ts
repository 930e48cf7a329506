/**
 * The operator's exceptions to the address rules (`EGRESS_ALLOWED_HOSTS`): entries are `host` (any
 * port) or `host:port`; `*.example.com` covers subdomains. IPv6 entries are written in brackets,
 * `[fd00::1]:8080`. Matching is on the URL's host as written (after URL normalisation, so
 * `2130706433` is `127.0.0.1`), never on what a name resolves to: allowing `127.0.0.1:8080` does
 * not allow `localhost:8080` nor `127.0.0.1:6379`.
 */
export interface AllowedHost {
  host: string;
  /** null: any port. */
  port: number | null;
}

export function parseAllowedHosts(list: string | readonly string[] | undefined): AllowedHost[] {
  const entries = typeof list === 'string' ? list.split(',') : (list ?? []);
  return entries
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0)
    .map(parseEntry);
}

function parseEntry(entry: string): AllowedHost {
  const bracketed = /^(\[[^\]]+\])(?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : null };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1], port: Number(withPort[2]) };
  // A bare IPv6 address without brackets: any port.
  if (entry.includes(':')) return { host: `[${entry}]`, port: null };
  return { host: entry, port: null };
}

/** `hostname` as `URL.hostname` gives it (IPv6 in brackets); `port` the effective port. */
export function isHostAllowed(allowed: readonly AllowedHost[], hostname: string, port: number): boolean {
  const host = normaliseHost(hostname);
  return allowed.some((entry) => {
    if (entry.port !== null && entry.port !== port) return false;
    if (entry.host.startsWith('*.')) return host.endsWith(entry.host.slice(1));
    return entry.host === host;
  });
}

function normaliseHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, '');
  if (lower.includes(':') && !lower.startsWith('[')) return `[${lower}]`;
  return lower;
}

/** The port a URL connects to. */
export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
