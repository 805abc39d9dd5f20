import { TokenRefusal } from '@parley/sdk/protocol';
import { TokenRefusedError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import { kick, KICKS } from './delivery.js';
import type { LiveApps } from './live-apps.js';
import { appRoom } from './rooms.js';
import type { DeviceSocket, GatewayServer } from './types.js';

/**
 * After the link between processes (the socket.io adapter's Redis) was down, applies here what
 * the other processes may have relayed in vain meanwhile: an app deleted or its settings changed
 * (read again), and tokens revoked (each local connection's token checked again by its hash).
 * Runs over this process's own connections one at a time, so it adds one store read per
 * connection, spread out, and only after an outage.
 */
export async function recheckAfterOutage(io: GatewayServer, apps: LiveApps, services: Services, logger: Logger): Promise<void> {
  for (const appId of await apps.reread()) {
    kick(io.local, appRoom(appId), KICKS.appDeleted);
  }
  let revoked = 0;
  for (const socket of [...io.sockets.sockets.values()]) {
    if (socket.connected && (await tokenRefused(socket, apps, services))) {
      socket.emit('kicked', KICKS.tokensRevoked);
      socket.disconnect(true);
      revoked++;
    }
  }
  logger.info({ connections: io.sockets.sockets.size, revoked }, 'connections checked again after the link between processes came back');
}

async function tokenRefused(socket: DeviceSocket, apps: LiveApps, services: Services): Promise<boolean> {
  const { appId, tokenHash } = socket.data;
  try {
    await services.users.authenticateHash(await apps.current(appId), tokenHash);
    return false;
  } catch (error) {
    // Expiry has its own timer and kick; an app gone was handled above.
    if (error instanceof TokenRefusedError) return error.reason !== TokenRefusal.EXPIRED;
    return false;
  }
}
