import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, ManagesAccount } from '@conclave/auth';
import type { AccountScope } from '@conclave/domain';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import {
  CreateWebhookBody,
  ListDeliveriesQuery,
  toDeliveryDto,
  toWebhookDto,
  UpdateWebhookBody,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const webhookId = new IdPipe('Webhook');
const deliveryId = new IdPipe('Delivery');

/** Webhook endpoints and their delivery log (native shape), at `/webhooks` and `/v1/webhooks`. */
@Controller(['webhooks', 'v1/webhooks'])
@ManagesAccount()
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The response is the only time the signing secret is shown. */
  @Post()
  async create(
    @AccountOwner() owner: AccountScope,
    @Body(new ZodPipe(CreateWebhookBody)) body: CreateWebhookBody,
  ) {
    return toWebhookDto(await this.webhooks.create(owner, body), { withSecret: true });
  }

  @Get()
  async list(@AccountOwner() owner: AccountScope) {
    return (await this.webhooks.list(owner)).map((w) => toWebhookDto(w));
  }

  @Get(':id')
  async get(@AccountOwner() owner: AccountScope, @Param('id', webhookId) id: string) {
    return toWebhookDto(await this.webhooks.get(owner, id));
  }

  @Patch(':id')
  async update(
    @AccountOwner() owner: AccountScope,
    @Param('id', webhookId) id: string,
    @Body(new ZodPipe(UpdateWebhookBody)) body: UpdateWebhookBody,
  ) {
    return toWebhookDto(await this.webhooks.update(owner, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@AccountOwner() owner: AccountScope, @Param('id', webhookId) id: string): Promise<void> {
    await this.webhooks.delete(owner, id);
  }

  @Get(':id/deliveries')
  async deliveries(
    @AccountOwner() owner: AccountScope,
    @Param('id', webhookId) id: string,
    @Query(new ZodPipe(ListDeliveriesQuery)) query: ListDeliveriesQuery,
  ) {
    const page = await this.webhooks.deliveries(owner, id, query);
    return { data: page.items.map(toDeliveryDto), next_cursor: page.nextCursor };
  }

  @Get(':id/deliveries/:deliveryId')
  async delivery(
    @AccountOwner() owner: AccountScope,
    @Param('id', webhookId) id: string,
    @Param('deliveryId', deliveryId) delivery: string,
  ) {
    return toDeliveryDto(await this.webhooks.delivery(owner, id, delivery));
  }

  /** Sends the delivery again now (a fresh retry window); answers 202 with the delivery. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  async redeliver(
    @AccountOwner() owner: AccountScope,
    @Param('id', webhookId) id: string,
    @Param('deliveryId', deliveryId) delivery: string,
  ) {
    return toDeliveryDto(await this.webhooks.redeliver(owner, id, delivery));
  }
}
