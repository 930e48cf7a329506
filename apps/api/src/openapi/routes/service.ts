import { z } from 'zod';
import { Health, Liveness, Readiness } from '../../health/health.response';
import { ServiceInfo } from '../../root/service-info.response';
import type { ApiRoute } from '../route';

const tags = ['service'];
const OpenApiDocument = z.record(z.string(), z.unknown()).meta({ description: 'This document' });

/** Routes that need no API key: what a first visitor, a load balancer or Prometheus calls. */
export const serviceRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/',
    operationId: 'service.info',
    summary: 'Service name, version and links',
    tags,
    access: 'public',
    responses: { 200: { description: 'What answers here', schema: ServiceInfo } },
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'service.health',
    summary: 'Health: database (and Redis, queue in queue mode)',
    tags,
    access: 'public',
    responses: {
      200: { description: '`ok`, or `degraded` with what is down', schema: Health },
      503: { description: '`down`: the database does not answer (`Retry-After`)', schema: Health },
    },
  },
  {
    method: 'get',
    path: '/health/live',
    operationId: 'service.live',
    summary: 'Liveness probe',
    tags,
    access: 'public',
    responses: { 200: { description: 'The process answers', schema: Liveness } },
  },
  {
    method: 'get',
    path: '/health/ready',
    operationId: 'service.ready',
    summary: 'Readiness probe: Postgres, Redis and the queue, each reported',
    tags,
    access: 'public',
    responses: {
      200: { description: 'Ready', schema: Readiness },
      503: { description: 'Not ready', schema: Readiness },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'service.metrics',
    summary: 'Prometheus metrics',
    description:
      'Served on the API port only when `METRICS_TOKEN` is set (then it is required); `METRICS_PORT` serves it on a separate port without a token.',
    tags,
    access: 'metrics',
    responses: {
      200: {
        description: 'Prometheus text format',
        mediaType: 'text/plain',
        schema: z.string(),
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'service.openapi',
    summary: 'This OpenAPI document',
    tags,
    access: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', schema: OpenApiDocument } },
  },
  {
    method: 'get',
    path: '/docs-json',
    operationId: 'service.openapiDocsJson',
    summary: 'This OpenAPI document (the URL `/docs` reads)',
    tags,
    access: 'public',
    responses: { 200: { description: 'OpenAPI 3.1', schema: OpenApiDocument } },
  },
];
