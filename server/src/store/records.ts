import type { AppSettings, ConversationType, FileCategory, GroupEventContent, GroupJoinPolicy, GroupRole, MessageContent, MessageType } from '@parley/sdk/protocol';

/**
 * What the store keeps. Times are milliseconds since the Unix epoch. Records of one app never
 * mention another app; the app is the scope they are read and written through.
 */

export interface TenantRecord {
  tenantId: string;
  /** Lower-cased. */
  email: string;
  /** Self-describing KDF output (see domain/tenants/password.ts); never the password. */
  passwordHash: string;
  createdAt: number;
}

export interface ConsoleTokenRecord {
  /** SHA-256 of the bearer token. */
  tokenHash: string;
  tenantId: string;
  createdAt: number;
  expiresAt: number;
}

export interface AppRecord {
  appId: string;
  tenantId: string;
  appName: string;
  description: string;
  /** Needed in clear to verify MD5 signatures; never logged or returned outside the console. */
  secret: string;
  /** The secret before the last rotation, accepted until `previousSecretValidUntil`. */
  previousSecret: string | null;
  previousSecretValidUntil: number | null;
  settings: AppSettings;
  createdAt: number;
  updatedAt: number;
}

export interface UserRecord {
  userId: string;
  name: string;
  avatarUri: string;
  createdAt: number;
  updatedAt: number;
}

export interface UserTokenRecord {
  /** SHA-256 of the bearer token. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  /** Set when the token was revoked before it expired. */
  revokedAt: number | null;
}

export interface MemberRecord {
  userId: string;
  role: GroupRole;
  joinedAt: number;
  /** Position in join order: 0 for the first member the group ever had, counting every join. */
  joinIndex: number;
  /** The member's name in this group ("group card"); '' for none (their user name is shown). */
  nickname: string;
  /** Until when the member may not send (milliseconds since epoch); null when not muted. */
  mutedUntil: number | null;
}

/**
 * A group without its members, who are stored one record each (see `GroupRepo`): a group of
 * thousands is read, checked and paged without loading them all.
 */
