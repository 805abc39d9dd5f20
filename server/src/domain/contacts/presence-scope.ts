import { ConversationType, PresenceScope } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { privateConversationId } from '../messages/conversation-id.js';
import { MAX_FRIENDS_PER_USER } from './friend-service.js';

/**
 * Who is in a user's presence scope: whose presence they may see and to whom they may send
 * private typing. The app setting `presenceScope` decides:
 *
 * - `contacts` (default): their friends, and the users they share a conversation with, meaning a
 *   private chat that exists between them (it has at least one message, either way) or a group
 *   both belong to. A user is always in their own scope.
 * - `app`: every user of the app.
 *
 * Sharing a conversation is read from sessions, which mirror it exactly: a private chat's first
 * message opens a session for both users before it is stored, and a group's members get theirs
 * when they join and lose it when they leave or the group is dismissed (GroupService). So one
 * check costs two store reads however many users it is about: the asking user's group sessions,
 * then which of the users have a session in one of those groups or in their private chat with
 * the asking user. Nothing is read per id, and a user's private chats are never listed. Those
 * left are checked against the user's friends: one read per id for a few, the friend list for more.
 */

/** The app's scope; an app stored before the setting existed is treated as `contacts`, the private choice. */
export function presenceScopeOf(ctx: AppContext): PresenceScope {
  return ctx.app.settings.presenceScope === PresenceScope.APP ? PresenceScope.APP : PresenceScope.CONTACTS;
}

/** The ids among `userIds` that `userId` may see and signal to (duplicates and ids of no user allowed). */
export async function inPresenceScope(ctx: AppContext, userId: string, userIds: readonly string[]): Promise<Set<string>> {
  if (presenceScopeOf(ctx) === PresenceScope.APP) return new Set(userIds);
  const visible = await sharingAConversation(ctx, userId, userIds);
  if (userIds.includes(userId)) visible.add(userId);
  return visible;
}

/** The ids among `others` that are friends of `userId` or share a private chat or a group with them (never `userId` itself). */
export async function sharingAConversation(ctx: AppContext, userId: string, others: readonly string[]): Promise<Set<string>> {
  const candidates = [...new Set(others)].filter((other) => other !== userId);
  if (candidates.length === 0) return new Set();
  const groups = await ctx.data.sessions.listForUser(userId, ConversationType.GROUP);
  // Only `other` and `userId` can have a session in their private conversation, so asking every
  // candidate about every one of these keys finds exactly the private partners and co-members.
  // Groups the user is no longer in (an ended session) are shared with nobody.
  const inGroups = groups.filter((session) => session.ended === null).map((session) => session.conversationId);
  const conversationIds = [...candidates.map((other) => privateConversationId(userId, other)), ...inGroups];
  const sharing = await ctx.data.sessions.usersWithSessionIn(conversationIds, candidates);
  const rest = candidates.filter((other) => !sharing.has(other));
  for (const friend of await friendsAmong(ctx, userId, rest)) sharing.add(friend);
  return sharing;
}

/** Below this many ids, friendship is read per id; above it, the friend list is read once. */
const FRIEND_READS_PER_ID_MAX = 8;

async function friendsAmong(ctx: AppContext, userId: string, others: readonly string[]): Promise<string[]> {
  if (others.length === 0) return [];
  if (others.length <= FRIEND_READS_PER_ID_MAX) {
    const found = await Promise.all(others.map((other) => ctx.data.friends.getFriend(userId, other)));
    return others.filter((_, index) => found[index] !== null);
  }
  const friends = new Set((await ctx.data.friends.listFriends(userId, MAX_FRIENDS_PER_USER)).map((friend) => friend.friendId));
  return others.filter((other) => friends.has(other));
}

/**
 * The contacts a device watches without asking, at most `limit`: the user's friends (oldest
 * friendship first), then the other users of their private chats, most recently active first.
 * Reads the friend list, the private sessions and their conversations once, on connect only.
 */
export async function recentContacts(ctx: AppContext, userId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const friends = (await ctx.data.friends.listFriends(userId, Math.min(limit, MAX_FRIENDS_PER_USER))).map((friend) => friend.friendId);
  const partners = await recentPartners(ctx, userId, limit);
  return [...new Set([...friends, ...partners])].slice(0, limit);
}

async function recentPartners(ctx: AppContext, userId: string, limit: number): Promise<string[]> {
  const sessions = await ctx.data.sessions.listForUser(userId, ConversationType.PRIVATE);
  const conversations = await ctx.data.conversations.getMany(sessions.map((session) => session.conversationId));
  const activeAt = (conversationId: string, createdAt: number) => conversations.get(conversationId)?.updatedAt ?? createdAt;
  return sessions
    .map((session) => ({ userId: session.targetId, at: activeAt(session.conversationId, session.createdAt) }))
    .sort((a, b) => b.at - a.at || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .slice(0, limit)
    .map((contact) => contact.userId);
}
