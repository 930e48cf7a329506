export * from './process-core';
export * from './run-process';
