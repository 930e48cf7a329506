export * from './access-log';
export * from './logger';
export * from './nest-logger';
export * from './redaction';
export * from './run-log';
