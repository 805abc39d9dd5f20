import { computed, effectScope, reactive, ref, watch, watchEffect, type InjectionKey } from 'vue';
import { ConversationType, ParleyClient, conversationKeyOf, type ConnectionState, type Message } from '@parley/sdk';
import { demoApi, type DemoConfig, type DemoUser, type LoginResult } from '../api/demo-api';
import { createConversations, keyOf, type Conversation } from './conversations';
import { createPresence } from './presence';
import { createThreads } from './threads';
import { createTyping } from './typing';
import { useVisibility } from './visibility';

export interface ChatSessionOptions {
  config: DemoConfig;
  login: LoginResult;
  users: DemoUser[];
}

/**
 * One signed-in user's chat: the ParleyClient and everything the screens show, kept current from
 * its events. Made at login, stopped at logout.
 */
export function createChatSession({ config, login, users }: ChatSessionOptions) {
  const me = login.userId;
  const client = new ParleyClient({
    url: config.parleyUrl,
    appId: config.appId,
    token: login.token,
    // When the token expires or is refused, the SDK asks the backend for a new one.
    getToken: async () => (await demoApi.login(me)).token,
    platform: 'web',
    // Keep trying while Parley is away; the banner says so.
    connectTimeoutMs: 0,
  });

  const scope = effectScope();
  const offs: (() => void)[] = [];
  const state = ref<ConnectionState>(client.state);
  /** The app's recall windows, as the server announced them on connecting. */
  const recallWindows = ref(client.recallWindows);
  const stopped = ref<string | null>(null);
  const conversations = createConversations(client, me);
  const threads = createThreads(client, conversations);
  const presence = createPresence(client);
  const typing = createTyping(client);
  /** Private chats: the highest seq the other user has read (from receipts and their replies). */
  const peerRead = reactive(new Map<string, number>());
  const names = reactive(new Map<string, string>([...users.map((u): [string, string] => [u.userId, u.name]), [me, login.name]]));
  const directory = ref<DemoUser[]>(users);
  const activeKey = ref<string | null>(null);
  const notice = ref<string | null>(null);

  const active = computed<Conversation | null>(() => (activeKey.value === null ? null : (conversations.get(activeKey.value) ?? null)));

  const notePeerRead = (peer: string, seq: number) => peerRead.set(peer, Math.max(peerRead.get(peer) ?? 0, seq));
  const privatePeers = () => conversations.list.value.filter((c) => c.conversationType === ConversationType.PRIVATE).map((c) => c.targetId);

  async function refresh(): Promise<void> {
    try {
      await conversations.refresh();
      await presence.watch(privatePeers());
    } catch (error) {
      console.warn('demo: could not load the conversations', error);
    }
  }

  offs.push(
    client.on('state', ({ state: now, previous }) => {
      state.value = now;
      if (now !== 'connected') return;
      recallWindows.value = client.recallWindows;
      // Recalls of messages already shown are not replayed after a drop: fetch the shown pages again.
      if (previous === 'reconnecting') threads.markStale();
      void refresh().then(() => {
        if (active.value) void threads.load(active.value);
      });
    }),
    client.on('new-message', (message: Message) => {
      const key = conversationKeyOf(message, me);
      const isNew = conversations.noteMessage(key, message);
      threads.receive(key, message);
      names.set(message.senderUserId, message.sendUser.name || message.senderUserId);
      typing.clear(key, message.senderUserId);
      // Replying means having read everything before.
      if (message.conversationType === ConversationType.PRIVATE && message.senderUserId !== me) notePeerRead(message.senderUserId, message.seq);
      if (isNew || conversations.get(key)?.sid === null) void refresh();
    }),
    client.on('message-recalled', (message) => {
      const key = conversationKeyOf(message, me);
      threads.receive(key, message);
      conversations.noteRecall(key, message);
    }),
    client.on('session-read', (read) => conversations.noteRead(read)),
    client.on('read-receipt', ({ userId, readSeq }) => notePeerRead(userId, readSeq)),
    client.on('kicked', ({ message }) => (stopped.value = `You were signed out: ${message}`)),
    client.on('error', (error) => console.warn('demo: background failure', error.code, error.message)),
  );

  scope.run(() => {
    const visible = useVisibility();
    // The open conversation is read while the page is visible: when opened, and as messages arrive.
    watchEffect(() => {
      const conversation = active.value;
      if (conversation && visible.value && conversation.lastSeq > conversation.readSeq) void conversations.markRead(conversation);
    });
    // History comes once the conversation has a session (a chat started here gets one with its first message).
    watch(
      () => [active.value?.key, active.value?.sid] as const,
      () => {
        if (active.value) void threads.load(active.value);
      },
    );
  });

  function connect(): void {
    stopped.value = null;
    client.connect().catch((error: unknown) => {
      stopped.value = `Could not connect: ${error instanceof Error ? error.message : String(error)}`;
    });
  }

  function open(key: string | null): void {
    activeKey.value = key;
  }

  /** Opens the private chat with `userId`, listed at once even before its first message. */
  function startPrivate(userId: string): void {
    const conversation = conversations.ensure(ConversationType.PRIVATE, userId, names.get(userId) ?? userId);
    open(conversation.key);
    void presence.watch([userId]);
  }

  /** Opens a group just created or joined, then loads its session. */
  function openGroup(groupId: string, name: string): void {
    const conversation = conversations.ensure(ConversationType.GROUP, groupId, name);
    open(conversation.key);
    void refresh();
  }

  async function sendText(conversation: Conversation, text: string): Promise<boolean> {
    const first = conversation.lastSeq === 0;
    const sent = await threads.sendText(conversation, text);
    // Under the default presence scope, the other user becomes visible once the two have talked.
    if (sent && first && conversation.conversationType === ConversationType.PRIVATE) void presence.watch([conversation.targetId]);
    return sent;
  }

  function nameOf(userId: string): string {
    return names.get(userId) ?? conversations.get(keyOf(ConversationType.PRIVATE, userId))?.title ?? userId;
  }

  /**
   * Private chats: the seq up to which the other user has read, from their read receipts and,
   * since replying means having read everything before, their own newest message shown.
   */
  function peerReadSeq(conversation: Conversation): number {
    if (conversation.conversationType !== ConversationType.PRIVATE) return 0;
    const messages = threads.byKey.get(conversation.key)?.messages ?? [];
    let seq = peerRead.get(conversation.targetId) ?? 0;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!.senderUserId === conversation.targetId) {
        seq = Math.max(seq, messages[i]!.seq);
        break;
      }
    }
    return seq;
  }

  async function reloadDirectory(): Promise<void> {
    try {
      directory.value = await demoApi.users();
      for (const user of directory.value) if (!names.has(user.userId)) names.set(user.userId, user.name);
    } catch (error) {
      console.warn('demo: could not load the users', error);
    }
  }

  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A short confirmation at the bottom of the screen ("Group created"). */
  function say(text: string): void {
    notice.value = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (notice.value = null), 4000);
  }

  function stop(): void {
    clearTimeout(noticeTimer);
    offs.forEach((off) => off());
    presence.stop();
    typing.stop();
    scope.stop();
    client.disconnect();
  }

  connect();

  return {
    me,
    myName: login.name,
    client,
    state,
    recallWindows,
    stopped,
    conversations,
    threads,
    presence,
    typing,
    names,
    directory,
    active,
    activeKey,
    notice,
    connect,
    open,
    startPrivate,
    openGroup,
    sendText,
    nameOf,
    peerReadSeq,
    reloadDirectory,
    say,
    stop,
  };
}

export type ChatSession = ReturnType<typeof createChatSession>;

export const chatSessionKey: InjectionKey<ChatSession> = Symbol('chat-session');
