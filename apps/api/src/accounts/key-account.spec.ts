import { chooseKeyAccount } from './key-account';

describe('chooseKeyAccount (npm run cli -- keys:create)', () => {
  it('keys the demo account of an embedded start when no --email is given', () => {
    expect(chooseKeyAccount(undefined, ['ops@example.com', 'demo@conclave.local'])).toEqual({
      kind: 'existing',
      email: 'demo@conclave.local',
      why: 'the demo account of the embedded start',
    });
  });

  it('keys the only account there is', () => {
    expect(chooseKeyAccount(undefined, ['ops@example.com'])).toMatchObject({
      kind: 'existing',
      email: 'ops@example.com',
    });
  });

  it('refuses to guess among several accounts and lists them', () => {
    const choice = chooseKeyAccount(undefined, ['a@x.io', 'b@x.io']);
    expect(choice.kind).toBe('refuse');
    expect(choice.kind === 'refuse' && choice.message).toContain('--email');
    expect(choice.kind === 'refuse' && choice.message).toContain('b@x.io');
  });

  it('never creates an account without --email', () => {
    expect(chooseKeyAccount(undefined, []).kind).toBe('refuse');
  });

  it('uses or creates the account named with --email', () => {
    expect(chooseKeyAccount('a@x.io', ['a@x.io']).kind).toBe('existing');
    expect(chooseKeyAccount('new@x.io', ['a@x.io'])).toEqual({ kind: 'create', email: 'new@x.io' });
  });
});