export interface GroupRecord {
  groupId: string;
  name: string;
  avatarUri: string;
  ownerId: string;
  description: string;
  /** The group's notice; '' for none. */
  announcement: string;
  /** Who set the announcement (null for the tenant's backend), and when; null while there is none. */
  announcementBy: string | null;
  announcementAt: number | null;
  /**
   * `seq` of the `announcement-changed` event that set the announcement; null while there is
   * none, and for the moment between the change and its event.
   */
  announcementSeq: number | null;
  /** Only the owner and admins may send. */
  mutedAll: boolean;
  /** Who may join, and how. */
  joinPolicy: GroupJoinPolicy;
  memberCount: number;
  /** Joins so far (the next member's `joinIndex`). */
  joinCount: number;
  /**
   * Group events decided with a change and written in the same compare-and-set, oldest first,
   * until they are in the conversation: a process that dies between the change and its event
   * leaves the event here, and the next read or write of the group stores it. Usually empty.
   */
  pendingEvents: PendingGroupEvent[];
  /** Bumped by every write; writers compare-and-set on it. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A group event waiting in its group's record to be stored in the group's conversation. */
export interface PendingGroupEvent {
  /** Names the event; its message's idempotency key, so storing it twice stores it once. */
  eventId: string;
  /** What happened, without its sentence (worded with the names when it is stored). */
  facts: Omit<GroupEventContent, 'content'>;
  /** A join that approves this join request: the request is left to its answer. */
  answering: string | null;
  /** The last members left or were removed: the group is dismissed once the event is stored. */
  endsGroup: boolean;
}

/** Summary of a conversation's newest message, kept on the conversation for session lists. */
export interface LastMessageRecord {
  msgId: string;
  seq: number;
  senderUserId: string;
  messageType: MessageType;
  preview: string;
  timestamp: number;
}

export interface ConversationRecord {
  /** `p:<userA>:<userB>` with the two ids sorted, or `g:<groupId>`. */
  conversationId: string;
  conversationType: ConversationType;
  /** `seq` of the newest message; 0 before the first. */
  lastSeq: number;
  lastMessage: LastMessageRecord | null;
  createdAt: number;
  updatedAt: number;
}

/** Content as stored: valid for the message's type when it was sent; `{}` once recalled. */
export type StoredContent = MessageContent | Record<string, never>;

export interface MessageRecord {
  msgId: string;
  conversationId: string;
  seq: number;
  conversationType: ConversationType;
  senderUserId: string;
  targetId: string;
  messageType: MessageType;
  content: StoredContent;
  clientMsgId: string | null;
  timestamp: number;
  /** Set when the message was recalled; `content` is then `{}`. */
  recall: RecallRecord | null;
}

export interface RecallRecord {
  /** Who recalled it; null for the tenant's backend. */
  by: string | null;
  at: number;
}

/** One user's view of one conversation: where they have read up to. */
export interface SessionRecord {
  sid: string;
  userId: string;
  conversationId: string;
  conversationType: ConversationType;
  /** The other user (private) or the group (group). */
  targetId: string;
  readSeq: number;
  /** The user asked not to be notified of this conversation ("do not disturb"); messages are still delivered. */
  doNotDisturb: boolean;
  createdAt: number;
  /**
   * Set when the user stopped being in the conversation's group (left, removed, or the group was
   * dismissed): the group event that ended it. The session stays, so a device that was offline
   * still finds the conversation and reads it up to that event, and no further. Null while in it.
   */
  ended: SessionEnd | null;
}

/** The group event (a `GROUP_EVENT` message) that ended a user's session: where the conversation stops for them. */
export interface SessionEnd {
  msgId: string;
  seq: number;
  /** Who did it ('' for the tenant's backend or the server). */
  senderUserId: string;
  /** The event's text, as the session list shows it. */
  preview: string;
  timestamp: number;
}

/** A session to create when missing: read up to `initialReadSeq`, notifications on, not ended. */
export type NewSession = Omit<SessionRecord, 'readSeq' | 'doNotDisturb' | 'ended'> & { initialReadSeq: number };

/** An uploaded file: what it is; its bytes live in the file storage under (appId, fileId). */
export interface FileRecord {
  /** 32 lowercase hex characters, made by the server; unique within the app. */
  fileId: string;
  /** The user whose token uploaded it; null when the app's backend uploaded it (signed request). */
  uploaderUserId: string | null;
  /** The name it was uploaded with (display and downloads only; never a storage path). 1-255 chars. */
  name: string;
  /** Sniffed from the bytes. */
  mimeType: string;
  category: FileCategory;
  size: number;
  width: number | null;
  height: number | null;
  /** Seconds, for audio and video when the container says it. */
  duration: number | null;
  /** The image's thumbnail, stored as variant 'thumb' beside the file; null when there is none. */
  thumb: { size: number; width: number; height: number } | null;
  createdAt: number;
}

/** One user's block of another: the blocked user's private messages, typing and requests to the blocker are refused. */
export interface BlockRecord {
  /** Who blocks. */
  userId: string;
  /** Who is blocked. */
  blockedUserId: string;
  createdAt: number;
}

/** A friend request and, once answered, its outcome. */
export interface FriendRequestRecord {
  /** 24 hex characters. */
  requestId: string;
  fromUserId: string;
  toUserId: string;
  /** What the requester wrote ("Hi, it's Bob from the book club"); may be empty. */
  message: string;
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: number;
  /** When it was accepted or rejected; null while pending. */
  decidedAt: number | null;
  /**
   * The recipient blocks the requester: the request is kept for the requester (who sees it
   * pending) but never shown to the recipient.
   */
  dropped: boolean;
}

/**
 * A request to join a group: by the user themselves (a group with the `approval` join policy), or
 * an invitation by an ordinary member that the owner or an admin must approve.
 */
export interface JoinRequestRecord {
  /** 24 hex characters. */
  requestId: string;
  groupId: string;
  /** Who would join. */
  userId: string;
  /** The member who invited them; null when they asked themselves. */
  inviterId: string | null;
  /** What the requester wrote; may be empty. */
  message: string;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: number;
  /** Who approved or rejected it (null for the tenant's backend), and when; null while pending. */
  decidedBy: string | null;
  decidedAt: number | null;
}

/** One side of a friendship: each friend keeps their own remark and friend group for the other. */
export interface FriendRecord {
  userId: string;
  friendId: string;
  /** The name `userId` gives `friendId` (alias); empty for none. */
  remark: string;
  /** The friend group of `userId`'s list the friend is in; null for none. */
  friendGroupId: string | null;
  createdAt: number;
}

/** A named section of one user's friend list. */
export interface FriendGroupRecord {
  userId: string;
  /** 24 hex characters. */
  friendGroupId: string;
  name: string;
  /** Position in the user's list, ascending. */
  order: number;
  createdAt: number;
}
