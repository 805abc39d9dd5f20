import { ErrorCode, Limits } from '@parley/sdk/protocol';
import type { Services } from '../../domain/services.js';
import { z } from 'zod';
import { JOIN_REQUEST_LIST_MAX, MAX_PENDING_JOIN_REQUESTS } from '../../domain/groups/group-joining.js';
import {
  groupAdminsRequest,
  groupJoinRequestsRequest,
  inviteResultModel,
  joinRequestIdRequest,
  joinRequestModel,
  muteGroupMembersRequest,
  transferGroupRequest,
  updateGroupMemberRequest,
  updateGroupRequest,
} from '../../schemas/groups.js';
import { groupMemberModel, groupMembersChangeModel, groupModel } from '../../schemas/models.js';
import { inviteToGroupRequest, userIdRequest } from '../../schemas/open-api.js';
import { signedRoute, type Route } from '../route.js';

const { CONFLICT, FORBIDDEN, NOT_FOUND } = ErrorCode;

const OPERATOR =
  "With `operatorId` the backend acts for that member: their role's rules apply (FORBIDDEN otherwise) and the group event names them; without it the backend acts as the app and may do anything.";
const EVENT = (which: string) => `Every member's devices get the ${which} as a \`new-message\` of type 8 (\`GROUP_EVENT\`), stored in the group's history.`;

