export * from './embedded-postgres';
export * from './startup-failure';
