export * from './create-run-executor';
export * from './http-tool-runner';
export * from './in-process-dispatcher';
export * from './queue-dispatcher';
export * from './run-dispatcher';
export * from './run-executor';
export * from './run-sweeper';
export * from './replay';
