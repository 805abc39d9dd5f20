import type { ConversationType, Platform, SendableMessageType } from './constants.js';
import type { MessageContentMap } from './content.js';
import type { FailureEnvelope } from './errors.js';
import type { BlockedUser, ContactList, Friend, FriendGroup, FriendRequest, FriendRequestList, Group, GroupMember, JoinRequest, Message, Session } from './models.js';
import type { BlockUsersResult, FriendsChangeResult, GroupMembersChangeResult, InviteResult, JoinGroupResult, MuteGroupMembersRequest, TransferGroupRequest, UpdateGroupRequest } from './open-api.js';

/**
 * The socket protocol between an end user's device and Parley (socket.io underneath).
 *
 * Connect with `io(url, { auth: { appId, token, platform } })`. Every client request is an event
 * with an acknowledgement; the ack is `{status: 1, data}` or `{status: 0, code, message}`
 * ({@link Ack}). Pushes from the server are plain events without an ack.
 */

/** What a device sends in the socket.io handshake (`auth`, or the query string). */
export interface HandshakeAuth {
  /** The app the user belongs to. */
  appId: string;
  /** User token minted by the tenant's backend with `POST /user/getToken`. */
  token: string;
  /** The kind of device; decides which older device a new login replaces under the `one-per-platform` policy. Default `web`. */
  platform?: Platform;
}

/** Reply to every client request. */
export type Ack<T> = { status: 1; data: T } | FailureEnvelope;

/** Names a conversation from the receiving user's side: the other user (private) or the group. */
export interface ConversationRef {
  conversationType: ConversationType;
  /** Private: the other user's id. Group: the groupId. */
  targetId: string;
}

/**
 * `send-private-message` and `send-group-message`: one shape per message type, so `content` must
 * match `messageType` (`SendMessagePayload<3>` is an image message).
 */
export type SendMessagePayload<T extends SendableMessageType = SendableMessageType> = T extends SendableMessageType
  ? {
      /** Recipient user (private) or group (group). */
      targetId: string;
      messageType: T;
      content: MessageContentMap[T];
      /**
       * Idempotency key, unique per sender (1-64 characters). A resend with the same key returns the
       * first message and is not delivered twice. The SDK sets one for you.
       */
      clientMsgId?: string;
      /** Optional; when present it must be the connected user, as the sender is always the token's user. */
      senderUserId?: string;
    }
  : never;

/** `session-message-list`: a page of history, newest first. */
export interface SessionMessageListPayload {
  sid: string;
  /** 1-100, default 20. */
  limit?: number;
  /** Only messages older than this one. */
  lastmsgId?: string;
}

/** `set-session-read`: `{sid}` or the sid alone. */
export interface SetSessionReadPayload {
  sid: string;
  /** Read up to this seq; default the newest message. Never moves the mark backwards. */
  seq?: number;
}

/** Ack of `set-session-read`, and the `session-read` push to the reader's other devices. */
export interface SessionReadState extends ConversationRef {
  sid: string;
  /** Highest seq the user has read in this session. */
  readSeq: number;
  /** Unread messages left in this session. */
  unread: number;
}

/** `set-do-not-disturb`: notifications of one of your sessions off (true) or on. */
export interface SetDoNotDisturbPayload {
  sid: string;
  doNotDisturb: boolean;
}

/** A session's do-not-disturb flag, as `set-do-not-disturb` answers it and `session-do-not-disturb` pushes it. */
export interface SessionDoNotDisturbState extends ConversationRef {
  sid: string;
  doNotDisturb: boolean;
}

/** `sync-messages`: messages after a seq, oldest first, to fill a gap after a reconnect. */
export interface SyncMessagesPayload extends ConversationRef {
  /** The highest seq the device already has; 0 for everything. */
  afterSeq: number;
  /** 1-100, default 100. */
  limit?: number;
}

/** `recall-message`. */
export interface RecallMessagePayload {
  msgId: string;
}

/** `typing`: the user is composing a message in this conversation. */
export type TypingPayload = ConversationRef;

/** `presence-query`, `presence-subscribe`, `presence-unsubscribe`. */
export interface PresencePayload {
  /** 1-500 user ids of the same app. */
  userIds: string[];
}

/** `group-info`, `leave-group`, `dismiss-group`: one of your groups. */
export interface GroupIdPayload {
  groupId: string;
}

