import type { PresenceService } from '../domain/presence/presence-service.js';
import type { PresenceWatchList, WatchChange } from '../domain/presence/watch-list.js';
import { presenceRoom } from './rooms.js';
import type { DeviceSocket } from './types.js';

/**
 * Each connection's presence watch list (the domain's rules: cap, contacts and explicit
 * subscriptions), kept beside its socket and gone with it. The list decides; the socket's
 * presence rooms follow it.
 */
const lists = new WeakMap<DeviceSocket, PresenceWatchList>();

/** The connection's watch list, empty until its contacts are added or it subscribes. */
export function watchListOf(socket: DeviceSocket, presence: PresenceService): PresenceWatchList {
  let list = lists.get(socket);
  if (!list) lists.set(socket, (list = presence.newWatchList()));
  return list;
}

/**
 * Joins and leaves the presence rooms a change of the connection's list names. Both happen
 * before the first await, so no other request of the connection runs between the list and its rooms.
 */
export async function applyWatchChange(socket: DeviceSocket, change: WatchChange): Promise<void> {
  const { appId } = socket.data;
  await Promise.all([
    change.watch.length > 0 ? socket.join(change.watch.map((userId) => presenceRoom(appId, userId))) : undefined,
    ...change.unwatch.map((userId) => socket.leave(presenceRoom(appId, userId))),
  ]);
}
