export * from './database';
export * from './embedded-postgres';
export * from './rows';
export * from './repositories/accounts.repository';
export * from './repositories/chats.repository';
export * from './repositories/events.repository';
export * from './repositories/flows.repository';
export * from './repositories/runs.repository';
