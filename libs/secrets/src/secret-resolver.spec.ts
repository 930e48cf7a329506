import { randomBytes } from 'node:crypto';
import { SecretBox, secretContext } from './secret-box';
import { type AccountSecretStore, SecretResolver, type StoredSecret } from './secret-resolver';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const box = new SecretBox(randomBytes(32));

function store(rows: Record<string, { value: string; hosts: string[] }>): AccountSecretStore {
  return {
    async find(accountId, name): Promise<StoredSecret | null> {
      const row = rows[`${accountId}/${name}`];
      return row ? { sealed: box.seal(row.value, secretContext(accountId, name)), hosts: row.hosts } : null;
    },
  };
}

describe('SecretResolver', () => {
  const resolver = new SecretResolver(
    {
      STRIPE: { value: 'op-stripe', hosts: ['api.stripe.com'], accounts: null },
      ONLY_B: { value: 'op-b', hosts: ['api.example.com'], accounts: [B] },
      UNBOUND: { value: 'op-unbound', hosts: [], accounts: null },
    },
    store({
      [`${A}/MINE`]: { value: 'a-mine', hosts: ['hooks.example.com:8443', '*.corp.example'] },
      [`${A}/STRIPE`]: { value: 'a-stripe', hosts: ['api.stripe.com'] },
    }),
    box,
  );
  const url = (u: string) => new URL(u);

  it('sends an operator secret to its bound hosts only', async () => {
    await expect(resolver.resolve(B, 'STRIPE', url('https://api.stripe.com/v1/charges'))).resolves.toBe(
      'op-stripe',
    );
    await expect(resolver.resolve(B, 'STRIPE', url('https://evil.example/'))).rejects.toThrow(
      'secret STRIPE may not be sent to evil.example; the operator binds it with CONCLAVE_SECRET_STRIPE_HOSTS',
    );
  });

  it('refuses an operator secret bound to no host', async () => {
    await expect(resolver.resolve(A, 'UNBOUND', url('https://api.example.com/'))).rejects.toThrow(
      'not bound to any host',
    );
  });

  it('hides an operator secret bound to other accounts, as if it did not exist', async () => {
    await expect(resolver.resolve(B, 'ONLY_B', url('https://api.example.com/'))).resolves.toBe('op-b');
    await expect(resolver.resolve(A, 'ONLY_B', url('https://api.example.com/'))).rejects.toThrow(
      'secret ONLY_B is not configured',
    );
    await expect(resolver.resolve(A, 'NOPE', url('https://api.example.com/'))).rejects.toThrow(
      'secret NOPE is not configured',
    );
  });

  it("uses the account's own secret first, on its hosts only, and never another account's", async () => {
    await expect(resolver.resolve(A, 'STRIPE', url('https://api.stripe.com/'))).resolves.toBe('a-stripe');
    await expect(resolver.resolve(A, 'MINE', url('https://hooks.example.com:8443/x'))).resolves.toBe(
      'a-mine',
    );
    await expect(resolver.resolve(A, 'MINE', url('https://api.corp.example/'))).resolves.toBe('a-mine');
    await expect(resolver.resolve(A, 'MINE', url('https://hooks.example.com/x'))).rejects.toThrow(
      'secret MINE may only be sent to hooks.example.com:8443, *.corp.example, not to hooks.example.com',
    );
    await expect(resolver.resolve(B, 'MINE', url('https://hooks.example.com:8443/'))).rejects.toThrow(
      'secret MINE is not configured',
    );
  });

  it('says when the store cannot be read', async () => {
    const noKey = new SecretResolver(
      {},
      store({ [`${A}/MINE`]: { value: 'x', hosts: ['h.example'] } }),
      null,
    );
    await expect(noKey.resolve(A, 'MINE', url('https://h.example/'))).rejects.toThrow(
      'SECRETS_ENCRYPTION_KEY',
    );
  });
});
