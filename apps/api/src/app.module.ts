import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { ChatsModule } from './chats/chats.module';
import { CoreModule, type CoreServices } from './core.module';
import { FlowsModule } from './flows/flows.module';
import { HealthController } from './health/health.controller';

@Module({})
export class AppModule {
  static forRoot(core: CoreServices): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(core), AccountsModule, FlowsModule, ChatsModule],
      controllers: [HealthController],
    };
  }
}
