import type { ConversationType, GroupJoinPolicy, SendableMessageType } from './constants.js';
import type { MessageContentMap } from './content.js';
import type { BlockedUser, ContactList, Friend, FriendGroup, FriendRequest, FriendRequestList, Group, GroupMember, JoinRequest, Message, Session } from './models.js';

/**
 * Request fields and response data of the signed open API (tenant backend -> Parley).
 *
 * Every request also carries the signature parameters `app_id`, `time_stamp`, `nonce_str` and
 * `sign` (see {@link SignatureParams}); `ParleyServerApi` adds them for you.
 */

/** Parameters every signed request carries besides its own fields. */
export interface SignatureParams {
  app_id: string;
  /** Unix time in seconds (13-digit values are read as milliseconds). */
  time_stamp: string | number;
  /** Random string, single use per app within the 5-minute window. */
  nonce_str: string;
  /** Uppercase hex MD5, see the signature guide. */
  sign: string;
}

/** `POST /user/getToken`: creates the user or updates name and avatar, then mints a token. */
export interface GetTokenRequest {
  userId: string;
  /** Display name, 1-100 characters. */
  name: string;
  /** Avatar URL; empty or omitted for none. */
  avatarUri?: string;
}
export interface GetTokenResult {
  /** Opaque bearer token for the end user's SDK; scoped to this app. */
  token: string;
  userId: string;
  /** Milliseconds since epoch after which the token is refused. */
  expiresAt: number;
}

/** `POST /user/revokeTokens`: every token of the user stops working (ban, logout everywhere). */
export interface RevokeTokensRequest {
  userId: string;
}
export interface RevokeTokensResult {
  /** How many live tokens were revoked. */
  revoked: number;
}

/** `GET /user/sessions`: the user's conversation list, most recent first. */
export interface UserSessionsRequest {
  userId: string;
}

/** `POST /group/create`. */
export interface CreateGroupRequest {
  groupId: string;
  /** Initial members; every user must exist. The owner is `ownerId`, or else the first of these. */
  userIds: string[];
  name: string;
  avatarUri?: string;
  /** Owner of the group; added to the members when missing from `userIds`. */
  ownerId?: string;
  /** What the group is about; default ''. */
  description?: string;
  /** Who may join, and how; default `invite`. */
  joinPolicy?: GroupJoinPolicy;
}

/**
 * What the group administration routes share: `operatorId`, the member the backend acts for
 * (their role's rules apply, and group events name them); without it the backend acts as the app,
 * which may do anything.
 */
export interface GroupOperator {
  operatorId?: string;
}

/** `POST /group/update`: the fields given change; without any, nothing changes. */
export interface UpdateGroupRequest extends GroupOperator {
  groupId: string;
  name?: string;
  avatarUri?: string;
  description?: string;
  /** The new announcement; '' clears it (on the socket: a signed request drops empty fields, so use `clear` there). */
  announcement?: string;
  /** True: only the owner and admins may send. */
  mutedAll?: boolean;
  joinPolicy?: GroupJoinPolicy;
  /** Text fields to empty: `description`, `announcement`. */
  clear?: GroupTextField[];
}

/** The group's text fields that {@link UpdateGroupRequest.clear} empties. */
export type GroupTextField = 'description' | 'announcement';

/** `POST /group/admins/add` and `POST /group/admins/remove`: owner only. */
export interface GroupAdminsRequest extends GroupOperator {
  groupId: string;
  userIds: string[];
}

/** `POST /group/transfer`: the owner hands the group to another member and becomes a member. */
export interface TransferGroupRequest extends GroupOperator {
  groupId: string;
  /** The new owner: a member. */
  ownerId: string;
}

/** `POST /group/member/update`: a member's nickname in the group, and their do-not-disturb for it. */
export interface UpdateGroupMemberRequest extends GroupOperator {
  groupId: string;
  userId: string;
  /** 1-64 characters; left out keeps it (`clear: ['nickname']` empties it). */
  nickname?: string;
  /** The member's own notifications of the group off (true) or on; only they (or the app) may set it. */
  doNotDisturb?: boolean;
  /** Fields to empty: `nickname`. */
  clear?: 'nickname'[];
}

/** `GET /group/join/requests`: the group's pending join requests (owner and admins, as `operatorId`). */
export interface GroupJoinRequestsRequest extends GroupOperator {
  groupId: string;
  /** Requests to skip; default 0. */
  offset?: number;
  /** 1 to `Limits.JOIN_REQUEST_PAGE_MAX`; default (and most) `Limits.JOIN_REQUEST_PAGE_MAX`. */
  limit?: number;
}

/** `POST /group/join/approve` and `POST /group/join/reject`. */
export interface JoinRequestIdRequest extends GroupOperator {
  requestId: string;
}