/** `group-members`: every member in join order, or a page of them. */
export interface GroupMembersPayload {
  groupId: string;
  /** Members to skip; default 0. */
  offset?: number;
  /** 1 to `Limits.GROUP_MEMBER_PAGE_MAX`; every member from `offset` when omitted. */
  limit?: number;
}

/** `group-join-requests`: a page of the group's pending requests, oldest first. */
export interface GroupJoinRequestsPayload {
  groupId: string;
  /** Requests to skip; default 0. */
  offset?: number;
  /** 1 to `Limits.JOIN_REQUEST_PAGE_MAX`; default (and most) `Limits.JOIN_REQUEST_PAGE_MAX`. */
  limit?: number;
}

/** `update-group` (owner and admins): the fields given change; without any, nothing changes. */
export type UpdateGroupPayload = Omit<UpdateGroupRequest, 'operatorId'>;

/** `add-group-admins`, `remove-group-admins` (owner), `remove-group-members` (owner and admins). */
export interface GroupUsersPayload {
  groupId: string;
  userIds: string[];
}

/** `transfer-group` (owner): hands the group to another member; you become a member. */
export type TransferGroupPayload = Omit<TransferGroupRequest, 'operatorId'>;

/** `set-group-nickname`: your nickname in the group, or (owner and admins) a member's below you. */
export interface SetGroupNicknamePayload {
  groupId: string;
  /** 0-64 characters; '' clears it. */
  nickname: string;
  /** Whose nickname; default you. */
  userId?: string;
}

/** `mute-group-members` (owner and admins, over members below them): `duration` seconds, 0 lifts. */
export type MuteGroupMembersPayload = Omit<MuteGroupMembersRequest, 'operatorId'>;

/** `join-group`: ask to join a group (joins at once when its policy is `free`). */
export interface JoinGroupPayload {
  groupId: string;
  /** Up to 200 characters for the owner and admins; default empty. */
  message?: string;
}

/** `answer-join-request` (owner and admins). */
export interface AnswerJoinRequestPayload {
  requestId: string;
  /** True adds the user; false turns the request down. */
  approve: boolean;
}

/** `block-users`, `unblock-users`: 1-500 other users of the app. */
export interface BlockPayload {
  userIds: string[];
}

/** `send-friend-request`: ask another user of the app to become friends. */
export interface SendFriendRequestPayload {
  userId: string;
  /** Up to 200 characters shown with the request; default empty. */
  message?: string;
}

/** `accept-friend-request`, `reject-friend-request`: a request made to you. */
export interface FriendRequestIdPayload {
  requestId: string;
}

/** `remove-friends`: 1-500 friends; the friendship ends for both. */
export interface RemoveFriendsPayload {
  userIds: string[];
}

/** `update-friend`: your remark for a friend and/or the friend group they are in. */
export interface UpdateFriendPayload {
  userId: string;
  /** Up to 64 characters; empty clears it. */
  remark?: string;
  /** One of your friend groups, or null for none. */
  friendGroupId?: string | null;
}

/** `create-friend-group`. */
export interface CreateFriendGroupPayload {
  /** 1-64 characters. */
  name: string;
}

/** `rename-friend-group`. */
export interface RenameFriendGroupPayload {
  friendGroupId: string;
  name: string;
}

/** `delete-friend-group`: its friends stay friends, in no group. */
export interface FriendGroupIdPayload {
  friendGroupId: string;
}

/** `sort-friend-groups`: these groups first, in this order; the others follow as they were. */
export interface SortFriendGroupsPayload {
  friendGroupIds: string[];
}

/** `friend-removed`: the friendship with `userId` ended (either side removed it). */
export interface FriendRemovedEvent {
  userId: string;
}

/** `blocks-changed`: you blocked or unblocked users on another device, or the app did for you. */
export interface BlocksChangedEvent {
  /** Newly blocked. */
  blocked: string[];
  /** No longer blocked. */
  unblocked: string[];
}

/** `group-member-updated`: a member of one of your groups has a new group nickname. */
export interface GroupMemberUpdatedEvent {
  groupId: string;
  /** The member as they now are. */
  member: GroupMember;
}

/** `friend-groups-changed`: your friend groups, in their new order. */
export interface FriendGroupsChangedEvent {
  friendGroups: FriendGroup[];
}

