import { Limits } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import { JOIN_REQUEST_LIST_MAX, MAX_PENDING_JOIN_REQUESTS } from '../../domain/groups/group-joining.js';
import {
  answerJoinRequestPayload,
  groupIdPayload,
  groupJoinRequestsPayload,
  inviteResultModel,
  joinGroupPayload,
  joinGroupResultModel,
  joinRequestModel,
  groupMembersPayload,
  groupUsersPayload,
  muteGroupMembersPayload,
  setGroupNicknamePayload,
  transferGroupPayload,
  updateGroupPayload,
} from '../../schemas/groups.js';
import { groupMemberModel, groupMembersChangeModel, groupModel } from '../../schemas/models.js';
import { socketRequest } from '../socket-request.js';
import { exampleGroup, exampleGroupMember, exampleJoinRequest, exampleMembersChange } from './examples.js';

const GUIDE = 'See [group administration](../guides/groups.md).';
const NOT_A_MEMBER = { code: 'FORBIDDEN', when: '`groupId: user <you> is not a member of group <id>`' } as const;
const NO_GROUP = { code: 'NOT_FOUND', when: '`group <id> does not exist`' } as const;
const events = (which: string) => `Every member's devices get the ${which} as a [\`new-message\`](#new-message) of type 8 (\`GROUP_EVENT\`), stored in the group's history.`;

