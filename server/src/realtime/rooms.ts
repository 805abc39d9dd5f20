/**
 * socket.io room names. Every connection joins its user's room and its app's room; a push to a
 * user is a push to their room, so it reaches all their devices on any server process once the
 * Redis adapter is in place. App ids are hex and user ids cannot contain ':', so names never clash.
 */

/** All devices of one user. */
export function userRoom(appId: string, userId: string): string {
  return `u:${appId}:${userId}`;
}

/** All devices of one app. */
export function appRoom(appId: string): string {
  return `a:${appId}`;
}

/** Devices that want to hear when `userId` comes online or goes offline. */
export function presenceRoom(appId: string, userId: string): string {
  return `p:${appId}:${userId}`;
}
