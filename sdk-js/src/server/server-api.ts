import { randomUUID } from 'node:crypto';
import type {
  GroupAdminsRequest,
  GroupJoinRequestsRequest,
  JoinRequestIdRequest,
  MuteGroupMembersRequest,
  TransferGroupRequest,
  UpdateGroupMemberRequest,
  UpdateGroupRequest,
  AnswerFriendRequestRequest,
  BlockListRequest,
  BlockUsersRequest,
  CreateFriendGroupRequest,
  FriendGroupIdRequest,
  FriendsChangeRequest,
  FriendsOfUserRequest,
  RenameFriendGroupRequest,
  SendFriendRequestRequest,
  SortFriendGroupsRequest,
  UpdateFriendRequest,
  CreateGroupRequest,
  GetTokenRequest,
  GroupIdRequest,
  GroupMembersChangeRequest,
  UserJoinRequestsRequest,
  DismissGroupRequest,
  InviteToGroupRequest,
  RemoveGroupMembersRequest,
  GroupMembersRequest,
  OpenApiPath,
  OpenApiRoutes,
  RevokeTokensRequest,
  RecallMessageRequest,
  SendMessageRequest,
  SessionMessagesRequest,
  SignatureParams,
  UserSessionsRequest,
} from '../protocol/open-api.js';
import type { UploadedFile } from '../protocol/models.js';
import { SignedTransport } from './signed-transport.js';

/** Options of {@link ParleyServerApi}. */
export interface ParleyServerApiOptions {
  /** Where the Parley server listens, e.g. `https://im.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  appId: string;
  /** Keep it on your backend: anyone holding it can act as your app. */
  appSecret: string;
  /** Per-attempt timeout in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * How many times a request is tried again, in all: a retry-safe one (reads, sends, token and
   * membership changes) after a network error, a timeout or 500; any one after a refusal that did
   * nothing (see `retryRateLimited`). Each attempt is signed anew. Default 2; 0 disables retries.
   */
  maxRetries?: number;
  /**
   * Whether a request refused with `RATE_LIMITED` (429: over the app's `apiRequestsPerSecond`) or
   * `SERVER_BUSY` (503) is tried again, within `maxRetries`. Such a refusal comes before the
   * request is carried out, so this is safe for every route, group creation included. The retry
   * waits the `retryAfterMs` the server named (body, else `Retry-After`) plus a little jitter, at
   * most 60 s; without a hint, the usual jittered backoff. When the retries run out the promise
   * rejects with the `ParleyError`, whose `retryAfterMs` says how long to wait. Default `true`;
   * set `false` to handle refusals yourself (a queue that paces its own sends, say).
   */
  retryRateLimited?: boolean;
  /** Replacement for the global `fetch` (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Source of the current time in milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Signed client of the open API, for tenant backends (Node 18+).
 *
 * Every method signs its request with the app secret, sends it and resolves with the `data` of
 * the envelope, or rejects with a {@link ParleyError} that carries the server's error `code`.
 * Sends get a `clientMsgId` when you give none, so a retried send is stored once.
 *
 * Retries: a retry-safe request is tried again after a network error, a timeout or `INTERNAL`;
 * any request is tried again after `RATE_LIMITED` or `SERVER_BUSY`, once the server's
 * `retryAfterMs` has passed (see {@link ParleyServerApiOptions.retryRateLimited}); at most
 * `maxRetries` times (default 2). What still fails rejects, with `retryAfterMs` on the error when
 * the server named a wait.
 *
 * @example
 * ```ts
 * import { ParleyServerApi } from '@parley/sdk/server';
 *
 * const api = new ParleyServerApi({ baseUrl: 'http://127.0.0.1:3000', appId, appSecret });
 * const { token } = await api.getToken({ userId: 'u1', name: 'Alice', avatarUri: '' });
 * await api.sendPrivateMessage({ senderUserId: 'u1', targetId: 'u2', messageType: 1, content: { content: 'hi' } });
 * ```
 */
export class ParleyServerApi {
  readonly #transport: SignedTransport;

  constructor(options: ParleyServerApiOptions) {
    this.#transport = new SignedTransport(options);
  }

  /** Creates the user (or updates name and avatar) and mints a token for the end-user SDK. */
  getToken(request: GetTokenRequest) {
    return this.request('/user/getToken', request);
  }

  /** Revokes every token of a user: connected devices are refused from now on. */
  revokeTokens(request: RevokeTokensRequest) {
    return this.request('/user/revokeTokens', request);
  }

  /** The user's conversation list, most recent first, with unread counts. */
  getUserSessions(request: UserSessionsRequest) {
    return this.request('/user/sessions', request);
  }