/** Whether a user has at least one connected device. */
export interface PresenceState {
  userId: string;
  online: boolean;
  /** Platforms of the connected devices (empty when offline). */
  platforms: Platform[];
  /** Milliseconds since epoch when the last device left; null while online or never seen. */
  lastSeenAt: number | null;
}

/**
 * Client requests: event name -> payload and ack data.
 *
 * A request with `payload: void` is emitted with the ack callback alone.
 */
export interface ClientRequests {
  /** The user's conversation list, most recent first, with unread counts. */
  'session-list': { payload: void; result: Session[] };
  /** History of one of the user's sessions, newest first. */
  'session-message-list': { payload: SessionMessageListPayload; result: Message[] };
  /** Stores and delivers a one-to-one message; the ack is the stored message (with `sendSession`). */
  'send-private-message': { payload: SendMessagePayload; result: Message };
  /** Stores a group message once and delivers it to every member; the ack is the stored message. */
  'send-group-message': { payload: SendMessagePayload; result: Message };
  /** Moves the user's read mark. */
  'set-session-read': { payload: SetSessionReadPayload | string; result: SessionReadState };
  /** Turns a session's notifications off ("do not disturb") or on again; your other devices are told. */
  'set-do-not-disturb': { payload: SetDoNotDisturbPayload; result: SessionDoNotDisturbState };
  /** Messages after `afterSeq`, oldest first (gap fill). */
  'sync-messages': { payload: SyncMessagesPayload; result: Message[] };
  /** Recalls a message; the ack is the message as it now reads (recalled). */
  'recall-message': { payload: RecallMessagePayload; result: Message };
  /** Tells the other side(s) the user is typing. Not stored; extra calls within 3 s are dropped. */
  typing: { payload: TypingPayload; result: null };
  /** Current presence of some users. */
  'presence-query': { payload: PresencePayload; result: PresenceState[] };
  /** Current presence of some users, and `presence` pushes when it changes. */
  'presence-subscribe': { payload: PresencePayload; result: PresenceState[] };
  /** Stops `presence` pushes for these users on this connection. */
  'presence-unsubscribe': { payload: PresencePayload; result: null };
  /** Blocks users: their private messages to you are refused (`BLOCKED`) and their typing dropped. */
  'block-users': { payload: BlockPayload; result: BlockUsersResult };
  /** Lifts blocks. */
  'unblock-users': { payload: BlockPayload; result: BlockUsersResult };
  /** The users you block, oldest block first. */
  'block-list': { payload: void; result: BlockedUser[] };
  /** Asks a user to become friends; when they had asked you already, accepts their request instead. */
  'send-friend-request': { payload: SendFriendRequestPayload; result: FriendRequest };
  /** Accepts a request made to you; the ack is your new friend. */
  'accept-friend-request': { payload: FriendRequestIdPayload; result: Friend };
  /** Turns down a request made to you. */
  'reject-friend-request': { payload: FriendRequestIdPayload; result: FriendRequest };
  /** Your friend requests, both ways, pending and answered, newest first. */
  'friend-requests': { payload: void; result: FriendRequestList };
  /** Ends friendships, for both sides. */
  'remove-friends': { payload: RemoveFriendsPayload; result: FriendsChangeResult };
  /** Your friend groups and friends, with presence. */
  'contact-list': { payload: void; result: ContactList };
  /** Sets your remark for a friend, or moves them to another friend group. */
  'update-friend': { payload: UpdateFriendPayload; result: Friend };
  /** Adds a friend group at the end of your list. */
  'create-friend-group': { payload: CreateFriendGroupPayload; result: FriendGroup };
  /** Renames one of your friend groups. */
  'rename-friend-group': { payload: RenameFriendGroupPayload; result: FriendGroup };
  /** Reorders your friend groups; the ack is the whole list in its new order. */
  'sort-friend-groups': { payload: SortFriendGroupsPayload; result: FriendGroup[] };
  /** Deletes one of your friend groups; its friends stay. */
  'delete-friend-group': { payload: FriendGroupIdPayload; result: null };
  /** One of your groups: name, avatar, description, announcement, mute-all, join policy, owner, size. */
  'group-info': { payload: GroupIdPayload; result: Group };
  /** Members of one of your groups in join order, with role, nickname and mute; all or a page. */
  'group-members': { payload: GroupMembersPayload; result: GroupMember[] };
  /** Owner and admins: changes the name, avatar, description, announcement, mute-all or join policy. */
  'update-group': { payload: UpdateGroupPayload; result: Group };
  /** Owner: makes members admins. */
  'add-group-admins': { payload: GroupUsersPayload; result: GroupMembersChangeResult };
  /** Owner: makes admins members again. */
  'remove-group-admins': { payload: GroupUsersPayload; result: GroupMembersChangeResult };
  /** Owner: hands the group to another member. */
  'transfer-group': { payload: TransferGroupPayload; result: Group };
  /** Owner and admins: removes members below them. */
  'remove-group-members': { payload: GroupUsersPayload; result: GroupMembersChangeResult };
  /** Leaves a group; an owner who leaves hands it over (to the earliest admin, else the earliest member). */
  'leave-group': { payload: GroupIdPayload; result: GroupMembersChangeResult };
  /** Owner: dismisses the group; every member's session ends at the `dismissed` event. */
  'dismiss-group': { payload: GroupIdPayload; result: null };
  /** Joins a `free` group, or asks to join an `approval` one. */
  'join-group': { payload: JoinGroupPayload; result: JoinGroupResult };
  /** Invites users to one of your groups: added at once, or (an ordinary member, `approval` group) as requests. */
  'invite-to-group': { payload: GroupUsersPayload; result: InviteResult };
  /** Owner and admins: the group's pending join requests, oldest first. */
  'group-join-requests': { payload: GroupJoinRequestsPayload; result: JoinRequest[] };
  /** Your own pending requests to join groups, and invitations of you waiting for approval, oldest first. */
  'my-join-requests': { payload: void; result: JoinRequest[] };
  /** Owner and admins: approves or rejects a join request. */
  'answer-join-request': { payload: AnswerJoinRequestPayload; result: JoinRequest };
  /** Sets your nickname in a group, or (owner and admins) a member's below you. */
  'set-group-nickname': { payload: SetGroupNicknamePayload; result: GroupMember };
  /** Owner and admins: mutes members below them for `duration` seconds, or lifts it (0). */
  'mute-group-members': { payload: MuteGroupMembersPayload; result: GroupMembersChangeResult };
}
export type ClientRequestName = keyof ClientRequests;

