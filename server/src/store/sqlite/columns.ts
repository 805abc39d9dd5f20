/**
 * Every column of every table (schema.ts) with the named parameter that fills it, so that each
 * statement writing whole rows is made from one list: the repositories' inserts and the
 * transfer's upserts cannot disagree on a column.
 */
export const COLUMNS = {
  tenants: { tenant_id: 'tenantId', email: 'email', password_hash: 'passwordHash', created_at: 'createdAt' },
  console_tokens: { token_hash: 'tokenHash', tenant_id: 'tenantId', created_at: 'createdAt', expires_at: 'expiresAt' },
  apps: {
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
  },
  users: { app_id: 'appId', user_id: 'userId', name: 'name', avatar_uri: 'avatarUri', created_at: 'createdAt', updated_at: 'updatedAt' },
  user_tokens: {
    app_id: 'appId',
    token_hash: 'tokenHash',
    user_id: 'userId',
    created_at: 'createdAt',
    expires_at: 'expiresAt',
    revoked_at: 'revokedAt',
  },
  blocks: { app_id: 'appId', user_id: 'userId', blocked_user_id: 'blockedUserId', created_at: 'createdAt' },
  friend_requests: {
    app_id: 'appId',
    request_id: 'requestId',
    from_user_id: 'fromUserId',
    to_user_id: 'toUserId',
    message: 'message',
    status: 'status',
    created_at: 'createdAt',
    decided_at: 'decidedAt',
    dropped: 'dropped',
  },
  friends: { app_id: 'appId', user_id: 'userId', friend_id: 'friendId', remark: 'remark', friend_group_id: 'friendGroupId', created_at: 'createdAt' },
  friend_groups: { app_id: 'appId', user_id: 'userId', friend_group_id: 'friendGroupId', name: 'name', sort_order: 'order', created_at: 'createdAt' },
  join_requests: {
    app_id: 'appId',
    request_id: 'requestId',
    group_id: 'groupId',
    user_id: 'userId',
    inviter_id: 'inviterId',
    message: 'message',
    status: 'status',
    created_at: 'createdAt',
    decided_by: 'decidedBy',
    decided_at: 'decidedAt',
  },
  files: {
    app_id: 'appId',
    file_id: 'fileId',
    uploader_user_id: 'uploaderUserId',
    name: 'name',
    mime_type: 'mimeType',
    category: 'category',
    size: 'size',
    width: 'width',
    height: 'height',
    duration: 'duration',
    thumb_size: 'thumbSize',
    thumb_width: 'thumbWidth',
    thumb_height: 'thumbHeight',
    created_at: 'createdAt',
  },
  chat_groups: {
    app_id: 'appId',
    group_id: 'groupId',
    name: 'name',
    avatar_uri: 'avatarUri',
    owner_id: 'ownerId',
    description: 'description',
    announcement: 'announcement',
    announcement_by: 'announcementBy',
    announcement_at: 'announcementAt',
    announcement_seq: 'announcementSeq',
    pending_events_json: 'pendingEventsJson',
    muted_all: 'mutedAll',
    join_policy: 'joinPolicy',
    member_count: 'memberCount',
    join_count: 'joinCount',
    version: 'version',
    created_at: 'createdAt',
    updated_at: 'updatedAt',
  },
  group_members: {
    app_id: 'appId',
    group_id: 'groupId',
    user_id: 'userId',
    role: 'role',
    joined_at: 'joinedAt',
    join_index: 'joinIndex',
    nickname: 'nickname',
    muted_until: 'mutedUntil',
  },
  conversations: {
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
  },
  messages: {
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
  },
  sessions: {
    app_id: 'appId',
    user_id: 'userId',
    conversation_id: 'conversationId',
    sid: 'sid',
    conversation_type: 'conversationType',
    target_id: 'targetId',
    read_seq: 'readSeq',
    do_not_disturb: 'doNotDisturb',
    created_at: 'createdAt',
    ended_msg_id: 'endedMsgId',
    ended_seq: 'endedSeq',
    ended_sender: 'endedSender',
    ended_preview: 'endedPreview',
    ended_at: 'endedAt',
  },
} as const satisfies Record<string, Record<string, string>>;

export type Table = keyof typeof COLUMNS;

/** Primary keys (or, for messages, the unique key of a row's place), in index order. */
export const KEYS = {
  tenants: ['tenant_id'],
  console_tokens: ['token_hash'],
  apps: ['app_id'],
  users: ['app_id', 'user_id'],
  user_tokens: ['app_id', 'token_hash'],
  blocks: ['app_id', 'user_id', 'blocked_user_id'],
  friend_requests: ['app_id', 'request_id'],
  friends: ['app_id', 'user_id', 'friend_id'],
  friend_groups: ['app_id', 'user_id', 'friend_group_id'],
  join_requests: ['app_id', 'request_id'],
  files: ['app_id', 'file_id'],
  chat_groups: ['app_id', 'group_id'],
  group_members: ['app_id', 'group_id', 'user_id'],
  conversations: ['app_id', 'conversation_id'],
  messages: ['app_id', 'conversation_id', 'seq'],
  sessions: ['app_id', 'user_id', 'conversation_id'],
} as const satisfies Record<Table, readonly string[]>;

/** A plain insert of a whole row: a taken key is refused. */
export function insertInto(table: Table): string {
  const columns: Record<string, string> = COLUMNS[table];
  return `INSERT INTO ${table} (${Object.keys(columns).join(', ')}) VALUES (${Object.values(columns).map((param) => `@${param}`).join(', ')})`;
}

/**
 * Insert, or update every other column of the row with the same key. A row that breaks another
 * unique index (a tenant's email taken by another tenant, a msgId at another seq) is refused,
 * not allowed to delete the row it meets as `INSERT OR REPLACE` would.
 */
export function upsertInto(table: Table): string {
  const key: readonly string[] = KEYS[table];
  const updates = Object.keys(COLUMNS[table])
    .filter((column) => !key.includes(column))
    .map((column) => `${column} = excluded.${column}`);
  return `${insertInto(table)} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}
