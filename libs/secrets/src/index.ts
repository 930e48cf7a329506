export { loadOrCreateKeyFile } from './encryption-key-file';
export { parseEncryptionKey, SecretBox, secretContext } from './secret-box';
export {
  type AccountSecretStore,
  type OperatorSecret,
  SecretRefusedError,
  SecretResolver,
  type StoredSecret,
} from './secret-resolver';
