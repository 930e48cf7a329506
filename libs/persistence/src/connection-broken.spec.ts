import { isConnectionBroken } from './database';

describe('isConnectionBroken', () => {
  it('is true for a client read timeout or a dropped connection (the connection must leave the pool)', () => {
    expect(isConnectionBroken(new Error('Query read timeout'))).toBe(true);
    expect(isConnectionBroken({ driverError: { message: 'Connection terminated unexpectedly' } })).toBe(true);
    expect(isConnectionBroken({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBe(true);
  });

  it('is false for errors Postgres answered on a healthy connection', () => {
    expect(
      isConnectionBroken({
        driverError: { code: '57014', message: 'canceling statement due to statement timeout' },
      }),
    ).toBe(false);
    expect(isConnectionBroken({ driverError: { code: '23505', message: 'duplicate key' } })).toBe(false);
    expect(isConnectionBroken(undefined)).toBe(false);
  });
});
