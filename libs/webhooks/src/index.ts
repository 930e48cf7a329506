export * from './deliverer';
export * from './event-types';
export * from './outbox-poller';
export * from './retry-policy';
export * from './signature';
export * from './webhook-queue';
export * from './webhook-delivery';
export * from './webhook-fetch';
