import type { AppendResult, ConversationRepo, MessageDraft, MessagePage, MessageScanFilter } from '../ports.js';
import type { ConversationRecord, MessageRecord, RecallRecord } from '../records.js';
import { inOrderOf } from '../in-order.js';
import { toConversation, toMessage, type ConversationRow, type MessageRow } from './rows.js';
import { jsonList, type Sql } from './sql.js';
import { insertInto } from './columns.js';

const INSERT_MESSAGE = insertInto('messages');

/**
 * Makes a message the conversation's last one unless a later one already is, creating the
 * conversation on its first message. Parameters: the message's fields and its `preview`.
 */
export const RAISE_SUMMARY = `INSERT INTO conversations (app_id, conversation_id, conversation_type, last_seq, last_msg_id, last_sender_user_id, last_message_type, last_preview, last_timestamp, created_at, updated_at)
  VALUES (@appId, @conversationId, @conversationType, @seq, @msgId, @senderUserId, @messageType, @preview, @timestamp, @timestamp, @timestamp)
  ON CONFLICT (app_id, conversation_id) DO UPDATE SET last_seq = excluded.last_seq, last_msg_id = excluded.last_msg_id,
    last_sender_user_id = excluded.last_sender_user_id, last_message_type = excluded.last_message_type, last_preview = excluded.last_preview,
    last_timestamp = excluded.last_timestamp, updated_at = excluded.updated_at
  WHERE excluded.last_seq > conversations.last_seq`;

/**
 * Conversations and their messages, for one app. `append` is one transaction: read the
 * conversation's `last_seq`, store the message as the next seq, raise the summary. A process
 * has one connection and a transaction runs to its end without yielding, so two appends never
 * interleave; the unique index (app, conversation, seq) backs that up. Nothing is acknowledged
 * before the commit, and a crash before it leaves neither message nor seq: no holes.
 */
