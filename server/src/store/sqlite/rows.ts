import type { AppSettings, ConversationType, FileCategory, GroupJoinPolicy, GroupRole, MessageContent, MessageType } from '@parley/sdk/protocol';
import type {
  AppRecord,
  BlockRecord,
  ConsoleTokenRecord,
  ConversationRecord,
  FileRecord,
  FriendGroupRecord,
  FriendRecord,
  FriendRequestRecord,
  GroupRecord,
  JoinRequestRecord,
  MemberRecord,
  MessageRecord,
  PendingGroupEvent,
  SessionRecord,
  TenantRecord,
  UserRecord,
  UserTokenRecord,
} from '../records.js';

/**
 * The rows of schema.ts as the driver returns them, and the mappers to records. JSON columns
 * (settings, message content) are parsed on every read, so each record handed out is a fresh
 * copy that nothing else holds.
 */

export interface TenantRow {
  tenant_id: string;
  email: string;
  password_hash: string;
  created_at: number;
}
export const toTenant = (row: TenantRow): TenantRecord => ({ tenantId: row.tenant_id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at });

export interface ConsoleTokenRow {
  token_hash: string;
  tenant_id: string;
  created_at: number;
  expires_at: number;
}
export const toConsoleToken = (row: ConsoleTokenRow): ConsoleTokenRecord => ({
  tokenHash: row.token_hash,
  tenantId: row.tenant_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface AppRow {
  app_id: string;
  tenant_id: string;
  app_name: string;
  description: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_valid_until: number | null;
  settings_json: string;
  created_at: number;
  updated_at: number;
}
export const toApp = (row: AppRow): AppRecord => ({
  appId: row.app_id,
  tenantId: row.tenant_id,
  appName: row.app_name,
  description: row.description,
  secret: row.secret,
  previousSecret: row.previous_secret,
  previousSecretValidUntil: row.previous_secret_valid_until,
  // Written only by this adapter from a validated AppSettings.
  settings: JSON.parse(row.settings_json) as AppSettings,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const appParams = (app: AppRecord) => ({
  appId: app.appId,
  tenantId: app.tenantId,
  appName: app.appName,
  description: app.description,
  secret: app.secret,
  previousSecret: app.previousSecret,
  previousSecretValidUntil: app.previousSecretValidUntil,
  settingsJson: JSON.stringify(app.settings),
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
});

export interface UserRow {
  user_id: string;
  name: string;
  avatar_uri: string;
  created_at: number;
  updated_at: number;
}
export const toUser = (row: UserRow): UserRecord => ({ userId: row.user_id, name: row.name, avatarUri: row.avatar_uri, createdAt: row.created_at, updatedAt: row.updated_at });

export interface UserTokenRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}
export const toUserToken = (row: UserTokenRow): UserTokenRecord => ({
  tokenHash: row.token_hash,
  userId: row.user_id,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

export interface BlockRow {
  user_id: string;
  blocked_user_id: string;
  created_at: number;
}
export const toBlock = (row: BlockRow): BlockRecord => ({ userId: row.user_id, blockedUserId: row.blocked_user_id, createdAt: row.created_at });

export interface FriendRequestRow {
  request_id: string;
  from_user_id: string;
  to_user_id: string;
  message: string;
  status: FriendRequestRecord['status'];
  created_at: number;
  decided_at: number | null;
  /** 0 or 1. */
  dropped: number;
}
export const toFriendRequest = (row: FriendRequestRow): FriendRequestRecord => ({
  requestId: row.request_id,
  fromUserId: row.from_user_id,
  toUserId: row.to_user_id,
  message: row.message,
  status: row.status,
  createdAt: row.created_at,
  decidedAt: row.decided_at,
  dropped: row.dropped !== 0,
});
/** A request's columns (`dropped` as 0 or 1: SQLite has no booleans). */
export const friendRequestParams = (request: FriendRequestRecord) => ({
  requestId: request.requestId,
  fromUserId: request.fromUserId,
  toUserId: request.toUserId,
  message: request.message,
  status: request.status,
  createdAt: request.createdAt,
  decidedAt: request.decidedAt,
  dropped: request.dropped ? 1 : 0,
});

export interface FriendRow {
  user_id: string;
  friend_id: string;
  remark: string;
  friend_group_id: string | null;
  created_at: number;
}
export const toFriend = (row: FriendRow): FriendRecord => ({
  userId: row.user_id,
  friendId: row.friend_id,
  remark: row.remark,
  friendGroupId: row.friend_group_id,
  createdAt: row.created_at,
});

export interface FriendGroupRow {
  user_id: string;
  friend_group_id: string;
  name: string;
  sort_order: number;
  created_at: number;
}
export const toFriendGroup = (row: FriendGroupRow): FriendGroupRecord => ({
  userId: row.user_id,
  friendGroupId: row.friend_group_id,
  name: row.name,
  order: row.sort_order,
  createdAt: row.created_at,
});

export interface JoinRequestRow {
  request_id: string;
  group_id: string;
  user_id: string;
  inviter_id: string | null;
  message: string;
  status: JoinRequestRecord['status'];
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
}
export const toJoinRequest = (row: JoinRequestRow): JoinRequestRecord => ({
  requestId: row.request_id,
  groupId: row.group_id,
  userId: row.user_id,
  inviterId: row.inviter_id,
  message: row.message,
  status: row.status,
  createdAt: row.created_at,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
});

export interface FileRow {
  file_id: string;
  uploader_user_id: string | null;
  name: string;
  mime_type: string;
  category: string;
  size: number;
  width: number | null;
  height: number | null;
  duration: number | null;
  thumb_size: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  created_at: number;
}
export const toFile = (row: FileRow): FileRecord => ({
  fileId: row.file_id,
  uploaderUserId: row.uploader_user_id,
  name: row.name,
  mimeType: row.mime_type,
  // Written only by this adapter from a FileRecord.
  category: row.category as FileCategory,
  size: row.size,
  width: row.width,
  height: row.height,
  duration: row.duration,
  // The schema keeps the three thumbnail columns all set or all null.
  thumb: row.thumb_size === null ? null : { size: row.thumb_size, width: row.thumb_width ?? 0, height: row.thumb_height ?? 0 },
  createdAt: row.created_at,
});
export const fileParams = ({ thumb, ...file }: FileRecord) => ({
  fileId: file.fileId,
  uploaderUserId: file.uploaderUserId,
  name: file.name,
  mimeType: file.mimeType,
  category: file.category,
  size: file.size,
  width: file.width,
  height: file.height,
  duration: file.duration,
  thumbSize: thumb?.size ?? null,
  thumbWidth: thumb?.width ?? null,
  thumbHeight: thumb?.height ?? null,
  createdAt: file.createdAt,
});

export interface GroupRow {
  group_id: string;
  name: string;
  avatar_uri: string;
  owner_id: string;
  description: string;
  announcement: string;
  announcement_by: string | null;
  announcement_at: number | null;
  announcement_seq: number | null;
  pending_events_json: string;
  /** 0 or 1. */
  muted_all: number;
  join_policy: string;
  member_count: number;
  join_count: number;
  version: number;
  created_at: number;
  updated_at: number;
}
export const toGroup = (row: GroupRow): GroupRecord => ({
  groupId: row.group_id,
  name: row.name,
  avatarUri: row.avatar_uri,
  ownerId: row.owner_id,
  description: row.description,
  announcement: row.announcement,
  announcementBy: row.announcement_by,
  announcementAt: row.announcement_at,
  announcementSeq: row.announcement_seq,
  pendingEvents: JSON.parse(row.pending_events_json) as PendingGroupEvent[],
  mutedAll: row.muted_all !== 0,
  joinPolicy: row.join_policy as GroupJoinPolicy,
  memberCount: row.member_count,
  joinCount: row.join_count,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const groupParams = (group: GroupRecord) => ({
  groupId: group.groupId,
  name: group.name,
  avatarUri: group.avatarUri,
  ownerId: group.ownerId,
  description: group.description,
  announcement: group.announcement,
  announcementBy: group.announcementBy,
  announcementAt: group.announcementAt,
  announcementSeq: group.announcementSeq,
  pendingEventsJson: JSON.stringify(group.pendingEvents),
  mutedAll: group.mutedAll ? 1 : 0,
  joinPolicy: group.joinPolicy,
  memberCount: group.memberCount,
  joinCount: group.joinCount,
  version: group.version,
  createdAt: group.createdAt,
  updatedAt: group.updatedAt,
});

export interface MemberRow {
  user_id: string;
  role: string;
  joined_at: number;
  join_index: number;
  nickname: string;
  muted_until: number | null;
}
export const toMember = (row: MemberRow): MemberRecord => ({
  userId: row.user_id,
  role: row.role as GroupRole,
  joinedAt: row.joined_at,
  joinIndex: row.join_index,
  nickname: row.nickname,
  mutedUntil: row.muted_until,
});

export interface ConversationRow {
  conversation_id: string;
  conversation_type: number;
  last_seq: number;
  last_msg_id: string | null;
  last_sender_user_id: string | null;
  last_message_type: number | null;
  last_preview: string | null;
  last_timestamp: number | null;
  created_at: number;
  updated_at: number;
}
export const toConversation = (row: ConversationRow): ConversationRecord => ({
  conversationId: row.conversation_id,
  conversationType: row.conversation_type as ConversationType,
  lastSeq: row.last_seq,
  lastMessage:
    row.last_msg_id === null
      ? null
      : {
          msgId: row.last_msg_id,
          seq: row.last_seq,
          senderUserId: row.last_sender_user_id ?? '',
          messageType: row.last_message_type as MessageType,
          preview: row.last_preview ?? '',
          timestamp: row.last_timestamp ?? row.updated_at,
        },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface MessageRow {
  conversation_id: string;
  seq: number;
  msg_id: string;
  conversation_type: number;
  sender_user_id: string;
  target_id: string;
  message_type: number;
  content_json: string;
  client_msg_id: string | null;
  timestamp: number;
  recalled_at: number | null;
  recalled_by: string | null;
}
export const toMessage = (row: MessageRow): MessageRecord => ({
  msgId: row.msg_id,
  conversationId: row.conversation_id,
  seq: row.seq,
  conversationType: row.conversation_type as ConversationType,
  senderUserId: row.sender_user_id,
  targetId: row.target_id,
  messageType: row.message_type as MessageType,
  // Written only by this adapter, from content the domain validated.
  content: JSON.parse(row.content_json) as MessageContent,
  clientMsgId: row.client_msg_id,
  timestamp: row.timestamp,
  recall: row.recalled_at === null ? null : { by: row.recalled_by, at: row.recalled_at },
});

export interface SessionRow {
  sid: string;
  user_id: string;
  conversation_id: string;
  conversation_type: number;
  target_id: string;
  read_seq: number;
  /** 0 or 1. */
  do_not_disturb: number;
  created_at: number;
  /** All five set, or all null (not ended). */
  ended_msg_id: string | null;
  ended_seq: number | null;
  ended_sender: string | null;
  ended_preview: string | null;
  ended_at: number | null;
}
export const toSession = (row: SessionRow): SessionRecord => ({
  sid: row.sid,
  userId: row.user_id,
  conversationId: row.conversation_id,
  conversationType: row.conversation_type as ConversationType,
  targetId: row.target_id,
  readSeq: row.read_seq,
  doNotDisturb: row.do_not_disturb !== 0,
  createdAt: row.created_at,
  ended:
    row.ended_seq === null
      ? null
      : { msgId: row.ended_msg_id ?? '', seq: row.ended_seq, senderUserId: row.ended_sender ?? '', preview: row.ended_preview ?? '', timestamp: row.ended_at ?? 0 },
});
/** A session's columns (`doNotDisturb` as 0 or 1, `ended` as its five columns). */
export const sessionParams = ({ ended, ...session }: SessionRecord) => ({
  ...session,
  doNotDisturb: session.doNotDisturb ? 1 : 0,
  endedMsgId: ended?.msgId ?? null,
  endedSeq: ended?.seq ?? null,
  endedSender: ended?.senderUserId ?? null,
  endedPreview: ended?.preview ?? null,
  endedAt: ended?.timestamp ?? null,
});
