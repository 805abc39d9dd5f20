import type { ServerEventName } from '@parley/sdk/protocol';
import {
  kickedEventModel,
  messageModel,
  presenceStateModel,
  readReceiptEventModel,
  readyEventModel,
  sessionDoNotDisturbStateModel,
  sessionReadStateModel,
  typingEventModel,
} from '../schemas/models.js';
import { blocksChangedEventModel, friendGroupsChangedEventModel, friendModel, friendRemovedEventModel, friendRequestModel } from '../schemas/contacts.js';
import { groupMemberUpdatedEventModel, joinRequestModel } from '../schemas/groups.js';
import {
  exampleAcceptedRequest,
  exampleFriend,
  exampleFriendGroup,
  exampleFriendRequest,
  exampleGroupMember,
  exampleJoinRequest,
  exampleMessage,
  examplePresence,
  exampleReadState,
  exampleRecalledMessage,
} from './requests/examples.js';
import { socketPush, type MissingNames, type SocketPush } from './socket-request.js';

/**
 * Every push the server sends, declared once with its payload schema (checked against the
 * protocol's `ServerEvents`) and its reference text.
 */
const declared = [
  socketPush({
    name: 'ready',
    summary: 'The first event of every connection, right after the handshake is accepted (see [connecting](#accepted)).',
    description:
      "`serverTime` is the server's clock in ms since epoch; use it to correct a device clock that is off when you show relative times. `recallWindows` says how long the app lets a message be recalled, so an app offers Recall only while it can work. `ready` comes again after every reconnection: the place to [catch up](#sync-after-a-reconnect).",
    payload: readyEventModel,
    example: { appId: 'd6b43090a32351f9', userId: 'bob', platform: 'ios', serverTime: 1795426336270, recallWindows: { senderSeconds: 120, groupAdminSeconds: 7200 } },
  }),
  socketPush({
    name: 'new-message',
    summary: "A message was stored in one of the user's conversations. The payload is the [message](#message) (without `sendSession`).",
    description: [
      "Who receives it: every connected device of every participant (both users of a private chat, every current member of a group), **except the device that sent it**, which has the message in its ack. So the sender's other devices receive their own messages too (`senderUserId` is then the user); treat those as read. This holds whether the message was sent over a socket or by your backend through the REST API; a message sent by the backend reaches every device of both sides, the sender's included.",
      'A resend with the same `clientMsgId` is not pushed again. A member removed from a group stops receiving its messages at once.',
      'Pushes can be lost, for example when the connection drops. Keep the highest `seq` you have per conversation: a `new-message` whose `seq` is more than one above it means messages are missing; fetch them with [`sync-messages`](#sync-messages).',
    ].join('\n\n'),
    payload: messageModel,
    example: exampleMessage,
  }),
  socketPush({
    name: 'message-recalled',
    summary:
      "A message in one of the user's conversations was recalled. The payload is the message as it now reads, with `content: {}` and `recall: {by, at}`; replace your copy (match on `msgId`).",
    description:
      'Who receives it: every connected device of everyone in the conversation, except the device that recalled it. When your backend recalls a message (`POST /message/recall`), every device receives it.',
    payload: messageModel,
    example: exampleRecalledMessage,
  }),
  socketPush({
    name: 'session-read',
    summary: "One of the user's *other* devices moved the read mark of a session with `set-session-read`. The payload is the same read state the ack carried.",
    description:
      "Sent only when the mark actually moved; never to the device that moved it. Use it to clear unread badges everywhere at once. Sending a message also moves the sender's read mark, without a `session-read`: the sender's other devices learn it from the `new-message` of their own user.",
    payload: sessionReadStateModel,
    example: exampleReadState,
  }),
  socketPush({
    name: 'session-do-not-disturb',
    summary: "One of the user's *other* devices turned a session's do-not-disturb on or off (`set-do-not-disturb`, or the backend's `/group/member/update`). The payload is the session's new flag.",
    description: 'Sent only when the flag changed; never to the device that changed it.',
    payload: sessionDoNotDisturbStateModel,
    example: { sid: exampleReadState.sid, conversationType: 2, targetId: 'book-club', doNotDisturb: true },
  }),
  socketPush({
    name: 'read-receipt',
    summary: 'The other user of a private chat has read up to `readSeq`. Private chats only: groups have no read receipts.',
    description: [
      '`targetId` and `userId` are both the reader (from the receiver\'s side, the conversation is with the reader). Every device of the other user receives it, once per move of the mark. Every message of yours with `seq ≤ readSeq` has been read.',
      'Only `set-session-read` produces receipts. When the other user replies, their read mark moves to their reply without a receipt; the reply itself, arriving as `new-message`, shows that they have read everything before it.',
    ].join('\n\n'),
    payload: readReceiptEventModel,
    example: { conversationType: 1, targetId: 'bob', userId: 'bob', readSeq: 4 },
  }),
  socketPush({
    name: 'typing',
    summary: 'Someone is composing a message in a conversation the user belongs to.',
    description: [
      '- Private chat: every device of the other user receives `{conversationType: 1, targetId: <typist>, userId: <typist>}`; under the app\'s [presence scope](#presence-scope) `contacts` (the default), only when the two share a conversation.',
      '- Group: every device of every other member receives `{conversationType: 2, targetId: <groupId>, userId: <typist>}`.',
      '',
      "The typist's own devices never receive it. There is no \"stopped typing\" event: show the indicator for a few seconds after the last `typing`, and hide it as soon as a `new-message` from that user arrives in that conversation. Because senders are throttled to one event per 3 seconds, something around 5 seconds works well.",
    ].join('\n'),
    payload: typingEventModel,
    example: { conversationType: 2, targetId: 'team', userId: 'carol' },
  }),
  socketPush({
    name: 'presence',
    summary: 'A user came online (their first device connected) or went offline (their last device left). The payload is a presence state, as `presence-query` answers.',
    description: [
      'Who receives it:',
      '',
      "- **Contacts**: when a device connects, the server subscribes it to the other user of each of the user's private chats that exist at that moment, the most recently active first and no more than the connection's [watch limit](#presence-subscribe-request), which contacts share with subscriptions. Conversations started later are picked up at the next connection, or with `presence-subscribe`.",
      "- **Subscribers**: connections that called [`presence-subscribe`](#presence-subscribe) for that user while that user was in the subscriber's [presence scope](#presence-scope).",
      '',
      'A user is online while at least one device is connected. A second device connecting, or one of several devices leaving, pushes nothing; query if you need the current platform list. Offline is pushed only when the last device leaves, which for a device that vanished without closing (phone out of coverage) happens when the [heartbeat](#heartbeat) gives up on it.',
      '',
      'Presence is per app: the same user id in another app is another user.',
    ].join('\n'),
    payload: presenceStateModel,
    example: examplePresence[1]!,
  }),
  socketPush({
    name: 'friend-request',
    summary: 'Someone asked the user to become friends. The payload is the [friend request](#friendrequest).',
    description:
      "Who receives it: every device of the recipient, and the requester's other devices (so every device of theirs lists it). Not sent when the recipient blocks the requester: the request then stays pending for the requester alone. Devices that were offline find it with [`friend-requests`](#friend-requests).",
    payload: friendRequestModel,
    example: exampleFriendRequest,
  }),
  socketPush({
    name: 'friend-request-answered',
    summary: 'A friend request was accepted or rejected; the payload is the request with its new `status`.',
    description:
      "Who receives it: every device of the requester, and the recipient's other devices. An accepted request is followed by [`friend-added`](#friend-added) on both sides.",
    payload: friendRequestModel,
    example: exampleAcceptedRequest,
  }),
  socketPush({
    name: 'blocks-changed',
    summary: "The user's block list changed on another of their devices, or through the app's backend (`POST /user/block`, `/user/unblock`).",
    description:
      "Only the user's own devices receive it, except the device that made the change: the users blocked are never told (see [blocking](#block-users-request)). Only ids whose state changed are listed; read the whole list with [`block-list`](#block-list-request).",
    payload: blocksChangedEventModel,
    example: { blocked: ['spammer42'], unblocked: [] },
  }),
  socketPush({
    name: 'group-member-updated',
    summary: "A member of one of the user's groups has a new group nickname: the payload is the group and the [member](#groupmember) as they now are.",
    description:
      'Who receives it: every device of every member of the group, except the device that made the change. The nickname is `sendUser.name` of all the member\'s messages in the group, earlier ones included, when they are pushed or read from history; use this push to rename the ones already shown.',
    payload: groupMemberUpdatedEventModel,
    example: { groupId: 'book-club', member: exampleGroupMember },
  }),
  socketPush({
    name: 'group-join-request',
    summary: 'Someone asks to join a group you own or administer, or an ordinary member invited someone to it. The payload is the [join request](#joinrequest), pending.',
    description:
      "Who receives it: every device of the group's owner and admins, and of the inviter. Devices that were offline find the group's pending requests with [`group-join-requests`](#group-join-requests). Answer with [`answer-join-request`](#answer-join-request).",
    payload: joinRequestModel,
    example: exampleJoinRequest,
  }),
  socketPush({
    name: 'group-join-request-answered',
    summary: 'A join request was approved or rejected; the payload is the request with its new `status`.',
    description:
      "Who receives it: every device of the user it is about, of the inviter, and of the group's owner and admins (but the device that answered). An approval is followed by the `joined` group event in the group's conversation.",
    payload: joinRequestModel,
    example: { ...exampleJoinRequest, status: 'approved', decidedBy: 'alice', decidedAt: 1795426100000 },
  }),
  socketPush({
    name: 'friend-added',
    summary: 'The user has a new friend; the payload is that [friend](#friend) as the user sees them.',
    description:
      "Who receives it: every device of both users (except the device that accepted, which has the friend in its ack), after a request is accepted or when the tenant's backend adds the friendship (`POST /friend/add`).",
    payload: friendModel,
    example: { ...exampleFriend, remark: '', friendGroupId: null },
  }),
  socketPush({
    name: 'friend-removed',
    summary: 'A friendship ended: either side removed it. `userId` is the former friend.',
    description: 'Who receives it: every device of both users, except the device that removed it.',
    payload: friendRemovedEventModel,
    example: { userId: 'alice' },
  }),
  socketPush({
    name: 'friend-updated',
    summary: "The user changed a friend's remark or friend group on another device; the payload is the friend as it now reads.",
    description: "Only the user's own devices receive it (the friend never learns their remark), except the device that made the change.",
    payload: friendModel,
    example: exampleFriend,
  }),
  socketPush({
    name: 'friend-groups-changed',
    summary: 'The user created, renamed, sorted or deleted a friend group on another device; the payload is the whole list, in order.',
    description: "Only the user's own devices receive it, except the device that made the change. After a deletion, friends that were in that group have `friendGroupId: null`.",
    payload: friendGroupsChangedEventModel,
    example: { friendGroups: [exampleFriendGroup] },
  }),
  socketPush({
    name: 'kicked',
    summary: 'The server is about to close this connection on purpose, and says why.',
    description: [
      '| `reason` | cause | what to do |',
      '| --- | --- | --- |',
      '| `LOGIN_ELSEWHERE` | the user signed in on another device of the same platform, under the `one-per-platform` [login policy](#login-policy) | tell the user; do not reconnect automatically, or the two devices will keep replacing each other |',
      '| `TOKEN_REVOKED` | your backend called `POST /user/revokeTokens` for this user | sign the user out; connect again only with a newly minted token |',
      '| `TOKEN_EXPIRED` | the token used to connect reached its expiry while connected | fetch a new token from your backend and connect with it |',
      '| `APP_DELETED` | the app was deleted | stop |',
      '',
      'The disconnect that follows has reason `io server disconnect`, after which socket.io clients do not reconnect by themselves.',
    ].join('\n'),
    payload: kickedEventModel,
    example: { reason: 'LOGIN_ELSEWHERE', message: 'you signed in on another web device' },
  }),
];

/** Fails the typecheck while a push of the protocol has no declaration. */
const everyPushDeclared: MissingNames<ServerEventName, (typeof declared)[number]['name']> = true;

/** Every push, in reference order, by name. */
export const socketPushes: ReadonlyMap<ServerEventName, SocketPush> = (() => {
  void everyPushDeclared;
  return new Map(declared.map((push) => [push.name, push]));
})();
