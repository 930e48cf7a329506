import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AgentsModule } from './agents/agents.module';
import { AksitaModule } from './compat/aksita/aksita.module';
import { AsyntaiModule } from './compat/asyntai/asyntai.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ChatsModule } from './chats/chats.module';
import { CoreModule, type CoreServices } from './core.module';
import { FlowsModule } from './flows/flows.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { HealthController } from './health/health.controller';
import { KnowledgeModule } from './knowledge/knowledge.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SecretsModule } from './secrets/secrets.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { RootController } from './root/root.controller';

@Module({})
export class AppModule {
  static forRoot(core: CoreServices): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(core),
        AccountsModule,
        FlowsModule,
        ChatsModule,
        RealtimeModule,
        IdempotencyModule,
        RateLimitModule,
        AgentsModule,
        AksitaModule,
        AsyntaiModule,
        KnowledgeModule,
        SecretsModule,
        WebhooksModule,
      ],
      controllers: [RootController, HealthController],
    };
  }
}
