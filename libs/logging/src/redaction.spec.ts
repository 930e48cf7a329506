import pino from 'pino';
import { REDACT_PATHS, scrubSecrets } from './redaction';

describe('log redaction', () => {
  it('scrubs API keys, bearer tokens, provider keys and URL passwords from text', () => {
    expect(scrubSecrets('key ck_aNO8bbaKKQpz3YsRUX7ED-Y5NF1UVMciCgRpa74auWg used')).toBe(
      'key ck_[redacted] used',
    );
    expect(scrubSecrets('Authorization: Bearer abc.def.ghi123')).toBe('Authorization: Bearer [redacted]');
    expect(scrubSecrets('openai sk-proj-1234567890abcdefXYZ')).toBe('openai sk-[redacted]');
    expect(scrubSecrets('postgres://postgres:s3cr3t@127.0.0.1:5432/db')).toBe(
      'postgres://postgres:[redacted]@127.0.0.1:5432/db',
    );
    expect(scrubSecrets('run 42 failed: Connection error')).toBe('run 42 failed: Connection error');
  });

  it('censors secret-looking fields at any of the usual places', () => {
    const lines: string[] = [];
    const log = pino(
      { redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      { write: (line: string) => void lines.push(line) },
    );
    log.info({
      headers: { authorization: 'Bearer x', 'x-api-key': 'ck_x', accept: 'json' },
      llm: { api_key: 'sk-x', model: 'm' },
      password: 'p',
    });
    const record = JSON.parse(lines[0]);
    expect(record.headers).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      accept: 'json',
    });
    expect(record.llm).toEqual({ api_key: '[redacted]', model: 'm' });
    expect(record.password).toBe('[redacted]');
  });
});
