import { createHash, randomBytes } from 'node:crypto';

/** Secrets look like `ck_<43 base64url chars>`: 32 random bytes, recognisable in leak scanners. */
const PREFIX = 'ck_';
const DISPLAY_PREFIX_LENGTH = 10;

export interface GeneratedApiKey {
  /** Shown once to the caller, never stored. */
  secret: string;
  /** Stored: lets a person recognise the key in a list. */
  prefix: string;
  /** Stored: SHA-256 of the secret, hex. */
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(secret) };
}

/** A fast hash is right here: the secret has 256 bits of entropy, so there is nothing to brute-force. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The key from `X-API-Key` (any case: Node lower-cases header names, so Agentok's `X-API-KEY` works)
 * or `Authorization: Bearer <key>`.
 */
export function extractApiKey(headers: Record<string, string | string[] | undefined>): string | null {
  const header = first(headers['x-api-key']);
  if (header && header.trim()) return header.trim();
  const authorization = first(headers['authorization']);
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