/** What asking to join a group did. */
export interface JoinGroupResult {
  groupId: string;
  /** True when the user is a member now (a `free` group, or they were one already). */
  joined: boolean;
  /** The pending request, for a group with the `approval` join policy; null when joined. */
  request: JoinRequest | null;
}

/** What an invitation did. */
export interface InviteResult {
  groupId: string;
  /** Users who are members now. */
  added: string[];
  /** Users whose invitation waits for the owner or an admin (an ordinary member's invitation to an `approval` group). */
  requested: string[];
  /** Group size after the change. */
  memberCount: number;
}

/** `POST /group/mute`: mutes members for `duration` seconds; 0 lifts their mute. */
export interface MuteGroupMembersRequest extends GroupOperator {
  groupId: string;
  userIds: string[];
  /** Seconds, 0 to `Limits.GROUP_MUTE_SECONDS_MAX`; 0 lifts the mute. */
  duration: number;
}

/** `POST /group/join`: adds users as the app. */
export interface GroupMembersChangeRequest {
  groupId: string;
  userIds: string[];
}

/** `POST /group/remove`: as the app, or as `operatorId` (the owner removes anyone else, an admin ordinary members). */
export interface RemoveGroupMembersRequest extends GroupMembersChangeRequest, GroupOperator {}

/** `POST /group/invite`: `operatorId` invites, as that member could from a device. */
export interface InviteToGroupRequest extends GroupMembersChangeRequest {
  /** The member who invites (required: the app adds users with `/group/join`). */
  operatorId: string;
}

/** `GET /group/members`, `GET /group/info`. */
export interface GroupIdRequest {
  groupId: string;
}

/** `POST /group/dismiss`: as the app, or as `operatorId` (only the owner may). */
export interface DismissGroupRequest extends GroupIdRequest, GroupOperator {}

/** `/group/members`: the whole list, or a page of it in join order. */
export interface GroupMembersRequest extends GroupIdRequest {
  /** Members to skip from the first one to join; default 0. */
  offset?: number;
  /** Most members to return, 1 to `Limits.GROUP_MEMBER_PAGE_MAX`; every member from `offset` when omitted. */
  limit?: number;
}

/** Result of `/group/join`, `/group/remove` and the other changes of several members. */
export interface GroupMembersChangeResult {
  groupId: string;
  /** userIds whose membership actually changed (already-members and non-members are skipped). */
  changed: string[];
  /** Group size after the change. */
  memberCount: number;
  /** Owner after the change (removing the owner hands the group on; see the groups guide). */
  ownerId: string | null;
  /** True when the change removed the last member and the group was dismissed. */
  dismissed: boolean;
}

/** `POST /private/send/message` and `POST /group/send/message`. */
export type SendMessageRequest = {
  [T in SendableMessageType]: {
    senderUserId: string;
    /** Recipient userId (private) or groupId (group). */
    targetId: string;
    messageType: T;
    content: MessageContentMap[T];
    /**
     * Idempotency key chosen by the sender: a second send with the same key returns the first
     * message instead of storing a new one.
     */
    clientMsgId?: string;
  };
}[SendableMessageType];

/** `GET /session/messages`: history of one conversation as `userId` sees it, newest first. */
export interface SessionMessagesRequest {
  userId: string;
  targetId: string;
  conversationType: ConversationType;
  /** 1-100, default 20. */
  limit?: number;
  /** Return only messages older than this one (the last msgId of the previous page). */
  lastmsgId?: string;
}

/**
 * `POST /message/recall`: takes a message back; everyone in its conversation gets
 * `message-recalled` and history shows it as recalled. With `userId`, that user's rights and the
 * app's recall windows apply (the sender within 2 minutes, a group owner or admin within 2 hours);
 * without it the tenant's backend recalls any message at any time (moderation).
 */
export interface RecallMessageRequest {
  msgId: string;
  userId?: string;
}

/**
 * `POST /user/block` and `POST /user/unblock`: `userId` blocks (or stops blocking) each of
 * `targetIds`. A blocked user's private messages to `userId` are refused with `BLOCKED` and not
 * stored, and their typing is dropped; nothing tells them they are blocked beyond that refusal.
 */
export interface BlockUsersRequest {
  userId: string;
  /** 1-500 user ids of the app, other than `userId`. */
  targetIds: string[];
}
export interface BlockUsersResult {
  /** The ids whose state changed (newly blocked, or no longer blocked); the others already were. */
  changed: string[];
}

/** `GET /user/blocks`: the users `userId` blocks, oldest block first. */
export interface BlockListRequest {
  userId: string;
}

/** `GET /user/join/requests`: `userId`'s own pending requests to join groups, oldest first. */
export interface UserJoinRequestsRequest {
  userId: string;
}

