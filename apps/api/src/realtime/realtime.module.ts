import { Global, Module } from '@nestjs/common';
import { ChatEventsController } from './chat-events.controller';
import { ChatFeeds } from './chat-feeds';
import { EventRouter } from './event-router';
import { LiveConnections } from './live-connections';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Push delivery of the event log: socket.io gateway and SSE, both replay-then-live. Global so that
 * key revocation (keys, agents) can reach `LiveConnections`.
 */
@Global()
@Module({
  controllers: [ChatEventsController],
  providers: [EventRouter, ChatFeeds, LiveConnections, RealtimeGateway],
  exports: [LiveConnections],
})
export class RealtimeModule {}
