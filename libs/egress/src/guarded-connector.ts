import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { classifyAddress, describeRange } from './address';
import { type AllowedHost, isHostAllowed } from './allowed-hosts';
import { EgressBlockedError } from './errors';

export interface ConnectorPolicy {
  allowPrivate: boolean;
  allowedHosts: readonly AllowedHost[];
  connectTimeoutMs: number;
  /** DNS resolution; tests pass their own to play a rebinding resolver. */
  lookup?: typeof dnsLookup;
}

/**
 * An undici connector that refuses to talk to a non-public address. Checked twice, so that neither
 * DNS rebinding nor an IP literal gets through:
 * - in `lookup`, before any packet is sent: every address the name resolves to must be public
 *   (one bad answer refuses the lot, so a mixed answer cannot be raced);
 * - on the connected socket's `remoteAddress`, the address actually connected to, before a byte
 *   of the request is written (net.connect skips `lookup` for IP literals).
 * Hosts the operator allowed (`EGRESS_ALLOWED_HOSTS`, or everything with `EGRESS_ALLOW_PRIVATE`)
 * skip both checks.
 */
export function guardedConnector(policy: ConnectorPolicy): buildConnector.connector {
  const resolve = policy.lookup ?? dnsLookup;
  const guardedLookup: LookupFunction = (name, lookupOptions, done) => {
    resolve(name, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return done(err, '', 0);
      const refused = addresses.find((a) => !classifyAddress(a.address).allowed);
      if (refused) return done(new RefusedAddress(refused.address), '', 0);
      if (lookupOptions.all) return (done as unknown as AllCallback)(null, addresses);
      done(null, addresses[0].address, addresses[0].family);
    });
  };
  // Built once each so that TLS sessions are cached across requests.
  const guarded = buildConnector({ timeout: policy.connectTimeoutMs, lookup: guardedLookup });
  const plain = buildConnector({ timeout: policy.connectTimeoutMs });

  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const hostname = options.hostname;
    if (policy.allowPrivate || isHostAllowed(policy.allowedHosts, hostname, port)) {
      return plain(options, callback);
    }
    guarded(options, (err, socket) => {
      if (err || !socket) {
        const refused = findRefused(err);
        return callback(
          refused ? blocked(hostname, port, refused.address) : (err ?? new Error('connect failed')),
          null,
        );
      }
      const remote = socket.remoteAddress ?? '';
      if (!classifyAddress(remote).allowed) {
        socket.destroy();
        return callback(blocked(hostname, port, remote), null);
      }
      callback(null, socket);
    });
  };
}

/** Raised inside `lookup`; turned into an `EgressBlockedError` that knows the host and port. */
class RefusedAddress extends Error {
  constructor(readonly address: string) {
    super(`refused address ${address}`);
  }
}

function findRefused(err: unknown): RefusedAddress | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof RefusedAddress) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

export function blocked(hostname: string, port: number, address: string): EgressBlockedError {
  const verdict = classifyAddress(address);
  const range = verdict.allowed ? 'public' : describeRange(verdict.range);
  const host = hostname.replace(/^\[|\]$/g, '');
  const shown = host === address ? address : `${host} (${address})`;
  const entry = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return new EgressBlockedError(
    `egress refused: ${shown} is a ${range} address; the operator can allow it with ` +
      `EGRESS_ALLOWED_HOSTS=${entry}:${port} (or EGRESS_ALLOW_PRIVATE=true)`,
    hostname,
  );
}
