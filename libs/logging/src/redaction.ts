/**
 * What never reaches a log line. Structured fields are censored by path (pino's `redact`); free
 * text (messages, error texts) is scrubbed of anything shaped like a credential.
 */
const SECRET_FIELDS = [
  'authorization',
  'x-api-key',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'token',
  'access_token',
  'cookie',
];

/** pino `redact.paths`: secret-looking fields at the top level, one level down, and in headers. */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`;
  const top = key.startsWith('.') ? field : key;
  return [top, `*${key}`, `headers${key}`, `req.headers${key}`];
});

const PATTERNS: Array<[RegExp, string]> = [
  // Conclave API keys (ck_ + base64url), OpenAI-style keys, bearer tokens, URL passwords
  [/\bck_[A-Za-z0-9_-]{16,}/g, 'ck_[redacted]'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'sk-[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi, '$1[redacted]@'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
