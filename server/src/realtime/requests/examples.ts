import type { ContactList, Friend, FriendGroup, FriendRequest, Group, GroupMember, GroupMembersChangeResult, JoinRequest, LiveMessage, Message, PresenceState, Session, SessionReadState } from '@parley/sdk/protocol';

/** Sample values for the reference: one conversation between Alice and Bob, seen by Bob. */

export const exampleSession: Session = {
  sid: '6b04082027b2d5031f2297f5',
  conversationType: 1,
  targetId: 'alice',
  unread: 2,
  title: 'Alice',
  avatar: 'https://cdn.example.com/alice.png',
  lastMsg: {
    msgId: '6b04082027b2d5031f2297f9',
    seq: 4,
    senderUserId: 'alice',
    messageType: 1,
    content: 'see you at 8',
    date: '2026-11-23T09:32:16.270Z',
    timestamp: 1795426336270,
  },
  lastSeq: 4,
  readSeq: 2,
  updatedAt: 1795426336270,
  doNotDisturb: false,
  ended: false,
};

export const exampleMessage: LiveMessage<1> = {
  msgId: '6b04082027b2d5031f2297f9',
  seq: 4,
  clientMsgId: '6f1c2e1e-8a4b-4c0e-9d55-5b1a3f2d7c10',
  conversationType: 1,
  senderUserId: 'alice',
  targetId: 'bob',
  messageType: 1,
  content: { content: 'see you at 8' },
  date: '2026-11-23T09:32:16.270Z',
  timestamp: 1795426336270,
  sendUser: { name: 'Alice', avatarUri: 'https://cdn.example.com/alice.png' },
  recall: null,
};

export const exampleSentMessage: LiveMessage<1> = {
  ...exampleMessage,
  sendSession: { sid: '6b04082027b2d5031f2297f4', title: 'Bob', avatar: 'https://cdn.example.com/bob.png' },
};

export const exampleRecalledMessage: Message = {
  ...exampleMessage,
  clientMsgId: null,
  content: {},
  recall: { by: 'alice', at: 1795426372114 },
};

export const exampleReadState: SessionReadState = {
  sid: '6b04082027b2d5031f2297f5',
  conversationType: 1,
  targetId: 'alice',
  readSeq: 4,
  unread: 0,
};

export const examplePresence: PresenceState[] = [
  { userId: 'alice', online: true, platforms: ['ios', 'web'], lastSeenAt: null },
  { userId: 'carol', online: false, platforms: [], lastSeenAt: 1795426102311 },
];

/** Bob asks Alice to be friends; seen by either. */
export const exampleFriendRequest: FriendRequest = {
  requestId: '6b04082027b2d5031f2298a1',
  from: { userId: 'bob', name: 'Bob', avatarUri: 'https://cdn.example.com/bob.png' },
  to: { userId: 'alice', name: 'Alice', avatarUri: 'https://cdn.example.com/alice.png' },
  message: "Hi, it's Bob from the book club",
  status: 'pending',
  createdAt: 1795426336270,
  decidedAt: null,
};

export const exampleAcceptedRequest: FriendRequest = { ...exampleFriendRequest, status: 'accepted', decidedAt: 1795426400000 };

export const exampleFriendGroup: FriendGroup = { friendGroupId: '6b04082027b2d5031f2298b0', name: 'Book club', order: 0, createdAt: 1795426000000 };

/** Alice, as Bob sees her in his contact list. */
export const exampleFriend: Friend = {
  userId: 'alice',
  name: 'Alice',
  avatarUri: 'https://cdn.example.com/alice.png',
  remark: 'Alice (book club)',
  friendGroupId: exampleFriendGroup.friendGroupId,
  friendsSince: 1795426400000,
};

export const exampleContactList: ContactList = {
  friendGroups: [exampleFriendGroup],
  friends: [{ ...exampleFriend, online: true, platforms: ['ios'], lastSeenAt: null }],
};

export const exampleGroup: Group = {
  groupId: 'book-club',
  name: 'Book club',
  avatarUri: 'https://cdn.example.com/groups/book-club.png',
  ownerId: 'alice',
  description: 'One book a month',
  announcement: { text: 'We meet on Friday at 7.', by: 'alice', at: 1795426000000, seq: 12 },
  mutedAll: false,
  joinPolicy: 'invite',
  memberCount: 4,
  createdAt: 1795420000000,
};

export const exampleGroupMember: GroupMember = {
  userId: 'bob',
  name: 'Bob',
  avatarUri: 'https://cdn.example.com/avatars/bob.png',
  role: 'admin',
  joinedAt: 1795420000000,
  nickname: 'Bob (host)',
  mutedUntil: null,
};

export const exampleMembersChange: GroupMembersChangeResult = { groupId: 'book-club', changed: ['bob'], memberCount: 4, ownerId: 'alice', dismissed: false };

export const exampleJoinRequest: JoinRequest = {
  requestId: '6b04082027b2d5031f2298c1',
  groupId: 'book-club',
  user: { userId: 'erin', name: 'Erin', avatarUri: 'https://cdn.example.com/avatars/erin.png' },
  inviter: null,
  message: 'I read the first one already',
  status: 'pending',
  createdAt: 1795426000000,
  decidedBy: null,
  decidedAt: null,
};
