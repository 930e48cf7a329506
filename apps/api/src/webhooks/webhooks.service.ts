import { Injectable } from '@nestjs/common';
import type { Principal } from '@conclave/auth';
import { DomainError, invalid, notFound } from '@conclave/domain';
import { WebhooksRepository, type WebhookDeliveryRow, type WebhookEndpointRow } from '@conclave/persistence';
import { generateWebhookSecret, WEBHOOK_EVENT_TYPES } from '@conclave/webhooks';
import type { CreateWebhookBody, ListDeliveriesQuery, UpdateWebhookBody } from './dto/webhook.dto';

/**
 * Webhook endpoints of an account and their delivery log. Management: a key scoped to one agent
 * gets 403 (it may only talk to its agent). Another account's ids answer 404.
 */
@Injectable()
export class WebhooksService {
  constructor(private readonly webhooks: WebhooksRepository) {}

  async create(p: Principal, body: CreateWebhookBody): Promise<WebhookEndpointRow> {
    assertManager(p);
    return this.webhooks.createEndpoint(p.accountId, {
      url: body.url,
      events: body.events ?? [...WEBHOOK_EVENT_TYPES],
      description: body.description ?? null,
      enabled: body.enabled,
      secret: generateWebhookSecret(),
    });
  }

  async list(p: Principal): Promise<WebhookEndpointRow[]> {
    assertManager(p);
    return this.webhooks.listEndpoints(p.accountId);
  }

  async get(p: Principal, id: string): Promise<WebhookEndpointRow> {
    assertManager(p);
    const row = await this.webhooks.getEndpoint(p.accountId, id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  async update(p: Principal, id: string, body: UpdateWebhookBody): Promise<WebhookEndpointRow> {
    assertManager(p);
    const row = await this.webhooks.updateEndpoint(p.accountId, id, body);
    if (!row) throw notFound('Webhook');
    return row;
  }

  async delete(p: Principal, id: string): Promise<void> {
    assertManager(p);
    if (!(await this.webhooks.deleteEndpoint(p.accountId, id))) throw notFound('Webhook');
  }

  async deliveries(p: Principal, id: string, query: ListDeliveriesQuery) {
    await this.get(p, id);
    const before = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.webhooks.listDeliveries(p.accountId, id, {
      limit: query.limit + 1,
      status: query.status,
      before,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async delivery(p: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryRow> {
    await this.get(p, id);
    const row = await this.webhooks.getDelivery(p.accountId, id, deliveryId);
    if (!row) throw notFound('Delivery');
    return row;
  }

  async redeliver(p: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryRow> {
    await this.get(p, id);
    const row = await this.webhooks.redeliver(p.accountId, id, deliveryId);
    if (!row) throw notFound('Delivery');
    return row;
  }
}

function assertManager(p: Principal): void {
  if (p.agentId) throw new DomainError('forbidden', 'A key scoped to an agent cannot manage webhooks');
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
