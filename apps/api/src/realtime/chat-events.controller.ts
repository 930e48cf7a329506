import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  Inject,
  NotFoundException,
  Param,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { ChatsRepository } from '@conclave/persistence';
import { TERMINAL_EVENT_TYPES, type EventEnvelope } from '@conclave/realtime';
import type { Response } from 'express';
import { INT4_MAX } from '@conclave/domain';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { IdPipe } from '../common/uuid.pipe';
import { ZodPipe } from '../common/zod-body.pipe';
import { EventsQuery } from './dto/events-query';
import { ChatFeeds } from './chat-feeds';
import { LiveConnections } from './live-connections';
import { sseFrame } from './sse-frame';

/** Bytes queued for one SSE client beyond which it is dropped (it reconnects with Last-Event-ID). */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const ACTIVE = new Set(['running', 'wait_for_human_input']);

/**
 * `GET /chats/{id}/events`: Server-Sent Events over the chat's event log, the same envelopes as
 * socket.io. Each persisted event is `id: <seq>` + `data: <json>`; `message.delta` has no id (it does
 * not move Last-Event-ID). Resume with `Last-Event-ID` (or `?after=`); `?until=terminal` ends the
 * response after the run ends. `: ping` comments keep proxies from timing the stream out.
 */
@Controller(['chats', 'v1/chats'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class ChatEventsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chats: ChatsRepository,
    private readonly feeds: ChatFeeds,
    private readonly connections: LiveConnections,
  ) {}

  @Get(':id/events')
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new IdPipe('Chat')) chatId: string,
    @Query(new ZodPipe(EventsQuery)) query: EventsQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const afterSeq = resumePoint(lastEventId, query.after);
    const chat = await this.chats.get(principal.scope, chatId);
    if (!chat) throw new NotFoundException('Chat not found');
    // Counted against the account's cap (429 before any byte is sent); closed at once if the key is revoked.
    let end: () => void = () => undefined;
    const untrack = this.connections.open(principal, 'sse', () => end());

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');

    // ?until=terminal: done once a run's terminal event was sent and the chat is no longer active
    // (the status event follows the terminal one in the same commit; an older run's terminal in the
    // replay does not end the stream when a newer run is going).
    let sawTerminal = false;
    let status: string = chat.status;
    let ended = false;
    end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      open.stop();
      untrack();
      res.end();
    };
    const heartbeat = setInterval(() => write(': ping\n\n'), this.config.realtime.heartbeatMs);
    heartbeat.unref();
    res.on('close', end);
    const write = (chunk: string) => {
      if (ended) return;
      if (res.writableLength > MAX_QUEUED_BYTES) return end();
      // The frames of one tick (a bus message's events, a replay page) leave in one TCP write.
      if (!res.writableCorked) {
        res.cork();
        process.nextTick(() => res.uncork());
      }
      res.write(chunk);
    };
    // Callbacks below run after the feed's first await, when every const here is initialised.
    const open = this.feeds.open({
      chatId,
      afterSeq,
      send: (envelope: EventEnvelope) => {
        if (envelope.seq !== null && TERMINAL_EVENT_TYPES.includes(envelope.type)) sawTerminal = true;
        if (envelope.type === 'chat.status' && typeof envelope.data.status === 'string')
          status = envelope.data.status;
        write(sseFrame(envelope));
      },
      onFlushed: () => {
        if (query.until === 'terminal' && sawTerminal && !ACTIVE.has(status)) end();
      },
      onError: () => end(),
    });
    if (res.destroyed) end(); // the client left before the feed was open
    await open.started;
  }
}

/** `Last-Event-ID` (set by EventSource on reconnect) wins over `?after=` (the URL it was opened with). */
function resumePoint(lastEventId: string | undefined, after: number | undefined): number {
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    const seq = Number(lastEventId.trim());
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > INT4_MAX)
      throw new BadRequestException('Last-Event-ID must be a non-negative integer (an event seq)');
    return seq;
  }
  return after ?? 0;
}
