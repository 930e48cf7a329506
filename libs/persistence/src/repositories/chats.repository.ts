import type { Scope } from '@conclave/domain';
import type { Database } from '../database';
import { messageFromJson, runFromJson } from '../json-rows';
import type { ChatRow, EventRow, MessageRow, RunRow } from '../rows';
import { scopeCondition } from '../scope-filter';
import type { NewEvent } from './events.repository';
import { flowVersionInScope } from './flows.repository';

export interface NewChat {
  name: string;
  fromType: string;
  flowId: string;
  /** Omitted: the flow's current version. */
  flowVersion?: number;
  agentId?: string | null;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
}

type JsonRow = Record<string, unknown>;

export type ChatOrder = 'created_at' | 'waiting_since';

export interface ChatPage {
  items: ChatRow[];
  nextCursor: string | null;
}

/**
 * Chats and their transcripts. Every method takes the caller's scope first: another account's chat,
 * or another agent's for an agent-scoped key, does not exist for it.
 */
export class ChatsRepository {
  constructor(private readonly db: Database) {}

  /**
   * A chat on a flow of the scope: `flowVersion`, or the flow's current version — which an archived
   * flow no longer offers (a pinned version still starts chats). Null when there is no such flow (or
   * version) for the scope. An agent-scoped caller's chats always belong to its agent.
   */
  async create(scope: Scope, chat: NewChat): Promise<{ chat: ChatRow; events: EventRow[] } | null> {
    if (scope.agentId && chat.agentId && chat.agentId !== scope.agentId)
      throw new Error('a chat of another agent cannot be created in this scope');
    const agentId = scope.agentId ?? chat.agentId ?? null;
    const ready: NewEvent = { type: 'chat.status', data: { status: 'ready', previous: null } };
    const params: unknown[] = [
      scope.accountId,
      chat.name,
      chat.fromType,
      agentId,
      chat.externalId ?? null,
      JSON.stringify(chat.metadata ?? {}),
      ready.type,
      JSON.stringify(ready.data),
      chat.flowVersion ?? null,
    ];
    const flow = flowVersionInScope(scope, params, chat.flowId, chat.flowVersion);
    // One statement (one round trip): the flow version, the chat with its counter at 1, and its first
    // event at seq 1. No flow, no row.
    const [row] = await this.db.query<ChatRow & { event_created_at: Date }>(
      `WITH flow AS (
         SELECT f.id, v.version ${flow} AND (f.archived_at IS NULL OR $9::int IS NOT NULL)
       ), chat AS (
         INSERT INTO chats (account_id, name, from_type, flow_id, flow_version, agent_id, external_id, metadata, last_seq)
         SELECT $1, $2, $3, flow.id, flow.version, $4, $5, $6, 1 FROM flow RETURNING *
       ), event AS (
         INSERT INTO events (chat_id, seq, type, data) SELECT id, 1, $7, $8::jsonb FROM chat RETURNING created_at
       )
       SELECT chat.*, event.created_at AS event_created_at FROM chat, event`,
      params,
    );
    if (!row) return null;
    const { event_created_at: createdAt, ...created } = row;
    return { chat: created, events: [{ chat_id: created.id, seq: 1, ...ready, created_at: createdAt }] };
  }

  async get(scope: Scope, id: string): Promise<ChatRow | null> {
    const params: unknown[] = [id];
    const [row] = await this.db.query<ChatRow>(
      `SELECT * FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)}`,
      params,
    );
    return row ?? null;
  }

  /**
   * The chat and whether its agent is enabled (null: no agent, or it is gone), in one read: what a
   * chatbot message checks first (Converse).
   */
  async getWithAgent(
    scope: Scope,
    id: string,
  ): Promise<{ chat: ChatRow; agentEnabled: boolean | null } | null> {
    const params: unknown[] = [id];
    const [row] = await this.db.query<ChatRow & { agent_enabled: boolean | null }>(
      `SELECT c.*, a.enabled AS agent_enabled FROM chats c
       LEFT JOIN agents a ON a.id = c.agent_id AND a.account_id = c.account_id
       WHERE c.id = $1 AND ${scopeCondition(scope, params, 'c')}`,
      params,
    );
    if (!row) return null;
    const { agent_enabled: agentEnabled, ...chat } = row;
    return { chat, agentEnabled };
  }

  async findByExternalId(scope: Scope, externalId: string): Promise<ChatRow | null> {
    const params: unknown[] = [externalId];
    const [row] = await this.db.query<ChatRow>(
      `SELECT * FROM chats WHERE external_id = $1 AND ${scopeCondition(scope, params)}`,
      params,
    );
    return row ?? null;
  }

