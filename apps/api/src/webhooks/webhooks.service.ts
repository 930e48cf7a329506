import { Injectable } from '@nestjs/common';
import { type AccountScope, invalid, notFound } from '@conclave/domain';
import { WebhooksRepository, type WebhookDeliveryRow, type WebhookEndpointRow } from '@conclave/persistence';
import { generateWebhookSecret, WEBHOOK_EVENT_TYPES } from '@conclave/webhooks';
import type { CreateWebhookBody, ListDeliveriesQuery, UpdateWebhookBody } from './dto/webhook.dto';

/**
 * Webhook endpoints of an account and their delivery log. Management data: every method takes the
 * `AccountScope` that only `@ManagesAccount()` routes obtain (an agent-scoped key gets 403 before
 * reaching here). Another account's ids answer 404.
 */
@Injectable()
export class WebhooksService {
  constructor(private readonly webhooks: WebhooksRepository) {}

  async create(owner: AccountScope, body: CreateWebhookBody): Promise<WebhookEndpointRow> {
    return this.webhooks.createEndpoint(owner, {
      url: body.url,
      events: body.events ?? [...WEBHOOK_EVENT_TYPES],
      description: body.description ?? null,
      enabled: body.enabled,
      secret: generateWebhookSecret(),
    });
  }

  async list(owner: AccountScope): Promise<WebhookEndpointRow[]> {
    return this.webhooks.listEndpoints(owner);
  }

  async get(owner: AccountScope, id: string): Promise<WebhookEndpointRow> {
    const row = await this.webhooks.getEndpoint(owner, id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  async update(owner: AccountScope, id: string, body: UpdateWebhookBody): Promise<WebhookEndpointRow> {
    const row = await this.webhooks.updateEndpoint(owner, id, body);
    if (!row) throw notFound('Webhook');
    return row;
  }

  async delete(owner: AccountScope, id: string): Promise<void> {
    if (!(await this.webhooks.deleteEndpoint(owner, id))) throw notFound('Webhook');
  }

  async deliveries(owner: AccountScope, id: string, query: ListDeliveriesQuery) {
    await this.get(owner, id);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.webhooks.listDeliveries(owner, id, {
      limit: query.limit + 1,
      status: query.status,
      before,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async delivery(owner: AccountScope, id: string, deliveryId: string): Promise<WebhookDeliveryRow> {
    await this.get(owner, id);
    const row = await this.webhooks.getDelivery(owner, id, deliveryId);
    if (!row) throw notFound('Delivery');
    return row;
  }

  async redeliver(owner: AccountScope, id: string, deliveryId: string): Promise<WebhookDeliveryRow> {
    await this.get(owner, id);
    const row = await this.webhooks.redeliver(owner, id, deliveryId);
    if (!row) throw notFound('Delivery');
    return row;
  }
}

function encodeCursor(row: WebhookDeliveryRow): string {
  return Buffer.from(JSON.stringify([new Date(row.created_at).toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && /^[0-9a-f-]{36}$/.test(id))
      return { createdAt, id };
  } catch {
    // fall through
  }
  throw invalid('cursor is not valid');
}
