import { Body, Controller, Get, HttpCode, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AccountOwner, ApiKeyGuard, CurrentPrincipal, ManagesAccount, type Principal } from '@conclave/auth';
import { DomainError, type AccountScope } from '@conclave/domain';
import { AgentsService } from '../../agents/agents.service';
import { ChatsService } from '../../chats/chats.service';
import { ConversationsService } from '../../chats/conversations.service';
import { MessageAdmission } from '../../chats/message-admission';
import { orThrow } from '../../chats/refusals';
import { Converse } from '../../chats/use-cases/converse';
import { AsyntaiExceptionFilter } from './asyntai-exception.filter';

const MAX_MESSAGE_CHARS = 100_000;
const MAX_SESSION_ID_CHARS = 200;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/**
 * Asyntai-compatible API (docs/compatibility.md#asyntai) at `/api/v1/...`, with or without the
 * documented trailing slash. A session is a chat named by `session_id` (chats.external_id); a website
 * is an agent (its integer `website_id`).
 */
@Controller('api/v1')
@UseGuards(ApiKeyGuard)
@UseFilters(AsyntaiExceptionFilter)
export class AsyntaiController {
  constructor(
    private readonly sessions: ConversationsService,
    private readonly converse: Converse,
    private readonly chats: ChatsService,
    private readonly agents: AgentsService,
    private readonly admission: MessageAdmission,
  ) {}

  @Post('chat')
  @HttpCode(200)
  async chat(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { message, sessionId, websiteId } = parseChatBody(body);
    const chat = await this.sessions.session(p, sessionId, websiteId);
    const result = orThrow(await this.converse.execute(p, chat.id, message), chat.id);
    return { success: true, response: result.texts.join('\n\n'), session_id: chat.external_id };
  }

  @Get('websites')
  async websites(@CurrentPrincipal() p: Principal) {
    const agents = await this.agents.list(p.scope);
    return {
      success: true,
      websites: agents.map((a) => ({
        id: Number(a.website_id),
        name: a.name,
        domain: a.domain,
        is_primary: a.is_primary,
      })),
    };
  }

  /** The latest `limit` messages of the session, oldest first. */
  @Get('conversations')
  async conversations(
    @CurrentPrincipal() p: Principal,
    @Query('session_id') sessionId: unknown,
    @Query('limit') limitParam: unknown,
  ) {
    if (typeof sessionId !== 'string' || sessionId.trim() === '') throw bad('session_id is required');
    const limit = parseLimit(limitParam);
    const chat = await this.sessions.findSession(p, sessionId);
    if (!chat) throw new DomainError('not_found', 'Session not found');
    const display = await this.sessions.displayText(p, chat);
    const messages = (await this.chats.messages(p, chat.id, { after: 0, limit: 100_000 }))
      .filter((m) => (m.type === 'user' || m.type === 'assistant') && typeof m.content === 'string')
      .map((m) => ({
        role: m.type,
        // Agents' control markers are not for the end user; the person's own text is shown as sent.
        content: m.type === 'assistant' ? display(m) : m.content,
        timestamp: new Date(m.created_at as Date).toISOString(),
      }))
      .filter((m) => m.role === 'user' || m.content !== '')
      .slice(-limit);
    return { success: true, session_id: sessionId, messages };
  }

  /** The account's plan and usage (its owner's email): account keys only. */
  @Get('account')
  @ManagesAccount()
  async account(@AccountOwner() owner: AccountScope) {
    const usage = await this.admission.usageOf(owner.accountId);
    return {
      success: true,
      account: {
        email: usage.email,
        plan: usage.plan,
        messages_used: usage.messages_used,
        messages_limit: usage.messages_limit,
      },
    };
  }
}

function parseChatBody(body: unknown): { message: string; sessionId?: string; websiteId?: number } {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof b.message !== 'string' || b.message.trim() === '') throw bad('message is required');
  if (b.message.length > MAX_MESSAGE_CHARS)
    throw bad(`message is longer than ${MAX_MESSAGE_CHARS} characters`);
  let sessionId: string | undefined;
  if (b.session_id !== undefined && b.session_id !== null) {
    if (
      typeof b.session_id !== 'string' ||
      b.session_id.trim() === '' ||
      b.session_id.length > MAX_SESSION_ID_CHARS
    )
      throw bad(`session_id must be a non-empty string of at most ${MAX_SESSION_ID_CHARS} characters`);
    sessionId = b.session_id;
  }
  let websiteId: number | undefined;
  if (b.website_id !== undefined && b.website_id !== null) {
    const n =
      typeof b.website_id === 'string' && /^\d+$/.test(b.website_id) ? Number(b.website_id) : b.website_id;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      throw bad('website_id must be a positive integer');
    websiteId = n;
  }
  return { message: b.message, sessionId, websiteId };
}

/** Default 50; above the maximum of 100 is capped; anything but a positive integer is a 400. */
function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1)
    throw bad(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  return Math.min(Number(value), MAX_LIMIT);
}

const bad = (error: string) => new DomainError('invalid', error);
