import { Module } from '@nestjs/common';
import { ChatWaiter } from './chat-waiter';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';
import { ConverseService } from './converse.service';
import { MessageAdmission } from './message-admission';

@Module({
  controllers: [ChatsController],
  providers: [ChatsService, ChatWaiter, MessageAdmission, ConverseService],
  exports: [ChatsService, ChatWaiter, ConverseService, MessageAdmission],
})
export class ChatsModule {}