  /**
   * `userId` blocks each of `targetIds`: their private messages to `userId` are refused with
   * `BLOCKED` and not stored, and their typing is dropped. Resolves with `{ changed }`, the ids
   * newly blocked.
   *
   * @example
   * ```ts
   * await api.blockUsers({ userId: 'alice', targetIds: ['spammer'] });
   * ```
   */
  blockUsers(request: BlockUsersRequest) {
    return this.request('/user/block', request);
  }

  /** Lifts blocks; resolves with `{ changed }`, the ids that were blocked. */
  unblockUsers(request: BlockUsersRequest) {
    return this.request('/user/unblock', request);
  }

  /** The users `userId` blocks, oldest block first. */
  getBlockList(request: BlockListRequest) {
    return this.request('/user/blocks', request);
  }

  /**
   * `userId` asks `targetId` to become friends (`message` up to 200 characters); `targetId`'s
   * devices get a `friend-request` push. When `targetId` had asked first, this accepts their
   * request. Resolves with the request.
   */
  sendFriendRequest(request: SendFriendRequestRequest) {
    return this.request('/friend/request', request);
  }

  /** `userId` accepts a request made to them; resolves with the new friend as `userId` sees them. */
  acceptFriendRequest(request: AnswerFriendRequestRequest) {
    return this.request('/friend/accept', request);
  }

  /** `userId` turns down a request made to them. */
  rejectFriendRequest(request: AnswerFriendRequestRequest) {
    return this.request('/friend/reject', request);
  }

  /** `userId`'s friend requests, newest first, both ways, pending and answered. */
  getFriendRequests(request: FriendsOfUserRequest) {
    return this.request('/friend/requests', request);
  }

  /**
   * Makes `userId` friends with each of `targetIds` at once, without a request (to import an
   * existing friend list). Resolves with `{ changed }`, the ids that were not friends before.
   *
   * @example
   * ```ts
   * await api.addFriends({ userId: 'alice', targetIds: ['bob', 'carol'] });
   * ```
   */
  addFriends(request: FriendsChangeRequest) {
    return this.request('/friend/add', request);
  }

  /** Ends friendships of `userId`, for both sides; resolves with `{ changed }`. */
  removeFriends(request: FriendsChangeRequest) {
    return this.request('/friend/remove', request);
  }

  /** `userId`'s friend groups and friends, with remarks and presence. */
  getContactList(request: FriendsOfUserRequest) {
    return this.request('/friend/list', request);
  }

  /** Sets `userId`'s remark for `friendId` and/or the friend group it is in. */
  updateFriend(request: UpdateFriendRequest) {
    return this.request('/friend/update', request);
  }

  /** Adds a friend group at the end of `userId`'s list. Not retried on a network error (it would add two). */
  createFriendGroup(request: CreateFriendGroupRequest) {
    return this.request('/friend/group/create', request);
  }

  renameFriendGroup(request: RenameFriendGroupRequest) {
    return this.request('/friend/group/rename', request);
  }

  /** Puts these friend groups first, in this order; resolves with the whole list. */
  sortFriendGroups(request: SortFriendGroupsRequest) {
    return this.request('/friend/group/sort', request);
  }

  /** Deletes a friend group of `userId`; its friends stay, in no group. */
  deleteFriendGroup(request: FriendGroupIdRequest) {
    return this.request('/friend/group/delete', request);
  }

  /** Creates a group; every user in `userIds` must exist. */
  createGroup(request: CreateGroupRequest) {
    return this.request('/group/create', request);
  }

  /** Adds users to a group; users already in it are skipped. */
  joinGroup(request: GroupMembersChangeRequest) {
    return this.request('/group/join', request);
  }

  /**
   * Removes users from a group; removing the owner hands the group to the next admin or member.
   * With `operatorId`, as that member: the owner removes anyone else, an admin ordinary members.
   */
  removeGroupMembers(request: RemoveGroupMembersRequest) {
    return this.request('/group/remove', request);
  }

  /**
   * `operatorId` invites users as from their device: they join at once, or, when an ordinary
   * member invites into an `approval` group, wait as join requests (`requested`).
   *
   * @example
   * ```ts
   * const { added, requested } = await api.inviteToGroup({ groupId: 'team', operatorId: 'alice', userIds: ['dave'] });
   * ```
   */
  inviteToGroup(request: InviteToGroupRequest) {
    return this.request('/group/invite', request);
  }

  /**
   * Dismisses a group; with `operatorId`, only as its owner. Its former members keep the
   * conversation, ended at the `dismissed` event, until a group is created again under the id.
   */
  dismissGroup(request: DismissGroupRequest) {
    return this.request('/group/dismiss', request);
  }

