import type { Database } from 'better-sqlite3';
import { SqliteOpenRefusal } from './errors.js';

/**
 * The SQLite schema, as numbered migrations applied in order at start. `schema_migrations` records
 * each one with the time it ran, and `PRAGMA user_version` holds the newest, so a database is
 * migrated exactly once per step and a database written by a newer Parley is refused rather than
 * misread.
 *
 * Every table of app data starts its primary key with `app_id`: one app's rows are one range of
 * each index, and no query reads another app's rows. Tables are STRICT, so a value of the wrong
 * type is an error, not a silent conversion.
 */
const MIGRATIONS: readonly string[] = [
  // 1: everything the store ports need.
  `
  CREATE TABLE tenants (
    tenant_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE console_tokens (
    token_hash TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX console_tokens_tenant ON console_tokens (tenant_id);
  CREATE INDEX console_tokens_expiry ON console_tokens (expires_at);

  CREATE TABLE apps (
    app_id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    app_name TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_valid_until INTEGER,
    settings_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX apps_tenant ON apps (tenant_id, created_at);

  CREATE TABLE users (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar_uri TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE user_tokens (
    app_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (app_id, token_hash)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX user_tokens_user ON user_tokens (app_id, user_id, expires_at);

  CREATE TABLE chat_groups (
    app_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar_uri TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    member_count INTEGER NOT NULL,
    join_count INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, group_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE group_members (
    app_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    join_index INTEGER NOT NULL,
    PRIMARY KEY (app_id, group_id, user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX group_members_order ON group_members (app_id, group_id, join_index);
  CREATE INDEX group_members_user ON group_members (app_id, user_id);

  CREATE TABLE conversations (
    app_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    conversation_type INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    last_msg_id TEXT,
    last_sender_user_id TEXT,
    last_message_type INTEGER,
    last_preview TEXT,
    last_timestamp INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, conversation_id)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE messages (
    app_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    msg_id TEXT NOT NULL,
    conversation_type INTEGER NOT NULL,
    sender_user_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    message_type INTEGER NOT NULL,
    content_json TEXT NOT NULL,
    client_msg_id TEXT,
    timestamp INTEGER NOT NULL,
    recalled_at INTEGER,
    recalled_by TEXT
  ) STRICT;
  CREATE UNIQUE INDEX messages_seq ON messages (app_id, conversation_id, seq);
  CREATE UNIQUE INDEX messages_id ON messages (app_id, msg_id);
  CREATE UNIQUE INDEX messages_client_id ON messages (app_id, sender_user_id, client_msg_id) WHERE client_msg_id IS NOT NULL;

  CREATE TABLE sessions (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    sid TEXT NOT NULL,
    conversation_type INTEGER NOT NULL,
    target_id TEXT NOT NULL,
    read_seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id, conversation_id)
  ) STRICT, WITHOUT ROWID;
  CREATE UNIQUE INDEX sessions_sid ON sessions (app_id, sid);
  CREATE INDEX sessions_conversation ON sessions (app_id, conversation_id, user_id);
  `,
  // 2: records of uploaded files (their bytes are in the file storage, not here). A thumbnail's
  // three columns are all set or all null.
  `
  CREATE TABLE files (
    app_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    uploader_user_id TEXT,
    name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    category TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    duration REAL,
    thumb_size INTEGER,
    thumb_width INTEGER,
    thumb_height INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, file_id),
    CHECK ((thumb_size IS NULL) = (thumb_width IS NULL) AND (thumb_size IS NULL) = (thumb_height IS NULL))
  ) STRICT, WITHOUT ROWID;
  `,
  // 3: the console's message search and daily counts read messages by time, within the app or
  // one conversation (newest first, msg_id breaking ties).
  `
  CREATE INDEX messages_time ON messages (app_id, timestamp, msg_id);
  CREATE INDEX messages_conversation_time ON messages (app_id, conversation_id, timestamp, msg_id);
  `,
  // 4: users' block lists, one row per (blocker, blocked) pair; a user's list is read oldest
  // block first (blocked_user_id breaking ties).
  `
  CREATE TABLE blocks (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    blocked_user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id, blocked_user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX blocks_order ON blocks (app_id, user_id, created_at, blocked_user_id);
  `,
  // 5: friend requests, friendships (one row per side, each with its own remark and friend group)
  // and each user's friend groups. Pending requests are read newest first between two users and
  // to or from one user (request_id, the rest of the key, breaking ties); a user's friends oldest
  // friendship first, and their friend groups by sort_order, then created_at (then id).
  `
  CREATE TABLE friend_requests (
    app_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    from_user_id TEXT NOT NULL,
    to_user_id TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    PRIMARY KEY (app_id, request_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX friend_requests_between ON friend_requests (app_id, from_user_id, to_user_id, status, created_at);
  CREATE INDEX friend_requests_incoming ON friend_requests (app_id, to_user_id, status, created_at);
  CREATE INDEX friend_requests_outgoing ON friend_requests (app_id, from_user_id, status, created_at);

  CREATE TABLE friends (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    friend_id TEXT NOT NULL,
    remark TEXT NOT NULL,
    friend_group_id TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id, friend_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX friends_order ON friends (app_id, user_id, created_at, friend_id);

  CREATE TABLE friend_groups (
    app_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    friend_group_id TEXT NOT NULL,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, user_id, friend_group_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX friend_groups_order ON friend_groups (app_id, user_id, sort_order, created_at);
  `,
  // 6: a request the recipient dropped (by blocking the requester) stays for the requester but is
  // never shown to the recipient (0 or 1; rows written before read as not dropped). A user's
  // requests to and from them in any status are read newest first (request_id, the rest of the
  // key, breaking ties).
  `
  ALTER TABLE friend_requests ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX friend_requests_received ON friend_requests (app_id, to_user_id, created_at);
  CREATE INDEX friend_requests_sent ON friend_requests (app_id, from_user_id, created_at);
  `,
  // 7: group administration: a description, an announcement (who set it and when), mute-all and
  // the join policy on the group ('invite', what groups were before, for those written earlier);
  // a nickname and a timed mute on each member (0 and 1 for the flag).
  `
  ALTER TABLE chat_groups ADD COLUMN description TEXT NOT NULL DEFAULT '';
  ALTER TABLE chat_groups ADD COLUMN announcement TEXT NOT NULL DEFAULT '';
  ALTER TABLE chat_groups ADD COLUMN announcement_by TEXT;
  ALTER TABLE chat_groups ADD COLUMN announcement_at INTEGER;
  ALTER TABLE chat_groups ADD COLUMN muted_all INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE chat_groups ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'invite';
  ALTER TABLE group_members ADD COLUMN nickname TEXT NOT NULL DEFAULT '';
  ALTER TABLE group_members ADD COLUMN muted_until INTEGER;
  `,
  // 8: requests to join groups: who would join, who invited them (null when they asked
  // themselves), and who decided when (null while pending, and decided_by null for the tenant's
  // backend). At most one pending request per group and user (a partial unique index); a group's
  // pending requests are read oldest first (request_id, the rest of the key, breaking ties).
  `
  CREATE TABLE join_requests (
    app_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    inviter_id TEXT,
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER,
    PRIMARY KEY (app_id, request_id)
  ) STRICT, WITHOUT ROWID;
  CREATE UNIQUE INDEX join_requests_pending ON join_requests (app_id, group_id, user_id) WHERE status = 'pending';
  CREATE INDEX join_requests_order ON join_requests (app_id, group_id, status, created_at);
  `,
  // 9: do not disturb per session (0 or 1; sessions written before read as 0).
  `
  ALTER TABLE sessions ADD COLUMN do_not_disturb INTEGER NOT NULL DEFAULT 0;
  `,
  // 10: a user's own pending join requests, over every group, oldest first.
  `
  CREATE INDEX join_requests_of_user ON join_requests (app_id, user_id, created_at, request_id) WHERE status = 'pending';
  `,
  // 11: where a session ended (the user left or was removed, or the group was dismissed): that
  // group event's id, seq, operator, text and time; all null while the user is in the group.
  `
  ALTER TABLE sessions ADD COLUMN ended_msg_id TEXT;
  ALTER TABLE sessions ADD COLUMN ended_seq INTEGER;
  ALTER TABLE sessions ADD COLUMN ended_sender TEXT;
  ALTER TABLE sessions ADD COLUMN ended_preview TEXT;
  ALTER TABLE sessions ADD COLUMN ended_at INTEGER;
  `,
  // 12: the seq of the event that set a group's announcement (null: none, or set before this).
  `
  ALTER TABLE chat_groups ADD COLUMN announcement_seq INTEGER;
  `,
  // 13: group events written with their change and not yet stored in the conversation (JSON list).
  `
  ALTER TABLE chat_groups ADD COLUMN pending_events_json TEXT NOT NULL DEFAULT '[]';
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database was written by a newer Parley than this one. */
export class SchemaTooNewError extends SqliteOpenRefusal {
  override readonly name = 'SchemaTooNewError';
}

/**
 * Brings the database to {@link SCHEMA_VERSION}, each step in its own transaction (a crash
 * mid-migration leaves the previous version, migrated again at the next start). Returns the
 * versions it applied.
 */
export function migrate(db: Database, now: number): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > SCHEMA_VERSION) {
    throw new SchemaTooNewError(
      `the database has schema version ${current}, newer than this Parley knows (${SCHEMA_VERSION}): run the Parley that wrote it, or a newer one`,
    );
  }
  const applied: number[] = [];
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]!);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, now);
      db.pragma(`user_version = ${version}`);
    })();
    applied.push(version);
  }
  return applied;
}
