export * from './envelope';
export * from './event-bus';