  /**
   * Members of a group with their roles, in join order: all of them, or a page with `offset` and
   * `limit` (for groups of thousands).
   */
  getGroupMembers(request: GroupMembersRequest) {
    return this.request('/group/members', request);
  }

  /** A group's name, avatar, owner, description, announcement, mute-all, join policy and size. */
  getGroupInfo(request: GroupIdRequest) {
    return this.request('/group/info', request);
  }

  /**
   * Changes a group's name, avatar, description, announcement, mute-all or join policy (the
   * fields given). With `operatorId` the change is made as that member, under their role's rules.
   */
  updateGroup(request: UpdateGroupRequest) {
    return this.request('/group/update', request);
  }

  /** Makes members admins (as `operatorId`, only the owner may). */
  addGroupAdmins(request: GroupAdminsRequest) {
    return this.request('/group/admins/add', request);
  }

  /** Makes admins ordinary members again (as `operatorId`, only the owner may). */
  removeGroupAdmins(request: GroupAdminsRequest) {
    return this.request('/group/admins/remove', request);
  }

  /** Hands a group to another member; the owner before becomes an ordinary member. */
  transferGroup(request: TransferGroupRequest) {
    return this.request('/group/transfer', request);
  }

  /** Sets a member's nickname in a group, shown as their name on their messages there. */
  updateGroupMember(request: UpdateGroupMemberRequest) {
    return this.request('/group/member/update', request);
  }

  /** Mutes members for `duration` seconds (0 lifts the mute); their sends get `MUTED` until then. */
  muteGroupMembers(request: MuteGroupMembersRequest) {
    return this.request('/group/mute', request);
  }

  /** A page of a group's pending join requests and invitations, oldest first (`offset`, `limit` up to 100). */
  getGroupJoinRequests(request: GroupJoinRequestsRequest) {
    return this.request('/group/join/requests', request);
  }

  /** A user's own pending join requests (and invitations of them waiting for approval), oldest first. */
  getUserJoinRequests(request: UserJoinRequestsRequest) {
    return this.request('/user/join/requests', request);
  }

  /** Approves a join request: the user is added to the group. */
  approveJoinRequest(request: JoinRequestIdRequest) {
    return this.request('/group/join/approve', request);
  }

  /** Rejects a join request; the user may ask again. */
  rejectJoinRequest(request: JoinRequestIdRequest) {
    return this.request('/group/join/reject', request);
  }

  /** Stores a one-to-one message from `senderUserId` to `targetId` and returns it. */
  sendPrivateMessage(request: SendMessageRequest) {
    return this.request('/private/send/message', withClientMsgId(request));
  }

  /** Stores a message in group `targetId`; the sender must be a member. */
  sendGroupMessage(request: SendMessageRequest) {
    return this.request('/group/send/message', withClientMsgId(request));
  }

  /**
   * Uploads a file as the app's backend (for a message it sends, an avatar, ...), with the same
   * limits and checks as a user's upload. Resolves with the file's `url` and what the server read
   * from its bytes (type, size, image dimensions and thumbnail, duration).
   *
   * @example
   * ```ts
   * const file = await api.uploadFile(await readFile('welcome.png'), { name: 'welcome.png' });
   * await api.sendPrivateMessage({ senderUserId: 'bot', targetId: 'u1', messageType: MessageType.IMAGE,
   *   content: { url: file.url, width: file.width!, height: file.height! } });
   * ```
   */
  uploadFile(data: Blob | Uint8Array | ArrayBuffer, options: { name: string; type?: string }): Promise<UploadedFile> {
    const blob = data instanceof Blob ? data : new Blob([data instanceof ArrayBuffer ? data : new Uint8Array(data)], options.type ? { type: options.type } : {});
    return this.#transport.upload(blob, options.name);
  }

  /** A page of history, newest first; pass the last `msgId` as `lastmsgId` for the next page. */
  getSessionMessages(request: SessionMessagesRequest) {
    return this.request('/session/messages', request);
  }

  /** Recalls a message, as `userId` (their rights and windows apply) or as the backend (any message, any time). */
  recallMessage(request: RecallMessageRequest) {
    return this.request('/message/recall', request);
  }

  /**
   * Calls any open-API route by path with typed fields and result. The named methods above are
   * thin wrappers around this.
   */
  request<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    return this.#transport.call(path, fields);
  }

  /** Signs `fields` as the open API expects; exposed for callers that send requests themselves. */
  sign(fields: object): Record<string, unknown> & SignatureParams {
    return this.#transport.sign(fields);
  }
}

function withClientMsgId(request: SendMessageRequest): SendMessageRequest {
  return request.clientMsgId === undefined ? { ...request, clientMsgId: randomUUID() } : request;
}
