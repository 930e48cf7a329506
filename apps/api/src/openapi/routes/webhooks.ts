import { z } from 'zod';
import { CreateWebhookBody, ListDeliveriesQuery, UpdateWebhookBody } from '../../webhooks/dto/webhook.dto';
import {
  CreatedWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
} from '../../webhooks/dto/webhook.response';
import type { ApiRoute } from '../route';
import { idParam } from './params';

const endpoint = idParam('webhook endpoint');
const delivery = endpoint.extend({
  deliveryId: z.uuid().meta({ description: 'The delivery’s id' }),
});
const tags = ['webhooks'];

export const webhookRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/webhooks',
    operationId: 'webhooks.create',
    summary: 'Create a webhook endpoint',
    description: 'The signing secret is in this response only. Omitted `events`: every event type.',
    tags,
    access: 'key',
    body: {
      schema: CreateWebhookBody,
      example: { url: 'https://example.com/hooks/conclave', events: ['input.requested', 'run.completed'] },
    },
    responses: { 201: { description: 'The endpoint, with its secret', schema: CreatedWebhookEndpoint } },
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/webhooks',
    operationId: 'webhooks.list',
    summary: 'List webhook endpoints',
    tags,
    access: 'key',
    responses: { 200: { description: 'The endpoints', schema: z.array(WebhookEndpoint) } },
    errors: [403],
  },
  {
    method: 'get',
    path: '/webhooks/{id}',
    operationId: 'webhooks.get',
    summary: 'Get a webhook endpoint',
    tags,
    access: 'key',
    params: endpoint,
    responses: { 200: { description: 'The endpoint', schema: WebhookEndpoint } },
    errors: [400, 403, 404],
  },
  {
    method: 'patch',
    path: '/webhooks/{id}',
    operationId: 'webhooks.update',
    summary: 'Change a webhook endpoint',
    description: '`enabled: true` re-enables an endpoint that was disabled after a failure streak.',
    tags,
    access: 'key',
    params: endpoint,
    body: { schema: UpdateWebhookBody, example: { enabled: true } },
    responses: { 200: { description: 'The endpoint', schema: WebhookEndpoint } },
    errors: [400, 403, 404],
  },
  {
    method: 'delete',
    path: '/webhooks/{id}',
    operationId: 'webhooks.delete',
    summary: 'Delete a webhook endpoint',
    tags,
    access: 'key',
    params: endpoint,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    operationId: 'webhooks.listDeliveries',
    summary: 'The endpoint’s delivery log',
    tags,
    access: 'key',
    params: endpoint,
    query: ListDeliveriesQuery,
    responses: { 200: { description: 'Deliveries, newest first', schema: WebhookDeliveryPage } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/webhooks/{id}/deliveries/{deliveryId}',
    operationId: 'webhooks.getDelivery',
    summary: 'Get a delivery with its attempts',
    tags,
    access: 'key',
    params: delivery,
    responses: { 200: { description: 'The delivery', schema: WebhookDelivery } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    operationId: 'webhooks.redeliver',
    summary: 'Send a delivery again now',
    description: 'A fresh retry window starts.',
    tags,
    access: 'key',
    params: delivery,
    responses: { 202: { description: 'The delivery, pending', schema: WebhookDelivery } },
    errors: [400, 403, 404],
  },
];