  /**
   * Newest first, or — `order: 'waiting_since'` — the chats waiting for human input, longest waiting
   * first (the operators' inbox). `nameContains` matches the name case-insensitively. The cursor is
   * opaque: the sort key and id of the last item.
   */
  async list(
    scope: Scope,
    options: {
      status?: string;
      order?: ChatOrder;
      nameContains?: string;
      cursor?: { createdAt: Date; id: string };
      limit: number;
    },
  ): Promise<ChatPage> {
    const waiting = options.order === 'waiting_since';
    const params: unknown[] = [options.limit + 1];
    let where = scopeCondition(scope, params);
    const status = waiting ? 'wait_for_human_input' : options.status;
    if (status) {
      params.push(status);
      where += ` AND status = $${params.length}`;
    }
    if (options.nameContains) {
      params.push(`%${options.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where += ` AND name ILIKE $${params.length}`;
    }
    const key = waiting ? 'waiting_since' : 'created_at';
    if (options.cursor) {
      params.push(options.cursor.createdAt, options.cursor.id);
      where += ` AND (${key}, id) ${waiting ? '>' : '<'} ($${params.length - 1}, $${params.length})`;
    }
    const direction = waiting ? 'ASC' : 'DESC';
    const rows = await this.db.query<ChatRow>(
      `SELECT * FROM chats WHERE ${where} ORDER BY ${key} ${direction}, id ${direction} LIMIT $1`,
      params,
    );
    const items = rows.slice(0, options.limit);
    const last = items[items.length - 1];
    const lastKey = last ? (waiting ? last.waiting_since : last.created_at) : null;
    const nextCursor =
      rows.length > options.limit && last && lastKey
        ? Buffer.from(`${lastKey.toISOString()}|${last.id}`).toString('base64url')
        : null;
    return { items, nextCursor };
  }

  /** Deletes the chat with its runs, messages and events. False when it is not in the scope. */
  async delete(scope: Scope, id: string): Promise<boolean> {
    const params: unknown[] = [id];
    const { count } = await this.db.execute(
      `DELETE FROM chats WHERE id = $1 AND ${scopeCondition(scope, params)}`,
      params,
    );
    return count > 0;
  }

  /** The transcript of a chat in the scope (empty when the chat is not). */
  async messages(
    scope: Scope,
    chatId: string,
    options: { after?: number; limit?: number } = {},
  ): Promise<MessageRow[]> {
    const params: unknown[] = [chatId, options.after ?? 0, options.limit ?? 100_000];
    return this.db.query<MessageRow>(
      `SELECT m.* FROM messages m
       WHERE m.chat_id = $1 AND m.seq > $2
         AND EXISTS (SELECT 1 FROM chats c WHERE c.id = m.chat_id AND ${scopeCondition(scope, params, 'c')})
       ORDER BY m.seq LIMIT $3`,
      params,
    );
  }

  /**
   * A run's outcome as a request that started (or resumed) it answers: the chat as it is now, the run,
   * and — with `messagesAfter` — the chat's messages after that seq, in one round trip. Null when the
   * chat is not in the scope (or was deleted meanwhile).
   */
  async runOutcome(
    scope: Scope,
    chatId: string,
    runId: string,
    messagesAfter: number | null,
  ): Promise<{ chat: ChatRow; run: RunRow | null; messages: MessageRow[] | null } | null> {
    const params: unknown[] = [chatId, runId, messagesAfter];
    const [row] = await this.db.query<
      ChatRow & { run_json: JsonRow | null; messages_json: JsonRow[] | null }
    >(
      `SELECT c.*,
         (SELECT to_jsonb(r) FROM runs r WHERE r.id = $2 AND r.chat_id = c.id) AS run_json,
         CASE WHEN $3::int IS NOT NULL THEN
           (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.seq), '[]') FROM messages m
            WHERE m.chat_id = c.id AND m.seq > $3::int)
         END AS messages_json
       FROM chats c WHERE c.id = $1 AND ${scopeCondition(scope, params, 'c')}`,
      params,
    );
    if (!row) return null;
    const { run_json: run, messages_json: messages, ...chat } = row;
    return {
      chat,
      run: run ? runFromJson(run) : null,
      messages: messages ? messages.map(messageFromJson) : null,
    };
  }
}

export function decodeChatCursor(cursor: string): { createdAt: Date; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [at, id] = text.split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
