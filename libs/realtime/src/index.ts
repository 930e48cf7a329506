export * from './chat-stream-cursor';
export * from './envelope';
export * from './event-bus';
export * from './redis-event-bus';
export * from './check-redis';
