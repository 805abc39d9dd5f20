import { shallowReactive } from 'vue';
import { ConversationType, MessageType, ParleyError, type Message, type ParleyClient } from '@parley/sdk';
import type { Conversation, Conversations } from './conversations';

const PAGE = 30;

/** A send not yet stored: shown as "sending" (with upload progress) or "not sent". */
export interface PendingSend {
  localId: string;
  kind: 'text' | 'image' | 'file';
  text: string;
  progress: number | null;
  error: string | null;
  timestamp: number;
}

/** The messages of one conversation that this page has: oldest first. */
export interface Thread {
  messages: Message[];
  pending: PendingSend[];
  /** The newest page was fetched (since the last reconnect). */
  loaded: boolean;
  loading: boolean;
  loadingOlder: boolean;
  /** The first message of the conversation is in `messages`. */
  reachedStart: boolean;
  error: string | null;
}

/** Messages by msgId, newest copy winning (a recalled message replaces the original), in seq order. */
function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  const byId = new Map(existing.map((m) => [m.msgId, m]));
  for (const message of incoming) byId.set(message.msgId, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function describeError(error: unknown): string {
  if (error instanceof ParleyError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

let localIds = 0;

/** History, incoming messages and sends, per conversation key. */
export function createThreads(client: ParleyClient, conversations: Conversations) {
  // Shallow: messages never change in place (a recalled one is a new object), so arrays are
  // replaced rather than mutated and Vue need not watch inside them.
  const byKey = shallowReactive(new Map<string, Thread>());

  function thread(key: string): Thread {
    let found = byKey.get(key);
    if (!found) {
      found = shallowReactive<Thread>({ messages: [], pending: [], loaded: false, loading: false, loadingOlder: false, reachedStart: false, error: null });
      byKey.set(key, found);
    }
    return found;
  }

  function updatePending(key: string, localId: string, change: Partial<PendingSend>): void {
    const t = thread(key);
    t.pending = t.pending.map((p) => (p.localId === localId ? { ...p, ...change } : p));
  }

  /** Fetches the newest page when the conversation has a session and it was not fetched yet. */
  async function load(conversation: Conversation): Promise<void> {
    const t = thread(conversation.key);
    if (t.loaded || t.loading || conversation.sid === null) return;
    t.loading = true;
    t.error = null;
    try {
      const page = await client.getMessages(conversation.sid, { limit: PAGE });
      t.messages = mergeMessages(t.messages, page);
      t.loaded = true;
      if (page.length < PAGE) t.reachedStart = true;
    } catch (error) {
      t.error = `Could not load the messages: ${describeError(error)}`;
    } finally {
      t.loading = false;
    }
  }

  /** The page before the oldest message shown. */
  async function loadOlder(conversation: Conversation): Promise<void> {
    const t = thread(conversation.key);
    const oldest = t.messages[0];
    if (!t.loaded || t.loadingOlder || t.reachedStart || !oldest || conversation.sid === null) return;
    t.loadingOlder = true;
    try {
      const page = await client.getMessages(conversation.sid, { limit: PAGE, lastmsgId: oldest.msgId });
      t.messages = mergeMessages(t.messages, page);
      if (page.length < PAGE) t.reachedStart = true;
    } catch (error) {
      t.error = `Could not load older messages: ${describeError(error)}`;
    } finally {
      t.loadingOlder = false;
    }
  }

  /** A message pushed by the server (new, or recalled): added or replaced in place. */
  function receive(key: string, message: Message): void {
    const t = thread(key);
    t.messages = mergeMessages(t.messages, [message]);
  }

  /** After a reconnect: recalls of messages already shown are not replayed, so refetch what is shown. */
  function markStale(): void {
    for (const t of byKey.values()) t.loaded = false;
  }

  async function send(conversation: Conversation, pending: PendingSend, run: () => Promise<Message>): Promise<boolean> {
    const t = thread(conversation.key);
    t.pending = [...t.pending, pending];
    try {
      const message = await run();
      t.pending = t.pending.filter((p) => p.localId !== pending.localId);
      t.messages = mergeMessages(t.messages, [message]);
      conversations.noteMessage(conversation.key, message, message.sendSession?.sid);
      return true;
    } catch (error) {
      updatePending(conversation.key, pending.localId, { error: describeError(error), progress: null });
      return false;
    }
  }

  const target = (c: Conversation) => ({ conversationType: c.conversationType, targetId: c.targetId });
  const pendingOf = (kind: PendingSend['kind'], text: string): PendingSend => ({
    localId: `local-${++localIds}`,
    kind,
    text,
    progress: kind === 'text' ? null : 0,
    error: null,
    timestamp: Date.now(),
  });

  function sendText(conversation: Conversation, text: string): Promise<boolean> {
    const input = { targetId: conversation.targetId, messageType: MessageType.TEXT, content: { content: text } };
    return send(conversation, pendingOf('text', text), () =>
      conversation.conversationType === ConversationType.GROUP ? client.sendGroupMessage(input) : client.sendPrivateMessage(input),
    );
  }

  function sendUpload(conversation: Conversation, file: File, kind: 'image' | 'file'): Promise<boolean> {
    const pending = pendingOf(kind, file.name);
    const onProgress = ({ loaded, total }: { loaded: number; total: number }) => {
      if (total > 0) updatePending(conversation.key, pending.localId, { progress: Math.round((loaded / total) * 100) });
    };
    return send(conversation, pending, () =>
      kind === 'image' ? client.sendImage(target(conversation), file, { onProgress }) : client.sendFile(target(conversation), file, { onProgress }),
    );
  }

  function dismiss(key: string, localId: string): void {
    const t = thread(key);
    t.pending = t.pending.filter((p) => p.localId !== localId);
  }

  /** Recalls a message of the user's; the answer is the message as it now reads. */
  async function recall(key: string, message: Message): Promise<void> {
    const recalled = await client.recall(message.msgId);
    receive(key, recalled);
    conversations.noteRecall(key, recalled);
  }

  return { byKey, thread, load, loadOlder, receive, markStale, sendText, sendUpload, dismiss, recall };
}

export type Threads = ReturnType<typeof createThreads>;
