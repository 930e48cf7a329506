import type { lookup } from 'node:dns';

/** What the operator configured (`EGRESS_*` settings) plus per-use limits. */
export interface EgressPolicy {
  /** `EGRESS_ALLOW_PRIVATE`: private, loopback, link-local… targets allowed (trusted single-tenant hosts). */
  allowPrivate: boolean;
  /** `EGRESS_ALLOWED_HOSTS`: `host` or `host:port` entries allowed even when they are private. */
  allowedHosts: string | readonly string[];
  /** Largest response body, decompressed. Default 10 MiB. */
  maxResponseBytes?: number;
  /** Deadline for the whole exchange, redirects and body included. Default 60 s. */
  timeoutMs?: number;
  /** Longest wait for the next body chunk once the headers are in. Default: `timeoutMs`. */
  idleTimeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** TCP/TLS connect deadline. Default 10 s. */
  connectTimeoutMs?: number;
  /** DNS resolution (tests). Default `dns.lookup`. */
  lookup?: typeof lookup;
}

export const EGRESS_DEFAULTS = {
  maxResponseBytes: 10 * 1024 * 1024,
  timeoutMs: 60_000,
  maxRedirects: 5,
  connectTimeoutMs: 10_000,
} as const;
