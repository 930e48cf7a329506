import { Module } from '@nestjs/common';
import { ChatEventsController } from './chat-events.controller';
import { ChatFeeds } from './chat-feeds';
import { EventRouter } from './event-router';
import { RealtimeGateway } from './realtime.gateway';
import { SseStreams } from './sse-streams';

/** Push delivery of the event log: socket.io gateway and SSE, both replay-then-live (README: real-time). */
@Module({
  controllers: [ChatEventsController],
  providers: [EventRouter, ChatFeeds, SseStreams, RealtimeGateway],
})
export class RealtimeModule {}
