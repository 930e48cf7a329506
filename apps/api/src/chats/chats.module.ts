import { Module } from '@nestjs/common';
import { ChatAnnouncer } from './chat-announcer';
import { ChatWaiter } from './chat-waiter';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';
import { ConversationsService } from './conversations.service';
import { MessageAdmission } from './message-admission';
import { USE_CASE_PROVIDERS } from './use-cases.providers';
import { Converse } from './use-cases/converse';

@Module({
  controllers: [ChatsController],
  providers: [
    ChatsService,
    ChatWaiter,
    ChatAnnouncer,
    MessageAdmission,
    ConversationsService,
    ...USE_CASE_PROVIDERS,
  ],
  exports: [ChatsService, ChatWaiter, ConversationsService, MessageAdmission, Converse],
})
export class ChatsModule {}
