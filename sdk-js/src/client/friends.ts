import type { ContactList, Friend, FriendGroup, FriendRequest, FriendRequestList } from '../protocol/models.js';
import type { Requests } from './requests.js';

/** What {@link ParleyFriends.update} changes; leave a field out to keep it. */
export interface FriendUpdate {
  /** Your name for the friend, up to 64 characters; `''` clears it. */
  remark?: string;
  /** One of your friend groups, or `null` for none. */
  friendGroupId?: string | null;
}

/**
 * Friends of the connected user: requests, the contact list with presence, remarks and friend
 * groups. Reach it as `client.friends`. Every method waits for the connection and rejects with a
 * {@link ParleyError} carrying the server's code, as the client's other requests do.
 *
 * What others do arrives as client events: `friend-request` (someone asked you),
 * `friend-request-answered` (your request was accepted or rejected), `friend-added`,
 * `friend-removed`, and `friend-updated` / `friend-groups-changed` for changes made on your other
 * devices. Call {@link requests} after connecting to see what happened while you were offline.
 *
 * @example
 * ```ts
 * client.on('friend-request', (request) => showPrompt(`${request.from.name}: ${request.message}`));
 * await client.friends.request('alice', "Hi, it's Bob from the book club");
 * // on Alice's device
 * const { incoming } = await client.friends.requests();
 * const bob = await client.friends.accept(incoming[0].requestId);
 * ```
 */
export class ParleyFriends {
  readonly #requests: Requests;

  /** @internal */
  constructor(requests: Requests) {
    this.#requests = requests;
  }

  /**
   * Asks `userId` to become friends, with an optional message (up to 200 characters). Resolves
   * with the request, pending. Asking again while it is pending resolves with the same request;
   * when `userId` had already asked you, this accepts their request (resolved `accepted`).
   *
   * Rejects with `CONFLICT` when you are friends already, `NOT_FOUND` for an unknown user,
   * `QUOTA_EXCEEDED` with 100 requests unanswered or a full friend list.
   */
  request(userId: string, message = ''): Promise<FriendRequest> {
    return this.#requests.request('send-friend-request', { userId, message });
  }

  /** Accepts a request made to you; resolves with your new friend. */
  accept(requestId: string): Promise<Friend> {
    return this.#requests.request('accept-friend-request', { requestId });
  }

  /** Turns down a request made to you; the requester is told and may ask again. */
  reject(requestId: string): Promise<FriendRequest> {
    return this.#requests.request('reject-friend-request', { requestId });
  }

  /** Your requests, newest first, both ways (`incoming`, `outgoing`), pending and answered: at most 100 each. */
  requests(): Promise<FriendRequestList> {
    return this.#requests.request('friend-requests');
  }

  /** Ends friendships, for both sides; resolves with the ids that were your friends. */
  async remove(userIds: string[]): Promise<string[]> {
    return (await this.#requests.request('remove-friends', { userIds })).changed;
  }

  /**
   * Your friend groups in order, and every friend (oldest friendship first) with your remark,
   * their friend group and their presence. `presence` events keep the presence current.
   *
   * @example
   * ```ts
   * const { friendGroups, friends } = await client.friends.list();
   * for (const group of [...friendGroups, { friendGroupId: null, name: 'Friends' }]) {
   *   const members = friends.filter((friend) => friend.friendGroupId === group.friendGroupId);
   *   console.log(group.name, members.map((friend) => friend.remark || friend.name));
   * }
   * ```
   */
  list(): Promise<ContactList> {
    return this.#requests.request('contact-list');
  }

  /** Sets your remark for a friend and/or moves them to a friend group; only you see either. */
  update(userId: string, update: FriendUpdate): Promise<Friend> {
    return this.#requests.request('update-friend', { userId, ...update });
  }

  /** Adds a friend group (1-64 characters) at the end of your list; at most 50. */
  createGroup(name: string): Promise<FriendGroup> {
    return this.#requests.request('create-friend-group', { name });
  }

  renameGroup(friendGroupId: string, name: string): Promise<FriendGroup> {
    return this.#requests.request('rename-friend-group', { friendGroupId, name });
  }

  /** Puts these friend groups first, in this order (the others follow as they were); resolves with the whole list. */
  sortGroups(friendGroupIds: string[]): Promise<FriendGroup[]> {
    return this.#requests.request('sort-friend-groups', { friendGroupIds });
  }

  /** Deletes a friend group; its friends stay your friends, in no group. */
  async deleteGroup(friendGroupId: string): Promise<void> {
    await this.#requests.request('delete-friend-group', { friendGroupId });
  }
}
