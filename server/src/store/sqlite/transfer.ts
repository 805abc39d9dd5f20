import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  TRANSFER_BATCH,
  type StoreTransfer,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../transfer.js';
import { mapDuplicateKey } from './errors.js';
import {
  appParams,
  groupParams,
  toApp,
  toConsoleToken,
  toConversation,
  toGroup,
  toMember,
  toMessage,
  toSession,
  toTenant,
  toUser,
  toUserToken,
  type AppRow,
  type ConsoleTokenRow,
  type ConversationRow,
  type GroupRow,
  type MemberRow,
  type MessageRow,
  type SessionRow,
  type TenantRow,
  type UserRow,
  type UserTokenRow,
} from './rows.js';
import type { Sql, SqlParams, SqlValue } from './sql.js';

interface InApp {
  app_id: string;
}

/** How one collection maps onto its table. */
interface TableOf<C extends TransferCollection> {
  table: string;
  /** The primary key's columns, in index order: reads page through the table by them. */
  key: readonly string[];
  /** The condition (on `@appId`) that keeps a row in an app's scope; none: no row is (console tokens). */
  inApp: string | null;
  /** From a row as the driver returns it (typed by schema.ts, which is its source). */
  toRecord(row: unknown): TransferRecords[C];
  insert: string;
  params(record: TransferInput[C]): SqlParams;
  /** A second statement per row, with the same parameters. */
  then?: string;
}


/**
 * Insert, or update every other column of the row with the same `key`: an import run twice
 * leaves what one run leaves. A row that breaks another unique index (a tenant's email taken by
 * another tenant, a msgId at another seq) is refused, not allowed to delete the row it meets
 * (as `INSERT OR REPLACE` would).
 */