export class SqliteConversationRepo implements ConversationRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async get(conversationId: string): Promise<ConversationRecord | null> {
    const row = this.sql.get<ConversationRow>('SELECT * FROM conversations WHERE app_id = @appId AND conversation_id = @conversationId', {
      appId: this.appId,
      conversationId,
    });
    return row ? toConversation(row) : null;
  }

  async getMany(conversationIds: readonly string[]): Promise<Map<string, ConversationRecord>> {
    if (conversationIds.length === 0) return new Map();
    const rows = this.sql.all<ConversationRow>(
      'SELECT * FROM conversations WHERE app_id = @appId AND conversation_id IN (SELECT value FROM json_each(@ids))',
      { appId: this.appId, ids: jsonList(conversationIds) },
    );
    return inOrderOf(conversationIds, rows.map(toConversation), (conversation) => conversation.conversationId);
  }

  async append(draft: MessageDraft): Promise<AppendResult> {
    return this.sql.transaction(() => {
      if (draft.clientMsgId !== null) {
        const earlier = this.#byClientMsgId(draft.senderUserId, draft.clientMsgId);
        if (earlier) return { message: toMessage(earlier), created: false };
      }
      const last = this.sql.get<{ last_seq: number }>('SELECT last_seq FROM conversations WHERE app_id = @appId AND conversation_id = @conversationId', {
        appId: this.appId,
        conversationId: draft.conversationId,
      });
      const seq = (last?.last_seq ?? 0) + 1;
      const contentJson = JSON.stringify(draft.content);
      // One parameter object for both statements (each reads the names it has), every field
      // listed: a spread with fields added after it costs a hidden class per message (see
      // schemas/parse.ts).
      const row = {
        appId: this.appId,
        msgId: draft.msgId,
        conversationId: draft.conversationId,
        conversationType: draft.conversationType,
        senderUserId: draft.senderUserId,
        targetId: draft.targetId,
        messageType: draft.messageType,
        clientMsgId: draft.clientMsgId,
        timestamp: draft.timestamp,
        seq,
        contentJson,
        recalledAt: null,
        recalledBy: null,
        preview: draft.preview,
      };
      this.sql.run(INSERT_MESSAGE, row);
      this.sql.run(RAISE_SUMMARY, row);
      const message: MessageRecord = {
        msgId: draft.msgId,
        conversationId: draft.conversationId,
        seq,
        conversationType: draft.conversationType,
        senderUserId: draft.senderUserId,
        targetId: draft.targetId,
        messageType: draft.messageType,
        content: JSON.parse(contentJson) as MessageRecord['content'],
        clientMsgId: draft.clientMsgId,
        timestamp: draft.timestamp,
        recall: null,
      };
      return { message, created: true };
    });
  }

  async listMessages(conversationId: string, page: MessagePage): Promise<MessageRecord[]> {
    if (page.limit <= 0) return [];
    const rows = this.sql.all<MessageRow>(
      `SELECT * FROM messages WHERE app_id = @appId AND conversation_id = @conversationId AND seq < @beforeSeq ORDER BY seq DESC LIMIT @limit`,
      { appId: this.appId, conversationId, beforeSeq: page.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: page.limit },
    );
    return rows.map(toMessage);
  }

  /**
   * The WHERE clause has only the conditions given (at most 16 distinct statements to cache),
   * and names the index made for them (migration 3): without table statistics SQLite would
   * rather take a time range on messages_time than the conversation's own index.
   */
  async scanMessages(filter: MessageScanFilter, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const conditions = ['app_id = @appId'];
    if (filter.conversationId !== undefined) conditions.push('conversation_id = @conversationId');
    if (filter.from !== undefined) conditions.push('timestamp >= @from');
    if (filter.to !== undefined) conditions.push('timestamp < @to');
    if (filter.before !== undefined) conditions.push('(timestamp < @beforeTimestamp OR (timestamp = @beforeTimestamp AND msg_id < @beforeMsgId))');
    const index = filter.conversationId === undefined ? 'messages_time' : 'messages_conversation_time';
    const where = conditions.join(' AND ');
    const rows = this.sql.all<MessageRow>(`SELECT * FROM messages INDEXED BY ${index} WHERE ${where} ORDER BY timestamp DESC, msg_id DESC LIMIT @limit`, {
      appId: this.appId,
      ...(filter.conversationId === undefined ? {} : { conversationId: filter.conversationId }),
      ...(filter.from === undefined ? {} : { from: filter.from }),
      ...(filter.to === undefined ? {} : { to: filter.to }),
      ...(filter.before === undefined ? {} : { beforeTimestamp: filter.before.timestamp, beforeMsgId: filter.before.msgId }),
      limit,
    });
    return rows.map(toMessage);
  }

  async countMessages(from: number, to: number): Promise<number> {
    const row = this.sql.get<{ count: number }>('SELECT count(*) AS count FROM messages WHERE app_id = @appId AND timestamp >= @from AND timestamp < @to', {
      appId: this.appId,
      from,
      to,
    });
    return row?.count ?? 0;
  }

  async listAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessageRecord[]> {
    if (limit <= 0) return [];
    const rows = this.sql.all<MessageRow>(
      'SELECT * FROM messages WHERE app_id = @appId AND conversation_id = @conversationId AND seq > @afterSeq ORDER BY seq LIMIT @limit',
      { appId: this.appId, conversationId, afterSeq, limit },
    );
    return rows.map(toMessage);
  }

  async recall(msgId: string, recall: RecallRecord, preview: string): Promise<MessageRecord | null> {
    return this.sql.transaction(() => {
      const current = this.#byMsgId(msgId);
      if (!current) return null;
      if (current.recalled_at !== null) return toMessage(current);
      const params = { appId: this.appId, msgId, by: recall.by, at: recall.at };
      this.sql.run("UPDATE messages SET recalled_at = @at, recalled_by = @by, content_json = '{}' WHERE app_id = @appId AND msg_id = @msgId", params);
      this.sql.run('UPDATE conversations SET last_preview = @preview WHERE app_id = @appId AND conversation_id = @conversationId AND last_msg_id = @msgId', {
        appId: this.appId,
        conversationId: current.conversation_id,
        msgId,
        preview,
      });
      return toMessage({ ...current, recalled_at: recall.at, recalled_by: recall.by, content_json: '{}' });
    });
  }

  async getMessage(msgId: string): Promise<MessageRecord | null> {
    const row = this.#byMsgId(msgId);
    return row ? toMessage(row) : null;
  }

  async findByClientMsgId(senderUserId: string, clientMsgId: string): Promise<MessageRecord | null> {
    const row = this.#byClientMsgId(senderUserId, clientMsgId);
    return row ? toMessage(row) : null;
  }

  async delete(conversationId: string): Promise<void> {
    this.sql.transaction(() => {
      const params = { appId: this.appId, conversationId };
      this.sql.run('DELETE FROM messages WHERE app_id = @appId AND conversation_id = @conversationId', params);
      this.sql.run('DELETE FROM conversations WHERE app_id = @appId AND conversation_id = @conversationId', params);
    });
  }

  #byMsgId(msgId: string): MessageRow | undefined {
    return this.sql.get<MessageRow>('SELECT * FROM messages WHERE app_id = @appId AND msg_id = @msgId', { appId: this.appId, msgId });
  }

  #byClientMsgId(senderUserId: string, clientMsgId: string): MessageRow | undefined {
    return this.sql.get<MessageRow>(
      'SELECT * FROM messages WHERE app_id = @appId AND sender_user_id = @senderUserId AND client_msg_id = @clientMsgId',
      { appId: this.appId, senderUserId, clientMsgId },
    );
  }
}
