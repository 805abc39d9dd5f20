import type { ConversationType } from '@parley/sdk/protocol';
import type { SessionRepo } from '../ports.js';
import type { NewSession, SessionEnd, SessionRecord } from '../records.js';
import { toSession, type SessionRow } from './rows.js';
import { jsonList, type Sql } from './sql.js';
import { insertInto } from './columns.js';

/** A new session, unless a concurrent call created it first. */
const CREATE_SESSION = `${insertInto('sessions')} ON CONFLICT (app_id, user_id, conversation_id) DO NOTHING`;
/** A new session, or an ended one opened again (a user back in a group); one in use stays as it is. */
const CREATE_OR_REOPEN_SESSION = `${insertInto('sessions')} ON CONFLICT (app_id, user_id, conversation_id) DO UPDATE
  SET ended_msg_id = NULL, ended_seq = NULL, ended_sender = NULL, ended_preview = NULL, ended_at = NULL, read_seq = max(read_seq, excluded.read_seq)
  WHERE ended_seq IS NOT NULL`;
const NOT_ENDED = { endedMsgId: null, endedSeq: null, endedSender: null, endedPreview: null, endedAt: null };

/** Users' sessions (read marks) of one app: one row per user and conversation. */
export class SqliteSessionRepo implements SessionRepo {
  constructor(
    private readonly appId: string,
    private readonly sql: Sql,
  ) {}

  async ensure(input: NewSession): Promise<SessionRecord> {
    const params = { appId: this.appId, userId: input.userId, conversationId: input.conversationId };
    // Nearly every call finds the session (each private send ensures both sides): read first.
    const existing = this.#get(params);
    if (existing) return toSession(existing);
    this.sql.run(
      CREATE_SESSION,
      { ...params, sid: input.sid, conversationType: input.conversationType, targetId: input.targetId, readSeq: input.initialReadSeq, doNotDisturb: 0, createdAt: input.createdAt, ...NOT_ENDED },
    );
    return toSession(this.#get(params)!);
  }

  async ensureMany(inputs: readonly NewSession[]): Promise<void> {
    this.sql.transaction(() => {
      for (const input of inputs) {
        this.sql.run(CREATE_OR_REOPEN_SESSION, {
          appId: this.appId,
          userId: input.userId,
          conversationId: input.conversationId,
          sid: input.sid,
          conversationType: input.conversationType,
          targetId: input.targetId,
          readSeq: input.initialReadSeq,
          doNotDisturb: 0,
          createdAt: input.createdAt,
          ...NOT_ENDED,
        });
      }
    });
  }

  async end(conversationId: string, end: SessionEnd, userIds?: readonly string[]): Promise<void> {
    if (userIds?.length === 0) return;
    this.sql.run(
      `UPDATE sessions SET ended_msg_id = @msgId, ended_seq = @seq, ended_sender = @senderUserId, ended_preview = @preview, ended_at = @timestamp
       WHERE app_id = @appId AND conversation_id = @conversationId AND ended_seq IS NULL
         AND (@userIds IS NULL OR user_id IN (SELECT value FROM json_each(@userIds)))`,
      {
        appId: this.appId,
        conversationId,
        msgId: end.msgId,
        seq: end.seq,
        senderUserId: end.senderUserId,
        preview: end.preview,
        timestamp: end.timestamp,
        userIds: userIds === undefined ? null : jsonList(userIds),
      },
    );
  }

  async get(userId: string, conversationId: string): Promise<SessionRecord | null> {
    const row = this.#get({ appId: this.appId, userId, conversationId });
    return row ? toSession(row) : null;
  }

  async getBySid(userId: string, sid: string): Promise<SessionRecord | null> {
    const row = this.sql.get<SessionRow>('SELECT * FROM sessions WHERE app_id = @appId AND sid = @sid AND user_id = @userId', { appId: this.appId, sid, userId });
    return row ? toSession(row) : null;
  }

  async listForUser(userId: string, conversationType?: ConversationType): Promise<SessionRecord[]> {
    const rows = this.sql.all<SessionRow>(
      'SELECT * FROM sessions WHERE app_id = @appId AND user_id = @userId AND (@conversationType IS NULL OR conversation_type = @conversationType)',
      { appId: this.appId, userId, conversationType: conversationType ?? null },
    );
    return rows.map(toSession);
  }

  async readSeqs(conversationId: string, userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = this.sql.all<{ user_id: string; read_seq: number }>(
      `SELECT user_id, read_seq FROM sessions WHERE app_id = @appId AND conversation_id = @conversationId AND user_id IN (SELECT value FROM json_each(@userIds))`,
      { appId: this.appId, conversationId, userIds: jsonList(userIds) },
    );
    return new Map(rows.map((row) => [row.user_id, row.read_seq]));
  }

  async usersWithSessionIn(conversationIds: readonly string[], userIds: readonly string[]): Promise<Set<string>> {
    if (conversationIds.length === 0 || userIds.length === 0) return new Set();
    const rows = this.sql.all<{ user_id: string }>(
      `SELECT DISTINCT user_id FROM sessions WHERE app_id = @appId
         AND conversation_id IN (SELECT value FROM json_each(@conversationIds)) AND user_id IN (SELECT value FROM json_each(@userIds))
         AND ended_seq IS NULL`,
      { appId: this.appId, conversationIds: jsonList(conversationIds), userIds: jsonList(userIds) },
    );
    return new Set(rows.map((row) => row.user_id));
  }

  async advanceRead(userId: string, conversationId: string, seq: number): Promise<SessionRecord | null> {
    const row = this.sql.get<SessionRow>(
      'UPDATE sessions SET read_seq = max(read_seq, @seq) WHERE app_id = @appId AND user_id = @userId AND conversation_id = @conversationId RETURNING *',
      { appId: this.appId, userId, conversationId, seq },
    );
    return row ? toSession(row) : null;
  }

  async setDoNotDisturb(userId: string, conversationId: string, doNotDisturb: boolean): Promise<SessionRecord | null> {
    const row = this.sql.get<SessionRow>(
      'UPDATE sessions SET do_not_disturb = @flag WHERE app_id = @appId AND user_id = @userId AND conversation_id = @conversationId RETURNING *',
      { appId: this.appId, userId, conversationId, flag: doNotDisturb ? 1 : 0 },
    );
    return row ? toSession(row) : null;
  }

  async deleteForConversation(conversationId: string, userIds?: readonly string[]): Promise<void> {
    if (userIds === undefined) {
      this.sql.run('DELETE FROM sessions WHERE app_id = @appId AND conversation_id = @conversationId', { appId: this.appId, conversationId });
      return;
    }
    if (userIds.length === 0) return;
    this.sql.run(
      'DELETE FROM sessions WHERE app_id = @appId AND conversation_id = @conversationId AND user_id IN (SELECT value FROM json_each(@userIds))',
      { appId: this.appId, conversationId, userIds: jsonList(userIds) },
    );
  }

  #get(key: { appId: string; userId: string; conversationId: string }): SessionRow | undefined {
    return this.sql.get<SessionRow>('SELECT * FROM sessions WHERE app_id = @appId AND user_id = @userId AND conversation_id = @conversationId', key);
  }
}
