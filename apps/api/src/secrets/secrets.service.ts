import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { DomainError, notFound } from '@conclave/domain';
import { type SecretInfo, SecretsRepository } from '@conclave/persistence';
import { parseEncryptionKey, SecretBox, secretContext } from '@conclave/secrets';

/**
 * The account secret store over the API: write-only. Values are sealed before they reach the
 * repository and nothing here ever returns one.
 */
@Injectable()
export class SecretsService {
  private readonly box: SecretBox | null;

  constructor(
    private readonly secrets: SecretsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = config.secrets.encryptionKey
      ? new SecretBox(parseEncryptionKey(config.secrets.encryptionKey))
      : null;
  }

  async put(accountId: string, name: string, value: string, hosts: string[]): Promise<SecretInfo> {
    if (!this.box)
      throw new DomainError(
        'unavailable',
        'Account secrets are disabled: the operator must set SECRETS_ENCRYPTION_KEY',
      );
    return this.secrets.put(accountId, name, this.box.seal(value, secretContext(accountId, name)), hosts);
  }

  list(accountId: string): Promise<SecretInfo[]> {
    return this.secrets.list(accountId);
  }

  async delete(accountId: string, name: string): Promise<void> {
    if (!(await this.secrets.delete(accountId, name))) throw notFound('Secret');
  }
}