/** First event after a successful handshake: who the server thinks you are. */
export interface ReadyEvent {
  appId: string;
  userId: string;
  platform: Platform;
  /** Server time in milliseconds since epoch, to correct a device clock. */
  serverTime: number;
  /** How long this app lets messages be recalled, as its settings stood when the device connected. */
  recallWindows: RecallWindows;
}

/** An app's recall windows, in seconds ({@link RecallWindow} holds the defaults). */
export interface RecallWindows {
  /** The sender, for their own message. */
  senderSeconds: number;
  /** A group owner or admin, for a member's message. */
  groupAdminSeconds: number;
}

/** `read-receipt`: the other user of a private chat has read up to `readSeq`. */
export interface ReadReceiptEvent extends ConversationRef {
  /** The reader. */
  userId: string;
  readSeq: number;
}

/** `typing`: someone is composing in a conversation you belong to. */
export interface TypingEvent extends ConversationRef {
  /** Who is typing. */
  userId: string;
}

/** Why the server closed a connection on purpose. */
export const KickReason = {
  /** The same user logged in on another device of the same platform (`one-per-platform` policy). */
  LOGIN_ELSEWHERE: 'LOGIN_ELSEWHERE',
  /** The tenant's backend revoked the user's tokens. */
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  /** The token reached its expiry while connected; fetch a new one. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The app was deleted. */
  APP_DELETED: 'APP_DELETED',
} as const;
export type KickReason = (typeof KickReason)[keyof typeof KickReason];

/** `kicked`: sent just before the server disconnects the device. */
export interface KickedEvent {
  reason: KickReason;
  message: string;
}

