export * from './api-key';
export * from './api-key.authenticator';
export * from './api-key.guard';
export * from './current-principal.decorator';
export * from './principal';
export * from './manages-account';
export * from './failed-auth-limiter';
export * from './principal-cache';