/** `POST /friend/request`: `userId` asks `targetId` to become friends. */
export interface SendFriendRequestRequest {
  userId: string;
  targetId: string;
  /** Up to 200 characters; default empty. */
  message?: string;
}

/** `POST /friend/accept`, `POST /friend/reject`: `userId` answers a request made to them. */
export interface AnswerFriendRequestRequest {
  userId: string;
  requestId: string;
}

/** `POST /friend/add` (friends at once, without a request) and `POST /friend/remove`. */
export interface FriendsChangeRequest {
  userId: string;
  /** 1-500 other users of the app. */
  targetIds: string[];
}
export interface FriendsChangeResult {
  /** The ids whose friendship changed (made, or ended); the others already were (or were not) friends. */
  changed: string[];
}

/** `POST /friend/update`: `userId`'s remark for `friendId` and/or the friend group it is in. */
export interface UpdateFriendRequest {
  userId: string;
  friendId: string;
  /** Up to 64 characters; empty clears it. */
  remark?: string;
  /** One of `userId`'s friend groups, or `none` to take the friend out of any (a form body cannot carry null, and an empty field counts as absent). */
  friendGroupId?: string;
}

/** `GET /friend/list`, `GET /friend/requests`. */
export interface FriendsOfUserRequest {
  userId: string;
}

/** `POST /friend/group/create`. */
export interface CreateFriendGroupRequest {
  userId: string;
  /** 1-64 characters. */
  name: string;
}

/** `POST /friend/group/rename`. */
export interface RenameFriendGroupRequest {
  userId: string;
  friendGroupId: string;
  name: string;
}

/** `POST /friend/group/delete`. */
export interface FriendGroupIdRequest {
  userId: string;
  friendGroupId: string;
}

/** `POST /friend/group/sort`: these groups first, in this order; the others follow as they were. */
export interface SortFriendGroupsRequest {
  userId: string;
  friendGroupIds: string[];
}

/** Route table of the open API: method, request fields and response data per path. */
export interface OpenApiRoutes {
  '/user/getToken': { method: 'POST'; request: GetTokenRequest; response: GetTokenResult };
  '/user/revokeTokens': { method: 'POST'; request: RevokeTokensRequest; response: RevokeTokensResult };
  '/user/sessions': { method: 'GET'; request: UserSessionsRequest; response: Session[] };
  '/user/block': { method: 'POST'; request: BlockUsersRequest; response: BlockUsersResult };
  '/user/unblock': { method: 'POST'; request: BlockUsersRequest; response: BlockUsersResult };
  '/user/blocks': { method: 'GET'; request: BlockListRequest; response: BlockedUser[] };
  '/friend/request': { method: 'POST'; request: SendFriendRequestRequest; response: FriendRequest };
  '/friend/accept': { method: 'POST'; request: AnswerFriendRequestRequest; response: Friend };
  '/friend/reject': { method: 'POST'; request: AnswerFriendRequestRequest; response: FriendRequest };
  '/friend/requests': { method: 'GET'; request: FriendsOfUserRequest; response: FriendRequestList };
  '/friend/add': { method: 'POST'; request: FriendsChangeRequest; response: FriendsChangeResult };
  '/friend/remove': { method: 'POST'; request: FriendsChangeRequest; response: FriendsChangeResult };
  '/friend/list': { method: 'GET'; request: FriendsOfUserRequest; response: ContactList };
  '/friend/update': { method: 'POST'; request: UpdateFriendRequest; response: Friend };
  '/friend/group/create': { method: 'POST'; request: CreateFriendGroupRequest; response: FriendGroup };
  '/friend/group/rename': { method: 'POST'; request: RenameFriendGroupRequest; response: FriendGroup };
  '/friend/group/sort': { method: 'POST'; request: SortFriendGroupsRequest; response: FriendGroup[] };
  '/friend/group/delete': { method: 'POST'; request: FriendGroupIdRequest; response: null };
  '/group/create': { method: 'POST'; request: CreateGroupRequest; response: Group };
  '/group/join': { method: 'POST'; request: GroupMembersChangeRequest; response: GroupMembersChangeResult };
  '/group/remove': { method: 'POST'; request: RemoveGroupMembersRequest; response: GroupMembersChangeResult };
  '/group/invite': { method: 'POST'; request: InviteToGroupRequest; response: InviteResult };
  '/group/dismiss': { method: 'POST'; request: DismissGroupRequest; response: null };
  '/group/members': { method: 'GET'; request: GroupMembersRequest; response: GroupMember[] };
  '/group/info': { method: 'GET'; request: GroupIdRequest; response: Group };
  '/group/update': { method: 'POST'; request: UpdateGroupRequest; response: Group };
  '/group/admins/add': { method: 'POST'; request: GroupAdminsRequest; response: GroupMembersChangeResult };
  '/group/admins/remove': { method: 'POST'; request: GroupAdminsRequest; response: GroupMembersChangeResult };
  '/group/transfer': { method: 'POST'; request: TransferGroupRequest; response: Group };
  '/group/member/update': { method: 'POST'; request: UpdateGroupMemberRequest; response: GroupMember };
  '/group/mute': { method: 'POST'; request: MuteGroupMembersRequest; response: GroupMembersChangeResult };
  '/group/join/requests': { method: 'GET'; request: GroupJoinRequestsRequest; response: JoinRequest[] };
  '/user/join/requests': { method: 'GET'; request: UserJoinRequestsRequest; response: JoinRequest[] };
  '/group/join/approve': { method: 'POST'; request: JoinRequestIdRequest; response: JoinRequest };
  '/group/join/reject': { method: 'POST'; request: JoinRequestIdRequest; response: JoinRequest };
  '/private/send/message': { method: 'POST'; request: SendMessageRequest; response: Message };
  '/group/send/message': { method: 'POST'; request: SendMessageRequest; response: Message };
  '/session/messages': { method: 'GET'; request: SessionMessagesRequest; response: Message[] };
  '/message/recall': { method: 'POST'; request: RecallMessageRequest; response: Message };
}
export type OpenApiPath = keyof OpenApiRoutes;