/** Server pushes: event name -> payload. */
export interface ServerEvents {
  /** First push after a successful handshake: who the server thinks you are, and its clock. */
  ready: ReadyEvent;
  /**
   * A message was stored in one of your conversations, including messages you sent from your other
   * devices (it is not sent back to the device that sent it).
   */
  'new-message': Message;
  /** A message was recalled; the payload is the message as it now reads (`recall` set, `content` empty). */
  'message-recalled': Message;
  /** One of your other devices marked a session read. */
  'session-read': SessionReadState;
  /** One of your other devices turned a session's do-not-disturb on or off. */
  'session-do-not-disturb': SessionDoNotDisturbState;
  /** The other user of a private chat read your messages up to `readSeq`. */
  'read-receipt': ReadReceiptEvent;
  /** Someone is composing a message in one of your conversations. */
  typing: TypingEvent;
  /** A contact or subscribed user came online or went offline. */
  presence: PresenceState;
  /** Someone asked you to become friends (or you did, from another device). */
  'friend-request': FriendRequest;
  /** A friend request was accepted or rejected (yours, or one you answered on another device). */
  'friend-request-answered': FriendRequest;
  /** You have a new friend. */
  'friend-added': Friend;
  /** A friendship ended. */
  'friend-removed': FriendRemovedEvent;
  /** You changed a friend's remark or friend group on another device. */
  'friend-updated': Friend;
  /** You changed your friend groups on another device. */
  'friend-groups-changed': FriendGroupsChangedEvent;
  /** Your block list changed on another device, or through the app's backend. Never sent to the users blocked. */
  'blocks-changed': BlocksChangedEvent;
  /** A member of one of your groups changed their group nickname (or had it changed). */
  'group-member-updated': GroupMemberUpdatedEvent;
  /** Someone asks to join (or was invited to) a group you own or administer. */
  'group-join-request': JoinRequest;
  /** Your request to join a group (or your invitation) was approved or rejected; also to the other owner and admins. */
  'group-join-request-answered': JoinRequest;
  /** The server is closing this connection on purpose; the device is disconnected right after. */
  kicked: KickedEvent;
}
export type ServerEventName = keyof ServerEvents;

/** Error `data` of a refused handshake (socket.io `connect_error`). */
export interface HandshakeErrorData {
  code: FailureEnvelope['code'];
  message: string;
  /** With `TOKEN_INVALID`: why the token was refused. */
  reason?: TokenRefusal;
  /**
   * With `UNAVAILABLE` (the server's database or Redis cannot be reached) and `SERVER_BUSY`: how
   * long to wait before connecting again, in milliseconds. Nothing is wrong with the token.
   */
  retryAfterMs?: number;
}

/** Why a user token was refused (`reason` of a `TOKEN_INVALID` handshake refusal). */
export const TokenRefusal = {
  /** No token of this app has this value: a typo, a token of another app, or a deleted user. */
  UNKNOWN: 'unknown',
  /** The token reached its expiry; mint a new one with `/user/getToken`. */
  EXPIRED: 'expired',
  /** The tenant's backend revoked it with `/user/revokeTokens`. */
  REVOKED: 'revoked',
} as const;
export type TokenRefusal = (typeof TokenRefusal)[keyof typeof TokenRefusal];

/** The callback a client passes as the last argument of a request; it receives the ack. */
export type AckCallback<T> = (reply: Ack<T>) => void;

/**
 * socket.io's typed-event map of what a device emits: one entry per {@link ClientRequests}
 * request, the payload first (none for `payload: void`) and the ack callback last. Use it as the
 * second type argument of socket.io-client's `Socket` and the first of socket.io's `Server`.
 *
 * @example
 * ```ts
 * import { io, type Socket } from 'socket.io-client';
 * import type { ClientToServerEvents, ServerToClientEvents } from '@parley/sdk/protocol';
 *
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { appId, token } });
 * socket.emit('session-list', (ack) => console.log(ack)); // ack: Ack<Session[]>
 * ```
 */
export type ClientToServerEvents = {
  [K in ClientRequestName]: (...args: [...ClientRequestArgs<K>, AckCallback<ClientRequests[K]['result']>]) => void;
};

/** What request `K` carries after its name: its payload, or nothing for a `payload: void` request. */
export type ClientRequestArgs<K extends ClientRequestName> = ClientRequests[K]['payload'] extends void
  ? []
  : [payload: ClientRequests[K]['payload']];

/** socket.io's typed-event map of what the server pushes: one entry per {@link ServerEvents} push. */
export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: ServerEvents[K]) => void;
};

/** How long recall stays possible, by default (per-app console settings may change them). */
export const RecallWindow = {
  /** The sender, in seconds. */
  SENDER_SECONDS: 120,
  /** A group owner or admin, for any member's message, in seconds. */
  GROUP_ADMIN_SECONDS: 7200,
} as const;

/** Minimum spacing of `typing` events per conversation and device, in milliseconds. */
export const TYPING_INTERVAL_MS = 3000;
