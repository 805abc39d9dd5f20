import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import { MAX_FRIEND_GROUPS_PER_USER } from '../../domain/contacts/contact-list.js';
import { FRIEND_REQUEST_LIST_MAX, MAX_FRIENDS_PER_USER, MAX_PENDING_REQUESTS_PER_USER } from '../../domain/contacts/friend-service.js';
import {
  contactListModel,
  createFriendGroupPayload,
  friendGroupIdPayload,
  friendGroupModel,
  friendModel,
  friendRequestIdPayload,
  friendRequestListModel,
  friendRequestModel,
  friendsChangeResultModel,
  removeFriendsPayload,
  renameFriendGroupPayload,
  sendFriendRequestPayload,
  sortFriendGroupsPayload,
  updateFriendPayload,
} from '../../schemas/contacts.js';
import { socketRequest } from '../socket-request.js';
import { exampleAcceptedRequest, exampleContactList, exampleFriend, exampleFriendGroup, exampleFriendRequest } from './examples.js';

const GUIDE = 'See [contacts](../guides/contacts.md).';
const NO_REQUEST = { code: 'NOT_FOUND', when: '`requestId: no friend request <id> was made to user <you>`' } as const;

/** Friend requests, friendships and the user's own contact list. */
export function friendRequests(services: Services) {
  const { friends, contacts } = services;
  return [
    socketRequest({
      name: 'send-friend-request',
      summary: 'Asks another user to become friends; the ack is the request.',
      description: [
        `The recipient's devices get a [\`friend-request\`](#friend-request-push) push, and so do your other devices. Asking again while your request is pending answers the same request (no second push). When the other user had already asked you, this accepts their request instead: the ack is their request, now \`accepted\`, and both of you get [\`friend-added\`](#friend-added).`,
        `A user has at most ${MAX_PENDING_REQUESTS_PER_USER} unanswered requests out at once, and at most ${MAX_FRIENDS_PER_USER} friends. ${GUIDE}`,
      ].join('\n\n'),
      input: sendFriendRequestPayload,
      output: friendRequestModel,
      errors: [
        { code: 'INVALID_PARAMS', when: 'a malformed `userId`, or `message` over 200 characters' },
        { code: 'FORBIDDEN', when: '`targetId: a user cannot befriend themselves`' },
        { code: 'NOT_FOUND', when: '`targetId: user <id> does not exist; …`' },
        { code: 'CONFLICT', when: '`targetId: <you> and <id> are friends already`' },
        { code: 'QUOTA_EXCEEDED', when: 'too many unanswered requests, or too many friends on either side' },
      ],
      rateLimit: 'signal',
      example: { payload: { userId: 'alice', message: "Hi, it's Bob from the book club" }, data: exampleFriendRequest },
      handle: (input, { ctx, userId }) => friends.request(ctx, userId, input.userId, input.message),
    }),
    socketRequest({
      name: 'accept-friend-request',
      summary: 'Accepts a friend request made to you; the ack is your new friend.',
      description:
        'The requester\'s devices get [`friend-request-answered`](#friend-request-answered) and both sides get [`friend-added`](#friend-added) (your other devices too). Accepting a request you accepted already answers the same friend.',
      input: friendRequestIdPayload,
      output: friendModel,
      errors: [
        NO_REQUEST,
        { code: 'CONFLICT', when: 'the request was rejected, or accepted and the friendship has since ended' },
        { code: 'QUOTA_EXCEEDED', when: `either side has ${MAX_FRIENDS_PER_USER} friends` },
      ],
      rateLimit: 'signal',
      example: { payload: { requestId: exampleFriendRequest.requestId }, data: { ...exampleFriend, userId: 'bob', name: 'Bob', remark: '', friendGroupId: null } },
      handle: (input, { ctx, userId }) => friends.accept(ctx, userId, input.requestId),
    }),
    socketRequest({
      name: 'reject-friend-request',
      summary: 'Turns down a friend request made to you; the ack is the request, now `rejected`.',
      description: "The requester's devices (and your other devices) get [`friend-request-answered`](#friend-request-answered). The requester may ask again later.",
      input: friendRequestIdPayload,
      output: friendRequestModel,
      errors: [NO_REQUEST, { code: 'CONFLICT', when: '`requestId: friend request <id> was accepted already`' }],
      rateLimit: 'signal',
      example: { payload: { requestId: exampleFriendRequest.requestId }, data: { ...exampleFriendRequest, status: 'rejected', decidedAt: 1795426400000 } },
      handle: (input, { ctx, userId }) => friends.reject(ctx, userId, input.requestId),
    }),
    socketRequest({
      name: 'friend-requests',
      summary: 'Your friend requests, newest first: made to you (`incoming`) and by you (`outgoing`), pending and answered.',
      description: `At most ${FRIEND_REQUEST_LIST_MAX} each way. Call it after connecting: it shows what arrived or was answered while the device was offline.`,
      input: null,
      output: friendRequestListModel,
      errors: [],
      example: { data: { incoming: [], outgoing: [exampleAcceptedRequest] } },
      handle: (_input, { ctx, userId }) => friends.requests(ctx, userId),
    }),
    socketRequest({
      name: 'remove-friends',
      summary: 'Ends friendships, for both sides; ids that are not your friends are skipped.',
      description: 'Both sides\' devices get [`friend-removed`](#friend-removed). Your conversation and its history stay; under the app\'s `friends` [message policy](../guides/contacts.md#who-may-message-whom) neither of you may write to the other any more.',
      input: removeFriendsPayload,
      output: friendsChangeResultModel,
      errors: [{ code: 'INVALID_PARAMS', when: '`userIds: must name at least one user`' }],
      rateLimit: 'signal',
      example: { payload: { userIds: ['alice'] }, data: { changed: ['alice'] } },
      handle: (input, { ctx, userId }) => friends.remove(ctx, userId, input.userIds),
    }),
    socketRequest({
      name: 'contact-list',
      summary: 'Your friend groups, in order, and every friend (oldest friendship first) with remark, friend group and presence.',
      description: `Friends you have are always in your [presence scope](#presence-scope): your devices watch them from the moment they connect, so \`presence\` pushes keep the list current. At most ${MAX_FRIENDS_PER_USER} friends and ${MAX_FRIEND_GROUPS_PER_USER} friend groups.`,
      input: null,
      output: contactListModel,
      errors: [],
      example: { data: exampleContactList },
      handle: (_input, { ctx, userId }) => contacts.list(ctx, userId),
    }),
    socketRequest({
      name: 'update-friend',
      summary: 'Sets your remark (alias) for a friend and/or moves them to one of your friend groups (`friendGroupId: null`: none).',
      description: 'Only you see it. Your other devices get [`friend-updated`](#friend-updated).',
      input: updateFriendPayload,
      output: friendModel,
      errors: [{ code: 'NOT_FOUND', when: '`friendId: user <id> is not a friend of <you>`, or `friendGroupId: user <you> has no friend group <id>`' }],
      rateLimit: 'signal',
      example: { payload: { userId: 'alice', remark: 'Alice (book club)', friendGroupId: exampleFriendGroup.friendGroupId }, data: exampleFriend },
      handle: (input, { ctx, userId }) => contacts.updateFriend(ctx, userId, input.userId, input),
    }),
    socketRequest({
      name: 'create-friend-group',
      summary: 'Adds a friend group at the end of your list.',
      description: `At most ${MAX_FRIEND_GROUPS_PER_USER}. Your other devices get [\`friend-groups-changed\`](#friend-groups-changed).`,
      input: createFriendGroupPayload,
      output: friendGroupModel,
      errors: [{ code: 'QUOTA_EXCEEDED', when: `you have ${MAX_FRIEND_GROUPS_PER_USER} friend groups` }],
      rateLimit: 'signal',
      example: { payload: { name: 'Book club' }, data: exampleFriendGroup },
      handle: (input, { ctx, userId }) => contacts.createGroup(ctx, userId, input.name),
    }),
    socketRequest({
      name: 'rename-friend-group',
      summary: 'Renames one of your friend groups.',
      input: renameFriendGroupPayload,
      output: friendGroupModel,
      errors: [{ code: 'NOT_FOUND', when: '`friendGroupId: user <you> has no friend group <id>`' }],
      rateLimit: 'signal',
      example: { payload: { friendGroupId: exampleFriendGroup.friendGroupId, name: 'Readers' }, data: { ...exampleFriendGroup, name: 'Readers' } },
      handle: (input, { ctx, userId }) => contacts.renameGroup(ctx, userId, input.friendGroupId, input.name),
    }),
    socketRequest({
      name: 'sort-friend-groups',
      summary: 'Puts the named friend groups first, in the order given; the others follow in their present order. The ack is the whole list.',
      input: sortFriendGroupsPayload,
      output: z.array(friendGroupModel),
      errors: [{ code: 'NOT_FOUND', when: '`friendGroupIds: user <you> has no friend group <id>`' }],
      rateLimit: 'signal',
      example: { payload: { friendGroupIds: [exampleFriendGroup.friendGroupId] }, data: [exampleFriendGroup] },
      handle: (input, { ctx, userId }) => contacts.sortGroups(ctx, userId, input.friendGroupIds),
    }),
    socketRequest({
      name: 'delete-friend-group',
      summary: 'Deletes one of your friend groups; its friends stay your friends, in no group.',
      input: friendGroupIdPayload,
      output: z.null(),
      errors: [{ code: 'NOT_FOUND', when: '`friendGroupId: user <you> has no friend group <id>`' }],
      rateLimit: 'signal',
      example: { payload: { friendGroupId: exampleFriendGroup.friendGroupId }, data: null },
      handle: (input, { ctx, userId }) => contacts.deleteGroup(ctx, userId, input.friendGroupId),
    }),
  ];
}