/** The signed group administration routes (docs/guides/groups.md). */
export function groupAdminRoutes(services: Services): Route[] {
  const { groupAdmin, groupJoining } = services;
  return [
    signedRoute({
      method: 'POST',
      path: '/group/update',
      tag: 'Groups',
      summary: "Change a group's name, avatar, description, announcement, mute-all or join policy",
      description: `Only the fields given change; \`clear\` empties the description or the announcement (an empty field counts as left out of a signed request). A request that changes nothing writes nothing and answers the group as it is. ${EVENT('`info-changed`, `announcement-changed` and `muted-all` events (one per kind of change)')} While \`mutedAll\` is true only the owner and admins may send; others get \`MUTED\`. ${OPERATOR}`,
      successMessage: 'group updated',
      input: updateGroupRequest,
      output: groupModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', announcement: 'Release on Friday', mutedAll: true },
      handle: (input, app) => groupAdmin.update(app, input, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/admins/add',
      tag: 'Groups',
      summary: 'Make members admins',
      description: `Admins edit the group, remove and mute ordinary members and recall their messages. Members who are admins already are skipped; every user named must be a member and not the owner (FORBIDDEN). ${EVENT('`role-changed` event')} As \`operatorId\`, only the owner may. ${OPERATOR}`,
      successMessage: 'admins added',
      input: groupAdminsRequest,
      output: groupMembersChangeModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', userIds: ['bob'] },
      handle: (input, app) => groupAdmin.setAdmins(app, input.groupId, input.userIds, true, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/admins/remove',
      tag: 'Groups',
      summary: 'Make admins members again',
      description: `Members who are not admins are skipped. ${EVENT('`role-changed` event')} As \`operatorId\`, only the owner may. ${OPERATOR}`,
      successMessage: 'admins removed',
      input: groupAdminsRequest,
      output: groupMembersChangeModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', userIds: ['bob'] },
      handle: (input, app) => groupAdmin.setAdmins(app, input.groupId, input.userIds, false, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/transfer',
      tag: 'Groups',
      summary: 'Hand a group to another member',
      description: `\`ownerId\` (a member) becomes the owner and the owner before becomes an ordinary member; naming the current owner changes nothing. ${EVENT('`owner-changed` event')} As \`operatorId\`, only the owner may. ${OPERATOR}`,
      successMessage: 'group transferred',
      input: transferGroupRequest,
      output: groupModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', ownerId: 'bob' },
      handle: (input, app) => groupAdmin.transfer(app, input.groupId, input.ownerId, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/member/update',
      tag: 'Groups',
      summary: "Set a member's nickname or do-not-disturb in a group",
      description: `The nickname ("group card", up to ${Limits.GROUP_NICKNAME_MAX} characters; \`clear: ["nickname"]\` empties it) is shown as the member's name on their messages in that group, in history too. As \`operatorId\`, a member may set their own, and the owner and admins those of members below them. \`doNotDisturb\` turns the member's notifications of the group off or on: it shows as \`doNotDisturb\` in their session list and their devices get \`session-do-not-disturb\`; only the member (or the app) may set it. Fields left out stay as they are. ${OPERATOR}`,
      successMessage: 'member updated',
      input: updateGroupMemberRequest,
      output: groupMemberModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', userId: 'bob', nickname: 'Bob (release manager)' },
      handle: (input, app) => {
        const nickname = input.clear?.includes('nickname') ? '' : input.nickname;
        return groupAdmin.updateMember(
          app,
          input.groupId,
          input.userId,
          { ...(nickname === undefined ? {} : { nickname }), ...(input.doNotDisturb === undefined ? {} : { doNotDisturb: input.doNotDisturb }) },
          input.operatorId ?? null,
        );
      },
    }),
    signedRoute({
      method: 'POST',
      path: '/group/mute',
      tag: 'Groups',
      summary: 'Mute group members for a while, or lift their mute',
      description: `Each user named (all members) may not send in the group for \`duration\` seconds (at most ${Limits.GROUP_MUTE_SECONDS_MAX}, 366 days): their sends get \`MUTED\` with \`mutedUntil\`, over REST as on their devices. The mute ends by itself; \`duration\` 0 lifts it (\`changed\` names those who were muted). Muting again starts the duration again. ${EVENT('`muted` or `unmuted` event')} As \`operatorId\`, the owner and admins may mute members below them. ${OPERATOR}`,
      successMessage: 'members muted',
      input: muteGroupMembersRequest,
      output: groupMembersChangeModel,
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', userIds: ['carol'], duration: 600 },
      handle: (input, app) => groupAdmin.mute(app, input.groupId, input.userIds, input.duration, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/invite',
      tag: 'Groups',
      summary: 'A member invites users, as from their device',
      description: `\`operatorId\` invites \`userIds\` under the group's join policy: users join at once (a \`joined\` event naming the inviter), or, when an ordinary member invites into an \`approval\` group, each invitation becomes a join request that the owner and admins decide (\`requested\`). Users already in the group are skipped. The operator must be a member (FORBIDDEN otherwise). To add users as the app, whatever the policy, use \`/group/join\`.`,
      successMessage: 'ok',
      input: inviteToGroupRequest,
      output: inviteResultModel,
      errors: [NOT_FOUND, FORBIDDEN, CONFLICT],
      example: { groupId: 'team', userIds: ['carol'], operatorId: 'alice' },
      handle: (input, app) => groupJoining.invite(app, input.groupId, input.operatorId, input.userIds, 'operatorId'),
    }),
    signedRoute({
      method: 'GET',
      path: '/group/join/requests',
      tag: 'Groups',
      summary: "A group's pending join requests",
      description: `Requests of users asking to join an \`approval\` group, and invitations by its ordinary members, oldest first: a page of at most ${JOIN_REQUEST_LIST_MAX} (\`limit\`, the default) after skipping \`offset\`; a group holds at most ${MAX_PENDING_JOIN_REQUESTS} pending. As \`operatorId\`, the owner and admins may. ${OPERATOR}`,
      successMessage: 'ok',
      input: groupJoinRequestsRequest,
      output: z.array(joinRequestModel),
      errors: [NOT_FOUND, FORBIDDEN],
      example: { groupId: 'team', offset: 0, limit: 50 },
      handle: (input, app) => groupJoining.pending(app, input.groupId, input.operatorId ?? null, input),
    }),
    signedRoute({
      method: 'GET',
      path: '/user/join/requests',
      tag: 'Groups',
      summary: "A user's own pending join requests",
      description: `The requests \`userId\` made to join groups and invitations of them that wait for approval, oldest first (at most ${JOIN_REQUEST_LIST_MAX}). Decided requests are not listed: the user is in the group, or was turned down.`,
      successMessage: 'ok',
      input: userIdRequest,
      output: z.array(joinRequestModel),
      errors: [NOT_FOUND],
      example: { userId: 'alice' },
      handle: (input, app) => groupJoining.mine(app, input.userId),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/join/approve',
      tag: 'Groups',
      summary: 'Approve a join request',
      description: `Adds the user (a \`joined\` event) and marks the request approved; the user, the inviter and the group's owner and admins get \`group-join-request-answered\`. Approving again answers the same request; one that was rejected is a CONFLICT, as is a full group (the request then stays pending). ${OPERATOR}`,
      successMessage: 'join request approved',
      input: joinRequestIdRequest,
      output: joinRequestModel,
      errors: [NOT_FOUND, FORBIDDEN, CONFLICT],
      example: { requestId: '6b04082027b2d5031f2298c1' },
      handle: (input, app) => groupJoining.answer(app, input.requestId, true, input.operatorId ?? null),
    }),
    signedRoute({
      method: 'POST',
      path: '/group/join/reject',
      tag: 'Groups',
      summary: 'Reject a join request',
      description: `Marks the request rejected (the user may ask again); the user, the inviter and the group's owner and admins get \`group-join-request-answered\`. ${OPERATOR}`,
      successMessage: 'join request rejected',
      input: joinRequestIdRequest,
      output: joinRequestModel,
      errors: [NOT_FOUND, FORBIDDEN, CONFLICT],
      example: { requestId: '6b04082027b2d5031f2298c1' },
      handle: (input, app) => groupJoining.answer(app, input.requestId, false, input.operatorId ?? null),
    }),
  ];
}
