import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  TRANSFER_BATCH,
  type StoreTransfer,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../transfer.js';
import { KEYS, upsertInto, type Table } from './columns.js';
import { RAISE_SUMMARY } from './conversations.js';
import { mapDuplicateKey } from './errors.js';
import {
  appParams,
  fileParams,
  friendRequestParams,
  groupParams,
  sessionParams,
  toApp,
  toBlock,
  toConsoleToken,
  toConversation,
  toFile,
  toFriend,
  toFriendGroup,
  toFriendRequest,
  toGroup,
  toJoinRequest,
  toMember,
  toMessage,
  toSession,
  toTenant,
  toUser,
  toUserToken,
  type AppRow,
  type BlockRow,
  type ConsoleTokenRow,
  type ConversationRow,
  type FileRow,
  type FriendGroupRow,
  type FriendRequestRow,
  type FriendRow,
  type GroupRow,
  type JoinRequestRow,
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
  /** Reads page through it in the order of its key (columns.ts); writes upsert by that key. */
  table: Table;
  /** The condition (on `@appId`) that keeps a row in an app's scope; none: no row is (console tokens). */
  inApp: string | null;
  /** From a row as the driver returns it (typed by schema.ts, which is its source). */
  toRecord(row: unknown): TransferRecords[C];
  params(record: TransferInput[C]): SqlParams;
  /** A second statement per row, with the same parameters. */
  then?: string;
}

const APP_SCOPED = 'app_id = @appId';

const TABLES: { [C in TransferCollection]: TableOf<C> } = {
  tenants: {
    table: 'tenants',
    inApp: 'tenant_id = (SELECT tenant_id FROM apps WHERE app_id = @appId)',
    toRecord: (row) => toTenant(row as TenantRow),
    params: (record) => ({ ...record }),
  },
  consoleTokens: {
    table: 'console_tokens',
    inApp: null,
    toRecord: (row) => toConsoleToken(row as ConsoleTokenRow),
    params: (record) => ({ ...record }),
  },
  apps: {
    table: 'apps',
    inApp: APP_SCOPED,
    toRecord: (row) => toApp(row as AppRow),
    params: (record) => appParams(record),
  },
  users: {
    table: 'users',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as UserRow & InApp;
      return ({ appId: row.app_id, ...toUser(row) });
    },
    params: (record) => ({ ...record }),
  },
  userTokens: {
    table: 'user_tokens',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as UserTokenRow & InApp;
      return ({ appId: row.app_id, ...toUserToken(row) });
    },
    params: (record) => ({ ...record }),
  },
  blocks: {
    table: 'blocks',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as BlockRow & InApp;
      return { appId: row.app_id, ...toBlock(row) };
    },
    params: (record) => ({ ...record }),
  },
  friendRequests: {
    table: 'friend_requests',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as FriendRequestRow & InApp;
      return { appId: row.app_id, ...toFriendRequest(row) };
    },
    params: (record) => ({ appId: record.appId, ...friendRequestParams(record) }),
  },
  friendGroups: {
    table: 'friend_groups',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as FriendGroupRow & InApp;
      return { appId: row.app_id, ...toFriendGroup(row) };
    },
    params: (record) => ({ ...record }),
  },
  friends: {
    table: 'friends',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as FriendRow & InApp;
      return { appId: row.app_id, ...toFriend(row) };
    },
    params: (record) => ({ ...record }),
  },
  files: {
    table: 'files',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as FileRow & InApp;
      return { appId: row.app_id, ...toFile(row) };
    },
    params: (record) => ({ appId: record.appId, ...fileParams(record) }),
  },
  groups: {
    table: 'chat_groups',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as GroupRow & InApp;
      return ({ appId: row.app_id, ...toGroup(row) });
    },
    params: (record) => ({ appId: record.appId, ...groupParams(record) }),
  },
  groupMembers: {
    table: 'group_members',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as MemberRow & InApp & { group_id: string };
      return ({ appId: row.app_id, groupId: row.group_id, ...toMember(row) });
    },
    params: (record) => ({ ...record }),
  },
  joinRequests: {
    table: 'join_requests',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as JoinRequestRow & InApp;
      return { appId: row.app_id, ...toJoinRequest(row) };
    },
    params: (record) => ({ ...record }),
  },
  conversations: {
    table: 'conversations',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as ConversationRow & InApp;
      return ({ appId: row.app_id, ...toConversation(row) });
    },
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
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as MessageRow & InApp;
      return ({ appId: row.app_id, ...toMessage(row) });
    },
    params: ({ content, recall, ...record }) => ({
      ...record,
      contentJson: JSON.stringify(content),
      recalledAt: recall?.at ?? null,
      recalledBy: recall?.by ?? null,
    }),
    // The preview is not kept per message here: it goes into the conversation's summary, which a
    // message raises when it is newer than the summary (or there is none yet, when messages come
    // before their conversation's row, which then replaces it).
    then: RAISE_SUMMARY,
  },
  sessions: {
    table: 'sessions',
    inApp: APP_SCOPED,
    toRecord: (raw) => {
      const row = raw as SessionRow & InApp;
      return ({ appId: row.app_id, ...toSession(row) });
    },
    params: (record) => sessionParams(record),
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
    const key: readonly string[] = KEYS[spec.table];
    const keys = key.map((column, i) => `${column} AS k${i}`).join(', ');
    const order = key.join(', ');
    const scoped = scope.appId === undefined ? '1 = 1' : spec.inApp!;
    const first = `SELECT *, ${keys} FROM ${spec.table} WHERE ${scoped} ORDER BY ${order} LIMIT ${TRANSFER_BATCH}`;
    const next = `SELECT *, ${keys} FROM ${spec.table} WHERE ${scoped} AND (${order}) > (${key.map((_, i) => `@k${i}`).join(', ')}) ORDER BY ${order} LIMIT ${TRANSFER_BATCH}`;
    const scopeParams: SqlParams = scope.appId === undefined ? {} : { appId: scope.appId };
    let rows = this.sql.all<Keyed>(first, scopeParams);
    while (rows.length > 0) {
      yield rows.map((row) => spec.toRecord(row));
      if (rows.length < TRANSFER_BATCH) return;
      const last = rows[rows.length - 1]!;
      const cursor: SqlParams = Object.fromEntries(key.map((_, i) => [`k${i}`, last[`k${i}`] ?? null]));
      await nextTurn();
      rows = this.sql.all<Keyed>(next, { ...scopeParams, ...cursor });
    }
  }

  async write<C extends TransferCollection>(collection: C, rows: readonly TransferInput[C][]): Promise<void> {
    const spec: TableOf<C> = TABLES[collection];
    const insert = upsertInto(spec.table);
    mapDuplicateKey(`a ${collection} key`, () =>
      this.sql.transaction(() => {
        for (const row of rows) {
          const params = spec.params(row);
          this.sql.run(insert, params);
          if (spec.then !== undefined) this.sql.run(spec.then, params);
        }
      }),
    );
  }
}
