export * from './chat-status';
export * from './credits';
export * from './termination';
export * from './errors';
export * from './flow-spec';
export * from './message';
export * from './ids';
export * from './limits';
