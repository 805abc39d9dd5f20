import type { AppSettings, ConversationType, Friend, FriendGroup, FriendRequest, GroupMember, JoinRequest, Message, PresenceState, SessionDoNotDisturbState, SessionReadState } from '@parley/sdk/protocol';

/**
 * What happened in the domain that connected devices need to hear about. Services publish after
 * the change is stored; the realtime gateway subscribes and delivers. The domain never knows who
 * (if anyone) is listening.
 */
export interface DomainEvents {
  /** A new message was stored (never published again for a resend of the same clientMsgId). */
  'message-stored': {
    appId: string;
    message: Message;
    /** Every user of the conversation at the time of sending, the sender included. */
    participants: readonly string[];
    origin: string | undefined;
  };
  /** A message was recalled. */
  'message-recalled': { appId: string; message: Message; participants: readonly string[]; origin: string | undefined };
  /** A user turned a session's do-not-disturb on or off. */
  'session-do-not-disturb': { appId: string; userId: string; state: SessionDoNotDisturbState; origin: string | undefined };
  /** A user's read mark moved forward. */
  'session-read': { appId: string; userId: string; state: SessionReadState; origin: string | undefined };
  /** A user is composing a message; `targetId` names the conversation from the typist's side. */
  'user-typing': {
    appId: string;
    userId: string;
    conversationType: ConversationType;
    targetId: string;
    /** Who hears it: the other user, or every other member of the group. */
    recipients: readonly string[];
    origin: string | undefined;
  };
  /**
   * A friend request was made (`audience`: the requester, and the recipient unless the recipient
   * blocks the requester) or answered (`audience`: both users).
   */
  'friend-request': { appId: string; request: FriendRequest; answered: boolean; audience: readonly string[]; origin: string | undefined };
  /** Users became friends: each entry is one side, as `userId` sees `friend`. */
  'friends-added': { appId: string; sides: ReadonlyArray<{ userId: string; friend: Friend }>; origin: string | undefined };
  /** Friendships ended: each pair is told on both sides. */
  'friends-removed': { appId: string; pairs: ReadonlyArray<readonly [string, string]>; origin: string | undefined };
  /** A user changed their remark or friend group for a friend. */
  'friend-updated': { appId: string; userId: string; friend: Friend; origin: string | undefined };
  /** A user's friend groups changed (created, renamed, sorted, deleted): the whole list, in order. */
  'friend-groups-changed': { appId: string; userId: string; friendGroups: readonly FriendGroup[]; origin: string | undefined };
  /**
   * Someone asked to join a group, or was invited pending approval (`answered` false; `audience`:
   * the group's owner and admins, and the inviter); or such a request was decided (`answered`
   * true; `audience`: the user, the inviter, the owner and admins).
   */
  'group-join-request': { appId: string; request: JoinRequest; answered: boolean; audience: readonly string[]; origin: string | undefined };
  /** A user blocked or unblocked users: told to their own devices only. */
  'blocks-changed': { appId: string; userId: string; blocked: readonly string[]; unblocked: readonly string[]; origin: string | undefined };
  /** A group member's nickname changed: told to every member. */
  'group-member-updated': { appId: string; groupId: string; member: GroupMember; members: readonly string[]; origin: string | undefined };
  /** A user came online (first device) or went offline (last device). */
  'presence-changed': { appId: string; state: PresenceState };
  /** Every token of the user was revoked: their connections must end. */
  'tokens-revoked': { appId: string; userId: string };
  /** An app's settings changed: open connections apply them from their next request. */
  'app-updated': { appId: string; settings: AppSettings };
  /** The app and all its data are gone: its connections must end. */
  'app-deleted': { appId: string };
}
export type DomainEventName = keyof DomainEvents;
export type DomainEventListener<E extends DomainEventName> = (event: DomainEvents[E]) => void;

/** Publishing side, as the services see it. */
export interface EventPublisher {
  publish<E extends DomainEventName>(name: E, event: DomainEvents[E]): void;
}

/**
 * In-process publish/subscribe. Listeners run synchronously after the write that caused the
 * event; a listener that throws is reported to `onListenerError` and never fails the write.
 */
export class EventHub implements EventPublisher {
  readonly #listeners = new Map<DomainEventName, Set<(event: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown, name: DomainEventName) => void = () => {}) {}

  subscribe<E extends DomainEventName>(name: E, listener: DomainEventListener<E>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  publish<E extends DomainEventName>(name: E, event: DomainEvents[E]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        (listener as DomainEventListener<E>)(event);
      } catch (error) {
        this.onListenerError(error, name);
      }
    }
  }
}
