import { Module } from '@nestjs/common';
import { ChatWaiter } from './chat-waiter';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

@Module({
  controllers: [ChatsController],
  providers: [ChatsService, ChatWaiter],
  exports: [ChatsService, ChatWaiter],
})
export class ChatsModule {}
