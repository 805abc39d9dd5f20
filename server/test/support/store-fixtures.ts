import { ConversationType, FileCategory, GroupJoinPolicy, GroupRole, MessageType } from '@parley/sdk/protocol';
import { newObjectId } from '../../src/domain/ids.js';
import type { MessageDraft } from '../../src/store/ports.js';
import type { FileRecord, GroupRecord, MemberRecord } from '../../src/store/records.js';

/** A text message from `a` to `b` as the domain hands it to `conversations.append`, with `overrides`. */
export function messageDraft(overrides: Partial<MessageDraft> = {}): MessageDraft {
  return {
    msgId: newObjectId(),
    conversationId: 'p:a:b',
    conversationType: ConversationType.PRIVATE,
    senderUserId: 'a',
    targetId: 'b',
    messageType: MessageType.TEXT,
    content: { content: 'hi' },
    clientMsgId: null,
    timestamp: 1000,
    preview: 'hi',
    ...overrides,
  };
}

/** An image a user uploaded, with its thumbnail, as the store keeps it; `overrides` change any field. */
export function imageFileRecord(fileId: string, overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    fileId,
    uploaderUserId: 'u',
    name: 'beach.jpg',
    mimeType: 'image/jpeg',
    category: FileCategory.IMAGE,
    size: 48_000,
    width: 1920,
    height: 1080,
    duration: null,
    thumb: { size: 3_100, width: 400, height: 225 },
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** A document the app's backend uploaded: every optional field null. */
export function documentFileRecord(fileId: string, overrides: Partial<FileRecord> = {}): FileRecord {
  return {
    fileId,
    uploaderUserId: null,
    name: 'Report – Q3 «final» 😀.pdf',
    mimeType: 'application/pdf',
    category: FileCategory.FILE,
    size: 0,
    width: null,
    height: null,
    duration: null,
    thumb: null,
    createdAt: 2,
    ...overrides,
  };
}

/**
 * A group as `groups.insert` stores it: owned by `a`, one member, version 1, no description or
 * announcement, not muted, joined by invitation only; `overrides` change any field.
 */
export function groupRecord(groupId: string, overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    groupId,
    name: groupId,
    avatarUri: '',
    ownerId: 'a',
    description: '',
    announcement: '',
    announcementBy: null,
    announcementAt: null,
    announcementSeq: null,
    pendingEvents: [],
    mutedAll: false,
    joinPolicy: GroupJoinPolicy.INVITE,
    memberCount: 1,
    joinCount: 1,
    version: 1,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

/** A member who joined at time 1 with `role`, without a nickname or a mute; `overrides` change any field. */
export function memberRecord(userId: string, joinIndex: number, role: GroupRole = GroupRole.MEMBER, overrides: Partial<MemberRecord> = {}): MemberRecord {
  return { userId, role, joinedAt: 1, joinIndex, nickname: '', mutedUntil: null, ...overrides };
}