/** How a route of the open API is called. */
export interface OpenApiRouteInfo<M extends 'GET' | 'POST' = 'GET' | 'POST'> {
  readonly method: M;
  /**
   * True when sending the same request twice leaves the same state as sending it once (reads,
   * sends with a `clientMsgId`, token and membership changes), so a client may retry it after a
   * network error or a timeout.
   */
  readonly retrySafe: boolean;
}

/**
 * The open API's routes at run time: method and retry safety per path. The server's route
 * declarations are checked against this table, and `ParleyServerApi` calls routes through it.
 */
export const OpenApiRouteTable = {
  '/user/getToken': { method: 'POST', retrySafe: true },
  '/user/revokeTokens': { method: 'POST', retrySafe: true },
  '/user/sessions': { method: 'GET', retrySafe: true },
  '/user/block': { method: 'POST', retrySafe: true },
  '/user/unblock': { method: 'POST', retrySafe: true },
  '/user/blocks': { method: 'GET', retrySafe: true },
  '/friend/request': { method: 'POST', retrySafe: true },
  '/friend/accept': { method: 'POST', retrySafe: true },
  '/friend/reject': { method: 'POST', retrySafe: true },
  '/friend/requests': { method: 'GET', retrySafe: true },
  '/friend/add': { method: 'POST', retrySafe: true },
  '/friend/remove': { method: 'POST', retrySafe: true },
  '/friend/list': { method: 'GET', retrySafe: true },
  '/friend/update': { method: 'POST', retrySafe: true },
  '/friend/group/create': { method: 'POST', retrySafe: false },
  '/friend/group/rename': { method: 'POST', retrySafe: true },
  '/friend/group/sort': { method: 'POST', retrySafe: true },
  '/friend/group/delete': { method: 'POST', retrySafe: false },
  '/group/create': { method: 'POST', retrySafe: false },
  '/group/join': { method: 'POST', retrySafe: true },
  '/group/remove': { method: 'POST', retrySafe: true },
  // Into an approval group an ordinary member's invitation is a request; a second one would ask again.
  '/group/invite': { method: 'POST', retrySafe: false },
  '/group/dismiss': { method: 'POST', retrySafe: false },
  '/group/members': { method: 'GET', retrySafe: true },
  '/group/info': { method: 'GET', retrySafe: true },
  '/group/update': { method: 'POST', retrySafe: true },
  '/group/admins/add': { method: 'POST', retrySafe: true },
  '/group/admins/remove': { method: 'POST', retrySafe: true },
  '/group/transfer': { method: 'POST', retrySafe: true },
  '/group/member/update': { method: 'POST', retrySafe: true },
  // A repeated mute starts its duration again from the second call.
  '/group/mute': { method: 'POST', retrySafe: false },
  '/group/join/requests': { method: 'GET', retrySafe: true },
  '/user/join/requests': { method: 'GET', retrySafe: true },
  '/group/join/approve': { method: 'POST', retrySafe: true },
  '/group/join/reject': { method: 'POST', retrySafe: true },
  '/private/send/message': { method: 'POST', retrySafe: true },
  '/group/send/message': { method: 'POST', retrySafe: true },
  '/session/messages': { method: 'GET', retrySafe: true },
  '/message/recall': { method: 'POST', retrySafe: true },
} as const satisfies { readonly [P in OpenApiPath]: OpenApiRouteInfo<OpenApiRoutes[P]['method']> };
