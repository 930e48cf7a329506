import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import type { Request, Response } from 'express';
import { IdPipe } from '../common/uuid.pipe';
import { NativeExceptionFilter } from '../common/native-exception.filter';
import { ZodPipe } from '../common/zod-body.pipe';
import { toChatDto, toSentDto } from './chat.mapper';
import { ChatsService } from './chats.service';
import { orThrow } from './refusals';
import { AnswerInput } from './use-cases/answer-input';
import { CancelRun } from './use-cases/cancel-run';
import { StartRun } from './use-cases/start-run';
import {
  CreateChatBody,
  ForkBody,
  InputBody,
  ListChatsQuery,
  ListMessagesQuery,
  PostMessageBody,
  SendQuery,
  WaitQuery,
} from './dto/chat.dto';

const chatId = new IdPipe('Chat');

/** Agentok Studio's chats API (native), mounted at `/` and `/v1`. */
@Controller(['chats', 'v1/chats'])
@UseGuards(ApiKeyGuard)
@UseFilters(NativeExceptionFilter)
export class ChatsController {
  constructor(
    private readonly chats: ChatsService,
    private readonly startRun: StartRun,
    private readonly answerInput: AnswerInput,
    private readonly cancelRun: CancelRun,
  ) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @Query(new ZodPipe(ListChatsQuery)) q: ListChatsQuery) {
    return this.chats.list(p, q);
  }

  @Post()
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateChatBody)) body: CreateChatBody) {
    return toChatDto(await this.chats.create(p, body));
  }

  @Get(':id')
  async get(@CurrentPrincipal() p: Principal, @Param('id', chatId) id: string) {
    return toChatDto(await this.chats.get(p, id));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() p: Principal, @Param('id', chatId) id: string): Promise<void> {
    await this.chats.delete(p, id);
  }

  @Post(':id/messages')
  @HttpCode(202)
  async send(
    @CurrentPrincipal() p: Principal,
    @Param('id', chatId) id: string,
    @Body(new ZodPipe(PostMessageBody)) message: string,
    @Query(new ZodPipe(SendQuery)) q: SendQuery,
  ) {
    const result = await this.startRun.execute(p, id, { message }, { wait: q.wait, multitask: q.multitask });
    return toSentDto(orThrow(result, id));
  }

  /**
   * The transcript stays a JSON array (what Agentok clients read); the page position travels in
   * headers (`X-Has-More`, `X-Next-Cursor`, `Link: rel="next"`), or in the body with `?paged=true`.
   */
  @Get(':id/messages')
  async messages(
    @CurrentPrincipal() p: Principal,
    @Param('id', chatId) id: string,
    @Query(new ZodPipe(ListMessagesQuery)) q: ListMessagesQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.chats.messagesPage(p, id, q);
    res.setHeader('X-Has-More', String(page.has_more));
    if (page.next_cursor !== null) {
      res.setHeader('X-Next-Cursor', page.next_cursor);
      const next = new URL(req.originalUrl, 'http://x');
      next.searchParams.delete('after');
      next.searchParams.set('cursor', page.next_cursor);
      res.setHeader('Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    return q.paged ? page : page.data;
  }

  @Post(':id/input')
  @HttpCode(202)
  async input(
    @CurrentPrincipal() p: Principal,
    @Param('id', chatId) id: string,
    @Body(new ZodPipe(InputBody)) answer: InputBody,
    @Query(new ZodPipe(WaitQuery)) q: WaitQuery,
  ) {
    const result = await this.answerInput.execute(p, id, answer, { wait: q.wait, asOperator: true });
    return toSentDto(orThrow(result, id));
  }

  /** Operators (issue 14): hold the chat so other keys' input is refused with 409 until released or idle. */
  @Post(':id/claim')
  @HttpCode(200)
  async claim(@CurrentPrincipal() p: Principal, @Param('id', chatId) id: string) {
    return toChatDto(await this.chats.claim(p, id));
  }

  @Post(':id/release')
  @HttpCode(200)
  async release(@CurrentPrincipal() p: Principal, @Param('id', chatId) id: string) {
    return toChatDto(await this.chats.release(p, id));
  }

  /** Time travel: a new chat from message `at_seq` of this one → 201 (`?wait=true`: after its run settles). */
  @Post(':id/fork')
  @HttpCode(201)
  async fork(
    @CurrentPrincipal() p: Principal,
    @Param('id', chatId) id: string,
    @Body(new ZodPipe(ForkBody)) body: ForkBody,
    @Query(new ZodPipe(WaitQuery)) q: WaitQuery,
  ) {
    return toChatDto(await this.chats.fork(p, id, body, q.wait));
  }

  @Post([':id/cancel', ':id/abort'])
  @HttpCode(202)
  async cancel(@CurrentPrincipal() p: Principal, @Param('id', chatId) id: string) {
    const { chat, cancelled } = orThrow(await this.cancelRun.execute(p, id), id);
    return { chat: toChatDto(chat), cancelled };
  }
}