const upsert = (table: string, key: readonly string[], columns: Record<string, string>) => {
  const names = Object.keys(columns);
  const updates = names.filter((name) => !key.includes(name)).map((name) => `${name} = excluded.${name}`);
  return `INSERT INTO ${table} (${names.join(', ')}) VALUES (${Object.values(columns).map((param) => `@${param}`).join(', ')})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
};

const APP_SCOPED = 'app_id = @appId';

const TABLES: { [C in TransferCollection]: TableOf<C> } = {
  tenants: {
    table: 'tenants',
    key: ['tenant_id'],
    inApp: 'tenant_id = (SELECT tenant_id FROM apps WHERE app_id = @appId)',
    toRecord: (raw) => {
      const row = raw as TenantRow;
      return toTenant(row);
    },
    insert: upsert('tenants', ['tenant_id'], { tenant_id: 'tenantId', email: 'email', password_hash: 'passwordHash', created_at: 'createdAt' }),
    params: (record) => ({ ...record }),
  },
  consoleTokens: {
    table: 'console_tokens',
    key: ['token_hash'],
    inApp: null,
    toRecord: (raw) => {
      const row = raw as ConsoleTokenRow;
      return toConsoleToken(row);
    },
    insert: upsert('console_tokens', ['token_hash'], { token_hash: 'tokenHash', tenant_id: 'tenantId', created_at: 'createdAt', expires_at: 'expiresAt' }),
    params: (record) => ({ ...record }),
  },
  apps: {
    table: 'apps',
    key: ['app_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as AppRow;
      return toApp(row);
    },
    insert: upsert('apps', ['app_id'], {
      app_id: 'appId',
      tenant_id: 'tenantId',
      app_name: 'appName',
      description: 'description',
      secret: 'secret',
      previous_secret: 'previousSecret',
      previous_secret_valid_until: 'previousSecretValidUntil',
      settings_json: 'settingsJson',
      created_at: 'createdAt',
      updated_at: 'updatedAt',
    }),
    params: (record) => appParams(record),
  },
  users: {
    table: 'users',
    key: ['app_id', 'user_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as UserRow & InApp;
      return ({ appId: row.app_id, ...toUser(row) });
    },
    insert: upsert('users', ['app_id', 'user_id'], { app_id: 'appId', user_id: 'userId', name: 'name', avatar_uri: 'avatarUri', created_at: 'createdAt', updated_at: 'updatedAt' }),
    params: (record) => ({ ...record }),
  },
  userTokens: {
    table: 'user_tokens',
    key: ['app_id', 'token_hash'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as UserTokenRow & InApp;
      return ({ appId: row.app_id, ...toUserToken(row) });
    },
    insert: upsert('user_tokens', ['app_id', 'token_hash'], {
      app_id: 'appId',
      token_hash: 'tokenHash',
      user_id: 'userId',
      created_at: 'createdAt',
      expires_at: 'expiresAt',
      revoked_at: 'revokedAt',
    }),
    params: (record) => ({ ...record }),
  },
  groups: {
    table: 'chat_groups',
    key: ['app_id', 'group_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as GroupRow & InApp;
      return ({ appId: row.app_id, ...toGroup(row) });
    },
    insert: upsert('chat_groups', ['app_id', 'group_id'], {
      app_id: 'appId',
      group_id: 'groupId',
      name: 'name',
      avatar_uri: 'avatarUri',
      owner_id: 'ownerId',
      member_count: 'memberCount',
      join_count: 'joinCount',
      version: 'version',
      created_at: 'createdAt',
      updated_at: 'updatedAt',
    }),
    params: (record) => ({ appId: record.appId, ...groupParams(record) }),
  },
  groupMembers: {
    table: 'group_members',
    key: ['app_id', 'group_id', 'user_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as MemberRow & InApp & { group_id: string };
      return ({ appId: row.app_id, groupId: row.group_id, ...toMember(row) });
    },
    insert: upsert('group_members', ['app_id', 'group_id', 'user_id'], {
      app_id: 'appId',
      group_id: 'groupId',
      user_id: 'userId',
      role: 'role',
      joined_at: 'joinedAt',
      join_index: 'joinIndex',
    }),
    params: (record) => ({ ...record }),
  },
  conversations: {
    table: 'conversations',
    key: ['app_id', 'conversation_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as ConversationRow & InApp;
      return ({ appId: row.app_id, ...toConversation(row) });
    },
    insert: upsert('conversations', ['app_id', 'conversation_id'], {
      app_id: 'appId',
      conversation_id: 'conversationId',
      conversation_type: 'conversationType',
      last_seq: 'lastSeq',
      last_msg_id: 'lastMsgId',
      last_sender_user_id: 'lastSenderUserId',
      last_message_type: 'lastMessageType',
      last_preview: 'lastPreview',
      last_timestamp: 'lastTimestamp',
      created_at: 'createdAt',
      updated_at: 'updatedAt',
    }),
    params: ({ lastMessage, ...record }) => ({
      appId: record.appId,
      conversationId: record.conversationId,
      conversationType: record.conversationType,
      lastSeq: record.lastSeq,
      lastMsgId: lastMessage?.msgId ?? null,
      lastSenderUserId: lastMessage?.senderUserId ?? null,
      lastMessageType: lastMessage?.messageType ?? null,
      lastPreview: lastMessage?.preview ?? null,
      lastTimestamp: lastMessage?.timestamp ?? null,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    }),
  },
  messages: {
    table: 'messages',
    key: ['app_id', 'conversation_id', 'seq'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as MessageRow & InApp;
      return ({ appId: row.app_id, ...toMessage(row) });
    },
    insert: upsert('messages', ['app_id', 'conversation_id', 'seq'], {
      app_id: 'appId',
      conversation_id: 'conversationId',
      seq: 'seq',
      msg_id: 'msgId',
      conversation_type: 'conversationType',
      sender_user_id: 'senderUserId',
      target_id: 'targetId',
      message_type: 'messageType',
      content_json: 'contentJson',
      client_msg_id: 'clientMsgId',
      timestamp: 'timestamp',
      recalled_at: 'recalledAt',
      recalled_by: 'recalledBy',
    }),
    params: ({ content, recall, ...record }) => ({
      ...record,
      contentJson: JSON.stringify(content),
      recalledAt: recall?.at ?? null,
      recalledBy: recall?.by ?? null,
    }),
    // The preview is not kept per message here: it goes into the conversation's summary, which a
    // message raises when it is newer than the summary (or there is none yet, when messages come
    // before their conversation's row, which then replaces it).
    then: `INSERT INTO conversations (app_id, conversation_id, conversation_type, last_seq, last_msg_id, last_sender_user_id, last_message_type, last_preview, last_timestamp, created_at, updated_at)
      VALUES (@appId, @conversationId, @conversationType, @seq, @msgId, @senderUserId, @messageType, @preview, @timestamp, @timestamp, @timestamp)
      ON CONFLICT (app_id, conversation_id) DO UPDATE SET last_seq = excluded.last_seq, last_msg_id = excluded.last_msg_id,
        last_sender_user_id = excluded.last_sender_user_id, last_message_type = excluded.last_message_type, last_preview = excluded.last_preview,
        last_timestamp = excluded.last_timestamp, updated_at = max(conversations.updated_at, excluded.updated_at)
      WHERE excluded.last_seq > conversations.last_seq`,
  },
  sessions: {
    table: 'sessions',
    key: ['app_id', 'user_id', 'conversation_id'],
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as SessionRow & InApp;
      return ({ appId: row.app_id, ...toSession(row) });
    },
    insert: upsert('sessions', ['app_id', 'user_id', 'conversation_id'], {
      app_id: 'appId',
      user_id: 'userId',
      conversation_id: 'conversationId',
      sid: 'sid',
      conversation_type: 'conversationType',
      target_id: 'targetId',
      read_seq: 'readSeq',
      created_at: 'createdAt',
    }),
    params: (record) => ({ ...record }),
  },
};

/** A row with its page cursor columns, selected as `k0`, `k1`, ... beside the row's own. */
type Keyed = Record<string, SqlValue>;

/**
 * Reads page through each table in primary-key order, `TRANSFER_BATCH` rows per statement,
 * yielding to other work between pages; writes replace by primary key, one transaction per batch.
 */
export class SqliteStoreTransfer implements StoreTransfer {
  constructor(private readonly sql: Sql) {}

  async *read<C extends TransferCollection>(collection: C, scope: TransferScope): AsyncIterable<TransferRecords[C][]> {
    const spec: TableOf<C> = TABLES[collection];
    if (scope.appId !== undefined && spec.inApp === null) return;
    const keys = spec.key.map((column, i) => `${column} AS k${i}`).join(', ');
    const order = spec.key.join(', ');
    const scoped = scope.appId === undefined ? '1 = 1' : spec.inApp!;
    const first = `SELECT *, ${keys} FROM ${spec.table} WHERE ${scoped} ORDER BY ${order} LIMIT ${TRANSFER_BATCH}`;
    const next = `SELECT *, ${keys} FROM ${spec.table} WHERE ${scoped} AND (${order}) > (${spec.key.map((_, i) => `@k${i}`).join(', ')}) ORDER BY ${order} LIMIT ${TRANSFER_BATCH}`;
    const scopeParams: SqlParams = scope.appId === undefined ? {} : { appId: scope.appId };
    let rows = this.sql.all<Keyed>(first, scopeParams);
    while (rows.length > 0) {
      yield rows.map((row) => spec.toRecord(row));
      if (rows.length < TRANSFER_BATCH) return;
      const last = rows[rows.length - 1]!;
      const cursor: SqlParams = Object.fromEntries(spec.key.map((_, i) => [`k${i}`, last[`k${i}`] ?? null]));
      await nextTurn();
      rows = this.sql.all<Keyed>(next, { ...scopeParams, ...cursor });
    }
  }

  async write<C extends TransferCollection>(collection: C, rows: readonly TransferInput[C][]): Promise<void> {
    const spec: TableOf<C> = TABLES[collection];
    mapDuplicateKey(`a ${collection} key`, () =>
      this.sql.transaction(() => {
        for (const row of rows) {
          const params = spec.params(row);
          this.sql.run(spec.insert, params);
          if (spec.then !== undefined) this.sql.run(spec.then, params);
        }
      }),
    );
  }
}
