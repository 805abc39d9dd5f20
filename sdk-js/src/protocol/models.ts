import type { ConversationType, FileCategory, FriendRequestStatus, GroupJoinPolicy, GroupRole, JoinRequestStatus, MessageType, Platform } from './constants.js';
import type { MessageContentMap } from './content.js';

/** The sender as shown beside a message. */
export interface SendUser {
  name: string;
  avatarUri: string;
}

/**
 * The sender's own session for the conversation a message belongs to: what the sender's
 * conversation list shows (for a private chat, titled with the other user).
 */
export interface SendSession {
  sid: string;
  title: string;
  avatar: string;
}

/** What every message carries, whatever its type. */
export interface MessageBase {
  /** Unique id (24 hex characters, ObjectId format). */
  msgId: string;
  /** Position in its conversation: 1, 2, 3, ... strictly increasing. Use it to find gaps. */
  seq: number;
  /** Idempotency key given by the sender, or null (always null for a group event). */
  clientMsgId: string | null;
  conversationType: ConversationType;
  senderUserId: string;
  /** Private chat: the recipient's userId. Group chat: the groupId. */
  targetId: string;
  /** Time the server stored the message, ISO 8601 in UTC (e.g. `2026-11-23T07:08:13.000Z`). */
  date: string;
  /** Same instant as `date`, in milliseconds since the Unix epoch. */
  timestamp: number;
  sendUser: SendUser;
  /** Present on the result of a send: the sender's session for this conversation. */
  sendSession?: SendSession;
}

/**
 * A message that was not recalled, of type `T`: its `content` has that type's fields, so
 * checking `messageType` narrows it.
 *
 * @example
 * ```ts
 * if (message.recall === null && message.messageType === MessageType.IMAGE) show(message.content.thumbUrl ?? message.content.url);
 * ```
 */
export type LiveMessage<T extends MessageType = MessageType> = T extends MessageType
  ? MessageBase & { messageType: T; content: MessageContentMap[T]; recall: null }
  : never;

/** A recalled message: its content is gone (`{}`), `recall` says who recalled it and when. */
export type RecalledMessage = MessageBase & { messageType: MessageType; content: Record<string, never>; recall: MessageRecall };

/** A stored message, as returned by sends and history: live (typed by `messageType`) or recalled. */
export type Message = LiveMessage | RecalledMessage;

/** Who recalled a message, and when. */
export interface MessageRecall {
  /** The sender, a group owner or admin, or `null` when the tenant's backend recalled it. */
  by: string | null;
  /** Milliseconds since epoch. */
  at: number;
}

/** Summary of the newest message of a session. */
export interface LastMessage {
  msgId: string;
  seq: number;
  senderUserId: string;
  messageType: MessageType;
  /** Text to show in a conversation list: the text itself, a caption, or a placeholder such as `[Image]` or `[Recalled]`. */
  content: string;
  date: string;
  timestamp: number;
}

/** One entry of a user's conversation list. */
export interface Session {
  /** This user's session id (24 hex); other members have their own sid for the same conversation. */
  sid: string;
  conversationType: ConversationType;
  /** Private chat: the other user's id. Group chat: the groupId. */
  targetId: string;
  /** Messages after `readSeq`: `lastSeq - readSeq`, never negative. */
  unread: number;
  /** Private chat: the other user's name. Group chat: the group name. */
  title: string;
  /** Private chat: the other user's avatar. Group chat: the group avatar. */
  avatar: string;
  /** Newest message, or null when the conversation has none yet (a new group). */
  lastMsg: LastMessage | null;
  /** `seq` of the newest message, 0 when there is none. */
  lastSeq: number;
  /** Highest `seq` this user has read. */
  readSeq: number;
  /** Milliseconds since epoch of the last activity (newest message, or creation). */
  updatedAt: number;
  /**
   * The user asked not to be notified of this conversation ("do not disturb"): its messages are
   * still delivered and counted unread; an app shows no alert or badge sound for them, and push
   * notifications honour it.
   */
  doNotDisturb: boolean;
  /**
   * Groups: you are no longer in it (you left or were removed, or it was dismissed). The
   * conversation stops for you at the event that says so: it is `lastMsg`, `lastSeq` is its seq,
   * and history reads up to it. Always false for private chats.
   */
  ended: boolean;
}

/** A user of an app, as the tenant's backend registered it with `/user/getToken`. */
export interface User {
  userId: string;
  name: string;
  avatarUri: string;
}

/** A member of a group. */
export interface GroupMember extends User {
  role: GroupRole;
  /** Milliseconds since epoch. */
  joinedAt: number;
  /** The member's name in this group ("group card"), shown as the sender name of their messages there; '' for none. */
  nickname: string;
  /** Until when the member may not send (milliseconds since epoch); null when not muted (a mute that ended reads null). */
  mutedUntil: number | null;
}

/**
 * A request to join a group that its owner or an admin decides: the user asked themselves (a
 * group with the `approval` join policy), or an ordinary member invited them.
 */
