/**
 * Numeric and string constants of the Parley wire protocol.
 *
 * Values are part of the public contract: they are never renumbered or reused. New kinds are
 * appended after the existing ones.
 */

/** Kind of a conversation ("session"). */
export const ConversationType = {
  /** One-to-one chat between two users of the same app. */
  PRIVATE: 1,
  /** Chat in a group; messages are stored once and read by every member. */
  GROUP: 2,
} as const;
export type ConversationType = (typeof ConversationType)[keyof typeof ConversationType];

/** Kind of a message; decides which fields its `content` object must carry. */
export const MessageType = {
  TEXT: 1,
  VOICE: 2,
  IMAGE: 3,
  FILE: 4,
  LOCATION: 5,
  CUSTOM: 6,
  VIDEO: 7,
  /**
   * Something happened to a group (a member joined, left, was muted; the name changed, ...),
   * written by the server into the group's conversation: it has a `seq` and shows in history, sync
   * and `lastMsg` like any message. Users and backends cannot send it; its content is a
   * {@link GroupEventContent}.
   */
  GROUP_EVENT: 8,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
/** The message types users and backends send; {@link MessageType.GROUP_EVENT} is the server's own. */
export type SendableMessageType = Exclude<MessageType, typeof MessageType.GROUP_EVENT>;

/** What a {@link MessageType.GROUP_EVENT} message reports (its content's `event`). */
export const GroupEventKind = {
  /** `userIds` joined: invited or added (`operatorId` did it), approved (`requestId` is their request), or by themselves (`operatorId` is one of them). */
  JOINED: 'joined',
  /** `userIds` left by themselves. */
  LEFT: 'left',
  /** `operatorId` removed `userIds`. */
  REMOVED: 'removed',
  /** `operatorId` muted `userIds` until `mutedUntil`. */
  MUTED: 'muted',
  /** `operatorId` lifted the mute of `userIds`. */
  UNMUTED: 'unmuted',
  /** `operatorId` muted everyone but the owner and admins (`mutedAll` true), or lifted it (false). */
  MUTED_ALL: 'muted-all',
  /** `operatorId` made `userIds` admins or members again (`role`). */
  ROLE_CHANGED: 'role-changed',
  /** `ownerId` is the owner now, after `previousOwnerId` (handed over by `operatorId`, or on leaving). */
  OWNER_CHANGED: 'owner-changed',
  /** `operatorId` changed the group's name, avatar, description or join policy: the fields present are the new values. */
  INFO_CHANGED: 'info-changed',
  /** `operatorId` set the announcement to `announcement` ('' when it was cleared). */
  ANNOUNCEMENT_CHANGED: 'announcement-changed',
  /** `operatorId` dismissed the group: the last message of its history; every member's session ends at it. */
  DISMISSED: 'dismissed',
} as const;
export type GroupEventKind = (typeof GroupEventKind)[keyof typeof GroupEventKind];

/** Who may join a group, and how (group setting `joinPolicy`). */
export const GroupJoinPolicy = {
  /** Anyone of the app may join by themselves; members may invite. */
  FREE: 'free',
  /** Joining by oneself is a request that the owner or an admin approves; invitations by ordinary members too. */
  APPROVAL: 'approval',
  /** Nobody joins by themselves; members invite, and are added at once (default). */
  INVITE: 'invite',
} as const;
export type GroupJoinPolicy = (typeof GroupJoinPolicy)[keyof typeof GroupJoinPolicy];

/** Role of a member inside a group. */
export const GroupRole = {
  OWNER: 'owner',
  ADMIN: 'admin',
  MEMBER: 'member',
} as const;
export type GroupRole = (typeof GroupRole)[keyof typeof GroupRole];

/** Hard limits the server enforces; tenants can lower some of them per app. */
export const Limits = {
  /** Longest accepted userId, groupId, clientMsgId or nonce_str. */
  ID_MAX_LENGTH: 64,
  /** Largest page of `/session/messages`. */
  MESSAGE_PAGE_MAX: 100,
  /** Page size of `/session/messages` when `limit` is omitted. */
  MESSAGE_PAGE_DEFAULT: 20,
  /** Most userIds one group request may carry. */
  USER_IDS_PER_REQUEST_MAX: 500,
  /** Largest page of `/group/members` (`limit`). */
  GROUP_MEMBER_PAGE_MAX: 1000,
  /** Largest page of a group's pending join requests (`limit`), and most of a user's own listed. */
  JOIN_REQUEST_PAGE_MAX: 100,
  /** Longest mute of a group member (`duration` of `/group/mute`), in seconds: 366 days. */
  GROUP_MUTE_SECONDS_MAX: 366 * 24 * 3600,
  /** Longest group nickname, in characters. */
  GROUP_NICKNAME_MAX: 64,
  /** Longest group description and announcement, in characters. */
  GROUP_TEXT_MAX: 2000,
  /**
   * Default largest request body and socket.io packet, in bytes (the server's `MAX_BODY_BYTES`
   * and the SDK's `maxPayloadBytes`): 1 MiB.
   */
  PACKET_BYTES_DEFAULT: 1_048_576,
  /** Largest `extra` object of a message's content, in bytes of UTF-8 JSON. */
  CONTENT_EXTRA_MAX_BYTES: 4096,
  /** Default largest upload of an app (console setting `maxUploadBytes`): 20 MiB. */
  UPLOAD_BYTES_DEFAULT: 20 * 1_048_576,
  /** Longest side of an image thumbnail, in pixels. */
  THUMBNAIL_MAX_SIDE: 400,
} as const;

/**
 * What an uploaded file is, decided from its bytes (never from its name). An app allows some
 * of these (console setting `uploadCategories`); the server refuses the rest.
 */
export const FileCategory = {
  /** JPEG, PNG, GIF, WebP, AVIF: shown inline, with dimensions and a thumbnail. */
  IMAGE: 'image',
  /** MP3, M4A/AAC, Ogg/Opus, WAV, FLAC, AMR, WebM audio. */
  AUDIO: 'audio',
  /** MP4, QuickTime, WebM, Matroska, 3GP. */
  VIDEO: 'video',
  /** Anything else (documents, archives, text, SVG, ...): always served as a download. */
  FILE: 'file',
} as const;
export type FileCategory = (typeof FileCategory)[keyof typeof FileCategory];

/** Kinds of device, for the login policy and presence. */
export const Platform = {
  WEB: 'web',
  IOS: 'ios',
  ANDROID: 'android',
  DESKTOP: 'desktop',
  /** Servers, bots, scripts. */
  OTHER: 'other',
} as const;
export type Platform = (typeof Platform)[keyof typeof Platform];

/** How many devices of one user may be connected at once (per app, console setting `loginPolicy`). */
export const LoginPolicy = {
  /** Any number of devices on any platforms (default). */
  MULTI_DEVICE: 'multi-device',
  /** One device per platform: a new login on a platform disconnects the older one, with a `kicked` event. */
  ONE_PER_PLATFORM: 'one-per-platform',
} as const;
export type LoginPolicy = (typeof LoginPolicy)[keyof typeof LoginPolicy];

/** Whose presence a user may see and whom they may send typing to (per app, console setting `presenceScope`). */
export const PresenceScope = {
  /** Only their friends and users they share a conversation with: a private chat with a message, or a group (default). */
  CONTACTS: 'contacts',
  /** Any user of the app. */
  APP: 'app',
} as const;
export type PresenceScope = (typeof PresenceScope)[keyof typeof PresenceScope];

/** Who may send a user a private message (per app, console setting `messagePolicy`). */
export const MessagePolicy = {
  /** Any user of the app ("temporary chat"; default). */
  ANYONE: 'anyone',
  /** Only the user's friends; others get `NOT_FRIENDS`. Groups are not affected. */
  FRIENDS: 'friends',
} as const;
export type MessagePolicy = (typeof MessagePolicy)[keyof typeof MessagePolicy];

/** Where a friend request stands. */
export const FriendRequestStatus = {
  /** Waiting for the recipient to accept or reject it. */
  PENDING: 'pending',
  /** The two users are friends (or were, when it was accepted). */
  ACCEPTED: 'accepted',
  /** The recipient said no; the requester may ask again. */
  REJECTED: 'rejected',
} as const;
export type FriendRequestStatus = (typeof FriendRequestStatus)[keyof typeof FriendRequestStatus];

/** Where a request to join a group stands. */
export const JoinRequestStatus = {
  /** Waiting for the group's owner or an admin. */
  PENDING: 'pending',
  /** The user was added to the group. */
  APPROVED: 'approved',
  /** The owner or an admin said no; the user may ask again. */
  REJECTED: 'rejected',
} as const;
export type JoinRequestStatus = (typeof JoinRequestStatus)[keyof typeof JoinRequestStatus];
