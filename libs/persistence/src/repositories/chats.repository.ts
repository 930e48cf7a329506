import type { Database } from '../database';
import type { ChatRow, EventRow, MessageRow } from '../rows';
import { EventsRepository } from './events.repository';

export interface NewChat {
  name: string;
  fromType: string;
  flowId: string;
  flowVersion: number;
  agentId?: string | null;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
}

export type ChatOrder = 'created_at' | 'waiting_since';

export interface ChatPage {
  items: ChatRow[];
  nextCursor: string | null;
}

/** Chats and their transcripts. Every method takes the owning account first. */
export class ChatsRepository {
  constructor(private readonly db: Database) {}

  async create(accountId: string, chat: NewChat): Promise<{ chat: ChatRow; events: EventRow[] }> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ChatRow>(
        `INSERT INTO chats (account_id, name, from_type, flow_id, flow_version, agent_id, external_id, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          accountId,
          chat.name,
          chat.fromType,
          chat.flowId,
          chat.flowVersion,
          chat.agentId ?? null,
          chat.externalId ?? null,
          JSON.stringify(chat.metadata ?? {}),
        ],
      );
      const events = await EventsRepository.append(tx, row.id, [
        { type: 'chat.status', data: { status: 'ready', previous: null } },
      ]);
      return { chat: { ...row, last_seq: events[events.length - 1].seq }, events };
    });
  }

  async get(accountId: string, id: string): Promise<ChatRow | null> {
    const [row] = await this.db.query<ChatRow>(`SELECT * FROM chats WHERE id = $1 AND account_id = $2`, [
      id,
      accountId,
    ]);
    return row ?? null;
  }

  async findByExternalId(accountId: string, externalId: string): Promise<ChatRow | null> {
    const [row] = await this.db.query<ChatRow>(
      `SELECT * FROM chats WHERE account_id = $1 AND external_id = $2`,
      [accountId, externalId],
    );
    return row ?? null;
  }

  /**
   * Newest first, or — `order: 'waiting_since'` — the chats waiting for human input, longest waiting
   * first (the operators' inbox). `nameContains` matches the name case-insensitively. The cursor is
   * opaque: the sort key and id of the last item.
   */
  async list(
    accountId: string,
    options: {
      status?: string;
      order?: ChatOrder;
      nameContains?: string;
      cursor?: { createdAt: Date; id: string };
      limit: number;
    },
  ): Promise<ChatPage> {
    const waiting = options.order === 'waiting_since';
    const params: unknown[] = [accountId, options.limit + 1];
    let where = `account_id = $1`;
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
      `SELECT * FROM chats WHERE ${where} ORDER BY ${key} ${direction}, id ${direction} LIMIT $2`,
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

  /** Deletes the chat with its runs, messages and events. False when it is not the account's. */
  async delete(accountId: string, id: string): Promise<boolean> {
    const { count } = await this.db.execute(`DELETE FROM chats WHERE id = $1 AND account_id = $2`, [
      id,
      accountId,
    ]);
    return count > 0;
  }

  async messages(chatId: string, options: { after?: number; limit?: number } = {}): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(
      `SELECT * FROM messages WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [chatId, options.after ?? 0, options.limit ?? 100_000],
    );
  }
}

export function decodeChatCursor(cursor: string): { createdAt: Date; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [at, id] = text.split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { createdAt, id };
}
