import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a tenant's request may connect to. Only globally routable unicast addresses
 * pass; every special range ipaddr.js knows (loopback, RFC 1918 private, link-local with the cloud
 * metadata address, CGNAT, ULA, unspecified, multicast, broadcast, reserved, documentation) and
 * every IPv6 form that embeds an IPv4 address (v4-mapped, NAT64, 6to4, Teredo) is refused, because
 * the embedded address could be any of the former.
 */
export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

export function classifyAddress(address: string): AddressVerdict {
  const text = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) are link-local by definition.
  if (text.includes('%')) return { allowed: false, range: 'linkLocal' };
  if (!ipaddr.isValid(text)) return { allowed: false, range: 'invalid' };
  const parsed = ipaddr.parse(text);
  const range = parsed.range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, range };
}

/** True when `host` is written as an IP address (IPv6 with or without brackets). */
export function isIpLiteral(host: string): boolean {
  const text = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(text.split('%')[0]) !== 0;
}

/** A readable name for an ipaddr.js range, for error messages. */
export function describeRange(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private (RFC 1918)',
    linkLocal: 'link-local (cloud metadata)',
    carrierGradeNat: 'carrier-grade NAT',
    uniqueLocal: 'unique local (IPv6 private)',
    unspecified: 'unspecified',
    ipv4Mapped: 'IPv4-mapped IPv6',
    multicast: 'multicast',
    broadcast: 'broadcast',
    reserved: 'reserved',
    invalid: 'unparseable',
  };
  return names[range] ?? `special-purpose (${range})`;
}
