export * from './http-tool-runner';
export * from './in-process-dispatcher';
export * from './run-dispatcher';
export * from './run-executor';
export * from './run-sweeper';