/** A member's own view of their groups, and running them as owner or admin. */
export function groupRequests(services: Services) {
  const { groups, groupAdmin, groupJoining } = services;
  return [
    socketRequest({
      name: 'group-info',
      summary: 'One of your groups: name, avatar, description, announcement, mute-all, join policy, owner and size.',
      description: GUIDE,
      input: groupIdPayload,
      output: groupModel,
      errors: [NO_GROUP, NOT_A_MEMBER],
      example: { payload: { groupId: 'book-club' }, data: exampleGroup },
      handle: (input, { ctx, userId }) => groups.info(ctx, input.groupId, userId),
    }),
    socketRequest({
      name: 'group-members',
      summary: 'Members of one of your groups in join order, with role, nickname and mute: all of them, or a page.',
      description: `Page through a large group with \`offset\` and \`limit\` (at most ${Limits.GROUP_MEMBER_PAGE_MAX}); \`mutedUntil\` is null for a member whose mute has ended. ${GUIDE}`,
      input: groupMembersPayload,
      output: z.array(groupMemberModel),
      errors: [NO_GROUP, NOT_A_MEMBER],
      example: { payload: { groupId: 'book-club', offset: 0, limit: 100 }, data: [exampleGroupMember] },
      handle: (input, { ctx, userId }) => groups.members(ctx, input.groupId, { offset: input.offset ?? 0, ...(input.limit === undefined ? {} : { limit: input.limit }) }, userId),
    }),
    socketRequest({
      name: 'update-group',
      summary: "Owner and admins: changes the group's name, avatar, description, announcement, mute-all or join policy.",
      description: `Only the fields given change; a request that changes nothing writes nothing. ${events('`info-changed`, `announcement-changed` and `muted-all` events (one per kind of change)')} While \`mutedAll\` is true, ordinary members' sends are refused with \`MUTED\`. ${GUIDE}`,
      input: updateGroupPayload,
      output: groupModel,
      errors: [
        { code: 'INVALID_PARAMS', when: 'a field out of range (a name over 100 characters, a description over 2000, an unknown join policy)' },
        NO_GROUP,
        { code: 'FORBIDDEN', when: 'you are not a member, or an ordinary member' },
      ],
      example: { payload: { groupId: 'book-club', announcement: 'We meet on Friday at 7.', mutedAll: false }, data: exampleGroup },
      handle: (input, { ctx, userId }) => groupAdmin.update(ctx, input, userId),
    }),
    socketRequest({
      name: 'add-group-admins',
      summary: 'Owner: makes members admins.',
      description: `Members who are admins already are skipped (not in \`changed\`). ${events('`role-changed` event')} ${GUIDE}`,
      input: groupUsersPayload,
      output: groupMembersChangeModel,
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are not the owner; a user named is not a member, or is the owner' }],
      example: { payload: { groupId: 'book-club', userIds: ['bob'] }, data: exampleMembersChange },
      handle: (input, { ctx, userId }) => groupAdmin.setAdmins(ctx, input.groupId, input.userIds, true, userId),
    }),
    socketRequest({
      name: 'remove-group-admins',
      summary: 'Owner: makes admins ordinary members again.',
      description: `Members who are not admins are skipped. ${events('`role-changed` event')} ${GUIDE}`,
      input: groupUsersPayload,
      output: groupMembersChangeModel,
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are not the owner; a user named is not a member, or is the owner' }],
      example: { payload: { groupId: 'book-club', userIds: ['bob'] }, data: exampleMembersChange },
      handle: (input, { ctx, userId }) => groupAdmin.setAdmins(ctx, input.groupId, input.userIds, false, userId),
    }),
    socketRequest({
      name: 'transfer-group',
      summary: 'Owner: hands the group to another member; you become an ordinary member.',
      description: `${events('`owner-changed` event')} ${GUIDE}`,
      input: transferGroupPayload,
      output: groupModel,
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are not the owner, or `ownerId` is not a member' }],
      example: { payload: { groupId: 'book-club', ownerId: 'bob' }, data: exampleGroup },
      handle: (input, { ctx, userId }) => groupAdmin.transfer(ctx, input.groupId, input.ownerId, userId),
    }),
    socketRequest({
      name: 'remove-group-members',
      summary: 'Owner and admins: removes members below them.',
      description: `The owner may remove anyone else, an admin only ordinary members; non-members are skipped. The removed keep the conversation up to that event, and nothing after it (their session reads \`ended: true\`). ${events('`removed` event')} The removed users' devices get it too. ${GUIDE}`,
      input: groupUsersPayload,
      output: groupMembersChangeModel,
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are an ordinary member, you named yourself (leave instead), or an admin named the owner or another admin' }],
      example: { payload: { groupId: 'book-club', userIds: ['dave'] }, data: exampleMembersChange },
      handle: (input, { ctx, userId }) => groups.removeMembers(ctx, input.groupId, userId, input.userIds),
    }),
    socketRequest({
      name: 'leave-group',
      summary: 'Leaves one of your groups.',
      description: `An owner who leaves hands the group to the earliest admin, else the earliest member (an \`owner-changed\` event follows); the last member leaving dismisses the group. Whoever leaves keeps the conversation up to that event (their session reads \`ended: true\`). ${events('`left` event')} ${GUIDE}`,
      input: groupIdPayload,
      output: groupMembersChangeModel,
      errors: [NO_GROUP, NOT_A_MEMBER],
      example: { payload: { groupId: 'book-club' }, data: { ...exampleMembersChange, changed: ['carol'] } },
      handle: (input, { ctx, userId }) => groups.leave(ctx, input.groupId, userId),
    }),
    socketRequest({
      name: 'dismiss-group',
      summary: 'Owner: dismisses the group.',
      description: `Every member's devices get a \`dismissed\` event (a [\`new-message\`](#new-message) of type 8); then the group is deleted, and the conversation stays for its former members, ended at that event (\`ended: true\` in their session list; history reads up to it), until a group is created again under the same id, which starts afresh. ${GUIDE}`,
      input: groupIdPayload,
      output: z.null(),
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are not the owner' }],
      example: { payload: { groupId: 'book-club' }, data: null },
      handle: async (input, { ctx, userId }) => {
        await groups.dismiss(ctx, input.groupId, userId);
        return null;
      },
    }),
    socketRequest({
      name: 'set-group-nickname',
      summary: "Sets your nickname in a group (its members see it as your name on your messages there), or, as owner or admin, a member's below you.",
      description: `'' clears it. No event is written: the nickname shows on the member's messages, in history too, and in \`group-members\`. ${GUIDE}`,
      input: setGroupNicknamePayload,
      output: groupMemberModel,
      errors: [
        { code: 'INVALID_PARAMS', when: `\`nickname\` over ${Limits.GROUP_NICKNAME_MAX} characters or with control characters` },
        NO_GROUP,
        { code: 'FORBIDDEN', when: "you or `userId` is not a member; another member's nickname, when you do not outrank them" },
      ],
      example: { payload: { groupId: 'book-club', nickname: 'Bob (host)' }, data: exampleGroupMember },
      handle: (input, { ctx, userId }) => groupAdmin.updateMember(ctx, input.groupId, input.userId ?? userId, { nickname: input.nickname }, userId),
    }),
    socketRequest({
      name: 'mute-group-members',
      summary: 'Owner and admins: mutes members below them for `duration` seconds, or lifts their mute with 0.',
      description: `A muted member's sends are refused with \`MUTED\` and \`mutedUntil\` until then; the mute ends by itself. Muting again starts the duration again. ${events('`muted` or `unmuted` event')} ${GUIDE}`,
      input: muteGroupMembersPayload,
      output: groupMembersChangeModel,
      errors: [
        { code: 'INVALID_PARAMS', when: `\`duration\` outside 0-${Limits.GROUP_MUTE_SECONDS_MAX}` },
        NO_GROUP,
        { code: 'FORBIDDEN', when: 'you are an ordinary member; a user named is not a member, or not below you' },
      ],
      example: { payload: { groupId: 'book-club', userIds: ['dave'], duration: 600 }, data: { ...exampleMembersChange, changed: ['dave'] } },
      handle: (input, { ctx, userId }) => groupAdmin.mute(ctx, input.groupId, input.userIds, input.duration, userId),
    }),
    socketRequest({
      name: 'join-group',
      summary: 'Joins a group whose join policy is `free`, or asks to join one that needs `approval`.',
      description: `A \`free\` group adds you at once (a \`joined\` event): \`joined\` is true. An \`approval\` group answers your pending [join request](#joinrequest) (asking again answers the same one); its owner and admins get [\`group-join-request\`](#group-join-request), and you get [\`group-join-request-answered\`](#group-join-request-answered) when one of them decides. Already a member: \`joined\` true, nothing changes. A group holds at most ${MAX_PENDING_JOIN_REQUESTS} pending requests. ${GUIDE}`,
      input: joinGroupPayload,
      output: joinGroupResultModel,
      errors: [
        NO_GROUP,
        { code: 'FORBIDDEN', when: '`groupId: group <id> takes members by invitation only` (join policy `invite`)' },
        { code: 'CONFLICT', when: 'the group is full (`maxGroupMembers`)' },
        { code: 'QUOTA_EXCEEDED', when: `the group has ${MAX_PENDING_JOIN_REQUESTS} requests waiting` },
      ],
      rateLimit: 'signal',
      example: { payload: { groupId: 'book-club', message: 'I read the first one already' }, data: { groupId: 'book-club', joined: false, request: exampleJoinRequest } },
      handle: (input, { ctx, userId }) => groupJoining.ask(ctx, input.groupId, userId, input.message ?? ''),
    }),
    socketRequest({
      name: 'invite-to-group',
      summary: 'Invites users to one of your groups.',
      description: `They are added at once (\`added\`, with a \`joined\` event naming you), except when you are an ordinary member of an \`approval\` group: each invitation is then a join request for the owner and admins (\`requested\`). Members already in the group are skipped. ${GUIDE}`,
      input: groupUsersPayload,
      output: inviteResultModel,
      errors: [NO_GROUP, NOT_A_MEMBER, { code: 'NOT_FOUND', when: '`userIds: user <id> does not exist; …`' }, { code: 'CONFLICT', when: 'the group would pass `maxGroupMembers`' }],
      rateLimit: 'signal',
      example: { payload: { groupId: 'book-club', userIds: ['erin'] }, data: { groupId: 'book-club', added: ['erin'], requested: [], memberCount: 5 } },
      handle: (input, { ctx, userId }) => groupJoining.invite(ctx, input.groupId, userId, input.userIds),
    }),
    socketRequest({
      name: 'group-join-requests',
      summary: "Owner and admins: the group's pending join requests and invitations, oldest first.",
      description: `A page of at most ${JOIN_REQUEST_LIST_MAX} (\`limit\`, the default), after skipping \`offset\`; a group holds at most ${MAX_PENDING_JOIN_REQUESTS} pending. ${GUIDE}`,
      input: groupJoinRequestsPayload,
      output: z.array(joinRequestModel),
      errors: [NO_GROUP, { code: 'FORBIDDEN', when: 'you are not the owner or an admin' }],
      example: { payload: { groupId: 'book-club', offset: 0, limit: 50 }, data: [exampleJoinRequest] },
      handle: (input, { ctx, userId }) => groupJoining.pending(ctx, input.groupId, userId, input),
    }),
    socketRequest({
      name: 'my-join-requests',
      summary: 'Your own pending requests to join groups, and invitations of you that wait for approval, oldest first.',
      description: `At most ${JOIN_REQUEST_LIST_MAX}. A device that was offline when a request was answered learns of it here: a request no longer listed was decided (joined groups are in the session list). ${GUIDE}`,
      input: null,
      output: z.array(joinRequestModel),
      errors: [],
      example: { data: [exampleJoinRequest] },
      handle: (_input, { ctx, userId }) => groupJoining.mine(ctx, userId),
    }),
    socketRequest({
      name: 'answer-join-request',
      summary: 'Owner and admins: approves (adding the user) or rejects a join request.',
      description: `Approving adds the user with a \`joined\` event naming you. The user, the inviter and the group's owner and admins get [\`group-join-request-answered\`](#group-join-request-answered). Answering a request again the same way answers it as it is. ${GUIDE}`,
      input: answerJoinRequestPayload,
      output: joinRequestModel,
      errors: [
        { code: 'NOT_FOUND', when: '`requestId: no join request <id> to a group you run`' },
        { code: 'FORBIDDEN', when: 'you are an ordinary member of its group' },
        { code: 'CONFLICT', when: 'it was decided the other way already, or the group is full' },
      ],
      example: { payload: { requestId: exampleJoinRequest.requestId, approve: true }, data: { ...exampleJoinRequest, status: 'approved', decidedBy: 'alice', decidedAt: 1795426100000 } },
      handle: (input, { ctx, userId }) => groupJoining.answer(ctx, input.requestId, input.approve, userId),
    }),
  ];
}
