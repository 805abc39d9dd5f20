import { connectPeer, request, type ChatEndpoint, type Peer } from './endpoints.js';
import { percentiles } from './stats.js';

export interface ReadsSpec {
  endpoint: ChatEndpoint;
  /** A user with many sessions, one of them a long conversation. */
  reader: Peer;
  /** The long conversation's other user, whose session's history is paged. */
  historyWith: string;
  /** Requests of each kind, one after another. */
  count: number;
}

export interface ReadsResult {
  sessions: number;
  sessionList: { p50: number; p99: number };
  historyPage: { p50: number; p99: number };
}

async function timed(count: number, run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  const { p50, p99 } = percentiles(samples);
  return { p50, p99 };
}

/**
 * What a device asks for when it opens the app: its session list (every conversation with its
 * unread count and last message), and a page of 20 messages of one conversation, each timed one
 * request at a time after a short warm-up.
 */
export async function runReads(spec: ReadsSpec): Promise<ReadsResult> {
  const socket = await connectPeer(spec.endpoint, spec.reader);
  try {
    const sessions = await request<{ sid: string; targetId: string }[]>(socket, 'session-list');
    const sid = sessions.find((session) => session.targetId === spec.historyWith)!.sid;
    const page = () => request(socket, 'session-message-list', { sid, limit: 20 });
    const list = () => request(socket, 'session-list');
    await timed(Math.min(50, spec.count), list);
    await timed(Math.min(50, spec.count), page);
    return { sessions: sessions.length, sessionList: await timed(spec.count, list), historyPage: await timed(spec.count, page) };
  } finally {
    socket.disconnect();
  }
}
