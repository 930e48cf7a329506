import { Module } from '@nestjs/common';
import { AgentsModule } from '../../agents/agents.module';
import { ChatsModule } from '../../chats/chats.module';
import { AsyntaiController } from './asyntai.controller';

@Module({ imports: [ChatsModule, AgentsModule], controllers: [AsyntaiController] })
export class AsyntaiModule {}
