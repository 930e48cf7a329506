import { ConfigError } from './config';
import { describeStartupError } from './startup-error';

describe('describeStartupError', () => {
  it('never prints "undefined" for a rejection without a reason', () => {
    expect(describeStartupError(undefined)).toBe('unknown error (nothing was thrown)');
  });

  it('prints a configuration error as is', () => {
    expect(describeStartupError(new ConfigError('Invalid configuration:\n  PORT: too big'))).toBe(
      'Invalid configuration:\n  PORT: too big',
    );
  });

  it('prints an error that carries its fix without a stack', () => {
    const err = Object.assign(new Error('Embedded Postgres could not start: x\ndo y'), { fix: 'do y' });
    expect(describeStartupError(err)).toBe('Embedded Postgres could not start: x\ndo y');
  });

  it('names the taken HTTP port and the setting to change', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:3000'), {
      code: 'EADDRINUSE',
      port: 3000,
    });
    const text = describeStartupError(err);
    expect(text).toContain('Port 3000 is already in use');
    expect(text).toContain('PORT=3001');
  });

  it('points an unreachable database at DATABASE_URL', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' });
    expect(describeStartupError(err)).toContain('Check DATABASE_URL');
  });
});
