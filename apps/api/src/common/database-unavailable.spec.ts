import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    ['a statement timeout', { driverError: { code: '57014', message: 'canceling statement due to statement timeout' } }],
    ['a full server (too_many_connections)', { code: '53300', message: 'sorry, too many clients already' }],
    ['a full server seen only by its message', { message: 'sorry, too many clients already' }],
  ])('is true for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', { code: '23505', message: 'duplicate key value violates unique constraint' }],
    ['a plain error', new Error('boom')],
  ])('is false for %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
