import { Module } from '@nestjs/common';
import { ChatsModule } from '../../chats/chats.module';
import { AksitaController } from './aksita.controller';

@Module({ imports: [ChatsModule], controllers: [AksitaController] })
export class AksitaModule {}
