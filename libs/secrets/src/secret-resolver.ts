import { isHostAllowed, parseAllowedHosts, type AllowedHost } from '@conclave/egress';
import { SecretBox, secretContext } from './secret-box';

/** A secret the operator put in the environment (`CONCLAVE_SECRET_<NAME>` and its bindings). */
export interface OperatorSecret {
  value: string;
  /** `CONCLAVE_SECRET_<NAME>_HOSTS`: where it may be sent. Empty: nowhere. */
  hosts: readonly string[];
  /** `CONCLAVE_SECRET_<NAME>_ACCOUNTS`: who may use it. null: every account. */
  accounts: readonly string[] | null;
}

/** An account's stored secret as the store hands it over: still sealed. */
export interface StoredSecret {
  sealed: Buffer;
  hosts: readonly string[];
}

/** The account secret store, as the resolver needs it (persistence implements it). */
export interface AccountSecretStore {
  find(accountId: string, name: string): Promise<StoredSecret | null>;
}

/** Why a secret cannot be used; the message is shown to the tenant and never holds the value. */
export class SecretRefusedError extends Error {
  override name = 'SecretRefusedError';
}

/**
 * Decides whether a flow may send a named secret to a URL, and gives its value if so (issue 10:
 * secrets belong to accounts). The account's own secret wins over an operator secret of the same
 * name. Each is sent only to the hosts it is bound to; an operator secret bound to accounts is
 * invisible to the others (same message as an unknown name, so its existence does not leak).
 */
export class SecretResolver {
  private readonly operator: Map<
    string,
    { value: string; hosts: AllowedHost[]; accounts: Set<string> | null }
  >;

  constructor(
    operator: Record<string, OperatorSecret>,
    private readonly store: AccountSecretStore | null,
    private readonly box: SecretBox | null,
  ) {
    this.operator = new Map(
      Object.entries(operator).map(([name, s]) => [
        name,
        {
          value: s.value,
          hosts: parseAllowedHosts(s.hosts),
          accounts: s.accounts ? new Set(s.accounts.map((a) => a.toLowerCase())) : null,
        },
      ]),
    );
  }

  async resolve(accountId: string, name: string, url: URL): Promise<string> {
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const stored = this.store ? await this.store.find(accountId, name) : null;
    if (stored) {
      if (!isHostAllowed(parseAllowedHosts(stored.hosts), url.hostname, port))
        throw new SecretRefusedError(
          `secret ${name} may only be sent to ${stored.hosts.join(', ')}, not to ${url.host} ` +
            `(change its hosts with PUT /secrets/${name})`,
        );
      if (!this.box)
        throw new SecretRefusedError(`secret ${name} cannot be read: SECRETS_ENCRYPTION_KEY is not set`);
      try {
        return this.box.open(stored.sealed, secretContext(accountId, name));
      } catch {
        throw new SecretRefusedError(
          `secret ${name} cannot be decrypted (was SECRETS_ENCRYPTION_KEY changed?); set it again with PUT /secrets/${name}`,
        );
      }
    }
    const operator = this.operator.get(name);
    if (!operator || (operator.accounts && !operator.accounts.has(accountId.toLowerCase())))
      throw new SecretRefusedError(`secret ${name} is not configured (create it with PUT /secrets/${name})`);
    if (!isHostAllowed(operator.hosts, url.hostname, port))
      throw new SecretRefusedError(
        operator.hosts.length === 0
          ? `secret ${name} is not bound to any host; the operator binds it with CONCLAVE_SECRET_${name}_HOSTS`
          : `secret ${name} may not be sent to ${url.host}; the operator binds it with CONCLAVE_SECRET_${name}_HOSTS`,
      );
    return operator.value;
  }
}
