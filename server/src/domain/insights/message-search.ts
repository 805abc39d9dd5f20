import {
  ConversationType,
  type ConsoleMessage,
  type MessageDetail,
  type MessageRecipient,
  type MessageSearchPage,
  type MessageSearchQuery,
  type PushedDevice,
} from '@parley/sdk/protocol';
import type { PresenceRegistry } from '../../bus/ports.js';
import type { MessageRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { notFound } from '../errors.js';
import type { FileLinks } from '../files/file-links.js';
import type { DeviceSpan, LiveConnections } from './live-connections.js';
import { privateConversationId, privateParticipants } from '../messages/conversation-id.js';
import { sendUserOf, toMessage } from '../views.js';

/** Default and largest page of the console's message search. */
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 100;
/**
 * Most stored messages one page of a search by sender or text examines. The store selects by
 * conversation and time from an index; sender and text are matched here (an index by sender
 * would cost every send one more write), so a rare sender or word over a large app would
 * otherwise read the whole app in one request. A page that stops at this bound answers what it
 * found and a cursor to go on from.
 */
export const SEARCH_EXAMINE_MAX = 2000;
/** Messages read from the store per round of a text search. */
const SEARCH_BATCH = 250;
/** Most recipients a message's detail lists (a group may have thousands). */
export const DETAIL_RECIPIENTS_MAX = 200;

/** `<timestamp>.<msgId>`: where a page of the scan order ended. */
export const SEARCH_CURSOR_PATTERN = /^(\d{1,16})\.([0-9a-f]{24})$/;

/**
 * The console's view of an app's messages: search by sender, conversation, time and text, and
 * one message with what the server knows of who it reached. Reads only: the console never
 * changes a message.
 */
export class MessageInsights {
  constructor(
    private readonly presence: PresenceRegistry,
    private readonly live: LiveConnections,
    private readonly fileLinks: FileLinks,
  ) {}

  async search(ctx: AppContext, query: MessageSearchQuery): Promise<MessageSearchPage> {
    const limit = query.limit ?? SEARCH_PAGE_DEFAULT;
    const needle = query.text === undefined ? null : query.text.toLowerCase();
    const matches =
      needle === null && query.senderUserId === undefined
        ? null
        : (record: MessageRecord) => (query.senderUserId === undefined || record.senderUserId === query.senderUserId) && (needle === null || searchableText(record).includes(needle));
    const filter = {
      ...(query.conversationId === undefined ? {} : { conversationId: normaliseConversationId(query.conversationId) }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    };
    let before = query.cursor === undefined ? undefined : parseCursor(query.cursor);
    const found: MessageRecord[] = [];
    let examined = 0;
    for (;;) {
      // Without a sender or text every message read is a hit, so one read of the page's size does.
      const batch = matches === null ? limit - found.length : Math.min(SEARCH_BATCH, SEARCH_EXAMINE_MAX - examined);
      const records = await ctx.data.conversations.scanMessages({ ...filter, ...(before ? { before } : {}) }, batch);
      for (const record of records) {
        examined++;
        before = { timestamp: record.timestamp, msgId: record.msgId };
        if (matches === null || matches(record)) found.push(record);
        if (found.length === limit) return this.#page(ctx, found, before, examined);
      }
      if (records.length < batch) return this.#page(ctx, found, null, examined);
      if (examined >= SEARCH_EXAMINE_MAX) return this.#page(ctx, found, before ?? null, examined);
    }
  }

  /**
   * The message, its conversation's newest seq, and its recipients with their read marks, the
   * devices its push was written to, and the devices online now. No receipt is written per
   * device and push: the gateway remembers each connection's span, and a push reaches every
   * connection open when the message is stored, so the devices it went to are the spans that
   * cover its timestamp. A device that was offline fills the gap from `seq` when it reconnects.
   */
  async detail(ctx: AppContext, msgId: string): Promise<MessageDetail> {
    const { data, app } = ctx;
    const record = await data.conversations.getMessage(msgId);
    if (!record) throw notFound(`message ${msgId} does not exist in this app`);
    const conversation = await data.conversations.get(record.conversationId);
    let recipientIds: string[];
    let recipientCount: number;
    if (record.conversationType === ConversationType.PRIVATE) {
      recipientIds = [record.targetId];
      recipientCount = 1;
    } else {
      const members = await data.groups.listMembers(record.targetId, { offset: 0, limit: DETAIL_RECIPIENTS_MAX + 1 });
      const others = members.filter((member) => member.userId !== record.senderUserId).map((member) => member.userId);
      recipientIds = others.slice(0, DETAIL_RECIPIENTS_MAX);
      const group = await data.groups.get(record.targetId);
      const senderIsMember = members.length > others.length;
      recipientCount = group ? group.memberCount - (senderIsMember ? 1 : 0) : recipientIds.length;
    }
    const [users, readSeqs, presence, devices] = await Promise.all([
      data.users.getMany(recipientIds),
      data.sessions.readSeqs(record.conversationId, recipientIds),
      this.presence.query(app.appId, recipientIds),
      this.live.deviceSpans(app.appId, recipientIds),
    ]);
    const pushed = pushedDevices(devices.spans, record.timestamp);
    const recipients: MessageRecipient[] = recipientIds.map((userId, i) => {
      const readSeq = readSeqs.get(userId) ?? 0;
      const state = presence[i]!;
      return {
        userId,
        name: users.get(userId)?.name ?? null,
        readSeq,
        read: readSeq >= record.seq,
        online: state.online,
        platforms: [...state.platforms],
        pushedTo: pushed.get(userId) ?? [],
      };
    });
    return { message: this.#view(ctx, record), lastSeq: conversation?.lastSeq ?? record.seq, recipients, recipientCount, devicesKnownSince: devices.knownSince };
  }

  #page(ctx: AppContext, found: readonly MessageRecord[], next: { timestamp: number; msgId: string } | null, examined: number): MessageSearchPage {
    return { messages: found.map((record) => this.#view(ctx, record)), nextCursor: next === null ? null : `${next.timestamp}.${next.msgId}`, examined };
  }

  /** File URLs as readers get them (signed when the app's files are private). */
  #view(ctx: AppContext, record: MessageRecord): ConsoleMessage {
    const { content } = this.fileLinks.present(ctx, toMessage(record, sendUserOf(null, record.senderUserId)));
    return {
      msgId: record.msgId,
      conversationId: record.conversationId,
      conversationType: record.conversationType,
      senderUserId: record.senderUserId,
      targetId: record.targetId,
      seq: record.seq,
      messageType: record.messageType,
      content: { ...content },
      clientMsgId: record.clientMsgId,
      timestamp: record.timestamp,
      recall: record.recall === null ? null : { ...record.recall },
    };
  }
}

/** Per user, the connections that were open at `storedAt`: the ones the message's push was written to. */
function pushedDevices(spans: readonly DeviceSpan[], storedAt: number): Map<string, PushedDevice[]> {
  const byUser = new Map<string, PushedDevice[]>();
  for (const span of spans) {
    if (span.connectedAt > storedAt || (span.disconnectedAt !== null && span.disconnectedAt < storedAt)) continue;
    const devices = byUser.get(span.userId) ?? [];
    devices.push({ platform: span.platform, connectedAt: span.connectedAt, disconnectedAt: span.disconnectedAt });
    byUser.set(span.userId, devices);
  }
  return byUser;
}

/** `p:b:a` names the same conversation as `p:a:b`: the store keeps the ids sorted. */
function normaliseConversationId(conversationId: string): string {
  const pair = privateParticipants(conversationId);
  if (!pair) return conversationId;
  return privateConversationId(...pair);
}

function parseCursor(cursor: string): { timestamp: number; msgId: string } {
  const [, timestamp, msgId] = SEARCH_CURSOR_PATTERN.exec(cursor)!;
  return { timestamp: Number(timestamp), msgId: msgId! };
}

/** What a text search looks in: the text or caption, a file's name, a location's address; lower-cased. */
function searchableText(record: MessageRecord): string {
  const content: Readonly<Partial<Record<string, unknown>>> = { ...record.content };
  return ['content', 'name', 'address']
    .map((field) => content[field])
    .filter((value): value is string => typeof value === 'string')
    .join('\n')
    .toLowerCase();
}
