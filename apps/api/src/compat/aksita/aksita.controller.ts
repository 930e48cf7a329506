import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentPrincipal, type Principal } from '@conclave/auth';
import { DomainError } from '@conclave/domain';
import { ConversationsService } from '../../chats/conversations.service';
import { orThrow } from '../../chats/refusals';
import { Converse } from '../../chats/use-cases/converse';
import { AksitaExceptionFilter } from './aksita-exception.filter';

const MAX_MESSAGE_CHARS = 100_000;
const MAX_CONTEXT_CHARS = 20_000;

/**
 * Aksita-compatible API (docs/compatibility.md#aksita): a session is a chat with the key's agent (or the
 * account's primary one); `/api/chat` runs the agent to its next pause and returns its texts.
 */
@Controller('api')
@UseGuards(ApiKeyGuard)
@UseFilters(AksitaExceptionFilter)
export class AksitaController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly converse: Converse,
  ) {}

  @Post('session')
  @HttpCode(200)
  async session(@CurrentPrincipal() p: Principal) {
    const chat = await this.conversations.open(p, { name: 'Aksita session' });
    return { status: true, data: { conversation_id: chat.id }, detail: 'Session created successfully' };
  }

  @Post('chat')
  @HttpCode(200)
  async chat(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { message, conversationId, context } = parseChatBody(body);
    const chat = await this.conversations.find(p, conversationId);
    if (!chat) throw new DomainError('not_found', 'conversation not found');
    const result = orThrow(await this.converse.execute(p, chat.id, message, context), chat.id);
    return {
      status: true,
      data: {
        response: result.texts,
        credits: result.credits,
        remaining_credits: result.remainingCredits,
        message_id: result.messageId,
        conversation_id: chat.id,
      },
      detail: result.incomplete
        ? 'response incomplete: the agent is still working, later replies will follow in this conversation'
        : 'response generated successfully',
    };
  }
}

/** Aksita's exact 400 reasons (Aksita's send-message documentation). */
function parseChatBody(body: unknown): { message: string; conversationId: string; context?: string } {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof b.message !== 'string' || b.message.trim() === '') throw bad('message is required');
  if (b.message.length > MAX_MESSAGE_CHARS)
    throw bad(`message is longer than ${MAX_MESSAGE_CHARS} characters`);
  if (typeof b.conversation_id !== 'string' || b.conversation_id.trim() === '')
    throw bad('conversation_id is required');
  const context = b.additional_context;
  if (context !== undefined && context !== null && typeof context !== 'string')
    throw bad('additional_context must be a string');
  if (typeof context === 'string' && context.length > MAX_CONTEXT_CHARS)
    throw bad(`additional_context is longer than ${MAX_CONTEXT_CHARS} characters`);
  return {
    message: b.message,
    conversationId: b.conversation_id.trim(),
    context: typeof context === 'string' && context.trim() ? context : undefined,
  };
}

const bad = (reason: string) => new DomainError('invalid', reason);