export interface JoinRequest {
  /** 24 hex characters. */
  requestId: string;
  groupId: string;
  /** Who would join. */
  user: User;
  /** The member who invited them, or null when they asked themselves. */
  inviter: User | null;
  /** What the requester wrote; may be empty. */
  message: string;
  status: JoinRequestStatus;
  /** Milliseconds since epoch. */
  createdAt: number;
  /** Who decided it (null for the tenant's backend, and while pending). */
  decidedBy: string | null;
  /** Milliseconds since epoch; null while pending. */
  decidedAt: number | null;
}

/** A group's notice, and who set it when. */
export interface GroupAnnouncement {
  text: string;
  /** Who set it: a member, or null for the tenant's backend. */
  by: string | null;
  /** Milliseconds since epoch. */
  at: number;
  /**
   * `seq` of the `announcement-changed` event that set it, in the group's conversation: show the
   * announcement as unread while the session's `readSeq` is below it. Null for a moment while
   * that event is written, and for announcements set before Parley kept it.
   */
  seq: number | null;
}

/** A group and its headline facts. */
export interface Group {
  groupId: string;
  name: string;
  avatarUri: string;
  ownerId: string;
  /** What the group is about; '' for none. */
  description: string;
  /** The current announcement, or null for none. */
  announcement: GroupAnnouncement | null;
  /** True while only the owner and admins may send. */
  mutedAll: boolean;
  /** Who may join, and how. */
  joinPolicy: GroupJoinPolicy;
  memberCount: number;
  /** Milliseconds since epoch. */
  createdAt: number;
}

/**
 * An uploaded file, as `POST /file/upload` answers it. Every fact comes from the bytes, not from
 * the name or the header the uploader sent: `mimeType` and `category` from the file's signature,
 * `width`/`height` from the image, `duration` from the audio or video container when it says it.
 */
export interface UploadedFile {
  /** Unguessable id of the file (32 hex characters). */
  fileId: string;
  /** Where the file is served; put it in a message's `content.url`. Signed and expiring when the app's files are private. */
  url: string;
  /** The name it was uploaded with (for display and downloads; never used to store it). */
  name: string;
  /** Bytes. */
  size: number;
  /** The type sniffed from the bytes, e.g. `image/png`; `application/octet-stream` when unknown. */
  mimeType: string;
  category: FileCategory;
  /** Images: pixels, from the file. */
  width?: number;
  height?: number;
  /** Audio and video: seconds, when the container says it. */
  duration?: number;
  /** Images: a smaller copy, at most 400 px on its longest side. */
  thumbUrl?: string;
  /** Milliseconds since the Unix epoch. */
  createdAt: number;
}

/** A user on someone's block list. */
export interface BlockedUser {
  userId: string;
  /** The blocked user's display name. */
  name: string;
  avatarUri: string;
  /** When the block was made, milliseconds since epoch. */
  blockedAt: number;
}

/**
 * A friend request: `from` asks `to` to become friends. Both users see it (the recipient among
 * their incoming requests, the requester among their outgoing ones) until it is answered, and
 * with its outcome afterwards.
 */
export interface FriendRequest {
  /** 24 hex characters. */
  requestId: string;
  /** The requester, with their name and avatar. */
  from: User;
  /** The recipient, with their name and avatar. */
  to: User;
  /** What the requester wrote; may be empty. */
  message: string;
  status: FriendRequestStatus;
  /** Milliseconds since epoch. */
  createdAt: number;
  /** When it was accepted or rejected; null while pending. */
  decidedAt: number | null;
}

/** One of the user's friends, as the user sees them (the remark and friend group are the user's own). */
export interface Friend extends User {
  /** The name the user gives this friend (alias); empty for none. Show it instead of `name` when set. */
  remark: string;
  /** The user's friend group this friend is in; null for none. */
  friendGroupId: string | null;
  /** When they became friends, milliseconds since epoch. */
  friendsSince: number;
}

/** A friend with their presence, as the contact list shows them. */
export interface Contact extends Friend {
  /** Whether at least one of the friend's devices is connected. */
  online: boolean;
  /** Platforms of the connected devices (empty when offline). */
  platforms: Platform[];
  /** Milliseconds since epoch when the last device left; null while online or never seen. */
  lastSeenAt: number | null;
}

/** A named section of the user's friend list ("Family", "Work"). */
export interface FriendGroup {
  /** 24 hex characters. */
  friendGroupId: string;
  name: string;
  /** Position in the list, ascending. */
  order: number;
  /** Milliseconds since epoch. */
  createdAt: number;
}

/** The user's contact list: their friend groups in order, and every friend with presence. */
export interface ContactList {
  friendGroups: FriendGroup[];
  /** Oldest friendship first. */
  friends: Contact[];
}

/** The user's friend requests, newest first: to them (`incoming`) and from them (`outgoing`), pending and answered. */
export interface FriendRequestList {
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
}
