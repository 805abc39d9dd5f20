import type { Group, GroupMember, JoinRequest } from '../protocol/models.js';
import type { GroupMembersChangeResult, InviteResult, JoinGroupResult } from '../protocol/open-api.js';
import type { GroupMembersPayload, UpdateGroupPayload } from '../protocol/realtime.js';
import type { Requests } from './requests.js';

/** What {@link ParleyGroups.update} changes; leave a field out to keep it. */
export type GroupUpdate = Omit<UpdateGroupPayload, 'groupId'>;

/** A page of {@link ParleyGroups.members}. */
export type GroupMemberPage = Omit<GroupMembersPayload, 'groupId'>;

/**
 * The connected user's groups: their facts and members, and running them as owner or admin.
 * Reach it as `client.groups`. Every method waits for the connection and rejects with a
 * {@link ParleyError} carrying the server's code (`FORBIDDEN` for a role that may not, as the
 * client's other requests do).
 *
 * What happens in a group arrives as an ordinary `new-message` of type `MessageType.GROUP_EVENT`
 * (8): stored in the group's history with its own `seq`, so it is synced after a reconnect like
 * any message. Its `content.event` says what happened, `content.content` says it in a sentence.
 *
 * @example
 * ```ts
 * client.on('new-message', (message) => {
 *   if (message.recall === null && message.messageType === MessageType.GROUP_EVENT) showNotice(message.content.content);
 * });
 * await client.groups.update('book-club', { announcement: 'We meet on Friday at 7.' });
 * await client.groups.mute('book-club', ['dave'], 10 * 60);
 * ```
 */
export class ParleyGroups {
  readonly #requests: Requests;

  /** @internal */
  constructor(requests: Requests) {
    this.#requests = requests;
  }

  /** One of your groups: name, avatar, description, announcement, mute-all, join policy, owner and size. */
  info(groupId: string): Promise<Group> {
    return this.#requests.request('group-info', { groupId });
  }

  /** Members in join order with role, nickname and mute: all, or a page (`offset`, `limit` up to 1000). */
  members(groupId: string, page: GroupMemberPage = {}): Promise<GroupMember[]> {
    return this.#requests.request('group-members', { groupId, ...page });
  }

  /**
   * Owner and admins: changes the name, avatar, description, announcement (`''` clears it),
   * mute-all or join policy. Resolves with the group as it is now.
   */
  update(groupId: string, changes: GroupUpdate): Promise<Group> {
    return this.#requests.request('update-group', { groupId, ...changes });
  }

  /** Owner: makes members admins; `changed` names those who were not. */
  addAdmins(groupId: string, userIds: string[]): Promise<GroupMembersChangeResult> {
    return this.#requests.request('add-group-admins', { groupId, userIds });
  }

  /** Owner: makes admins ordinary members again. */
  removeAdmins(groupId: string, userIds: string[]): Promise<GroupMembersChangeResult> {
    return this.#requests.request('remove-group-admins', { groupId, userIds });
  }

  /** Owner: hands the group to another member; you become an ordinary member. */
  transfer(groupId: string, ownerId: string): Promise<Group> {
    return this.#requests.request('transfer-group', { groupId, ownerId });
  }

  /** Owner and admins: removes members below them (the owner anyone else, an admin ordinary members). */
  removeMembers(groupId: string, userIds: string[]): Promise<GroupMembersChangeResult> {
    return this.#requests.request('remove-group-members', { groupId, userIds });
  }

  /** Leaves a group; an owner who leaves hands it over, the last member dismisses it. */
  leave(groupId: string): Promise<GroupMembersChangeResult> {
    return this.#requests.request('leave-group', { groupId });
  }

  /**
   * Joins a group whose join policy is `free` (`joined: true`), or asks to join one that needs
   * `approval` (`request`, pending; its owner and admins get a `group-join-request` event, and you
   * get `group-join-request-answered` when they decide). An `invite` group refuses with `FORBIDDEN`.
   */
  join(groupId: string, message = ''): Promise<JoinGroupResult> {
    return this.#requests.request('join-group', { groupId, message });
  }

  /**
   * Invites users to one of your groups. They are added at once (`added`), except when you are an
   * ordinary member of an `approval` group: then each invitation waits for the owner or an admin
   * (`requested`).
   */
  invite(groupId: string, userIds: string[]): Promise<InviteResult> {
    return this.#requests.request('invite-to-group', { groupId, userIds });
  }

  /**
   * Owner and admins: the group's pending join requests and invitations, oldest first; a page of
   * at most `Limits.JOIN_REQUEST_PAGE_MAX` (100, the default `limit`) after skipping `offset`.
   */
  joinRequests(groupId: string, page: { offset?: number; limit?: number } = {}): Promise<JoinRequest[]> {
    return this.#requests.request('group-join-requests', { groupId, ...page });
  }

  /**
   * Your own requests to join groups that are still undecided, and invitations of you waiting for
   * approval, oldest first. A request that is no longer listed was answered (a device that was
   * offline then missed `group-join-request-answered`): you are in the group, or were turned down.
   */
  myJoinRequests(): Promise<JoinRequest[]> {
    return this.#requests.request('my-join-requests');
  }

  /** Owner and admins: approves (adding the user) or rejects a join request. */
  answerJoinRequest(requestId: string, approve: boolean): Promise<JoinRequest> {
    return this.#requests.request('answer-join-request', { requestId, approve });
  }

  /**
   * Owner: dismisses the group. Every member gets a `dismissed` event, and their session of it
   * ends there (`ended: true`): the history stays readable up to it.
   */
  async dismiss(groupId: string): Promise<void> {
    await this.#requests.request('dismiss-group', { groupId });
  }

  /**
   * Your nickname in the group (up to 64 characters, `''` clears it), shown to its members as
   * your name on your messages there; owner and admins may pass `userId` for a member below them.
   */
  setNickname(groupId: string, nickname: string, userId?: string): Promise<GroupMember> {
    return this.#requests.request('set-group-nickname', { groupId, nickname, ...(userId === undefined ? {} : { userId }) });
  }

  /**
   * Owner and admins: mutes members below them for `seconds` (up to 366 days), or lifts their
   * mute with 0. A muted member's sends reject with `MUTED` and `mutedUntil`.
   */
  mute(groupId: string, userIds: string[], seconds: number): Promise<GroupMembersChangeResult> {
    return this.#requests.request('mute-group-members', { groupId, userIds, duration: seconds });
  }
}
