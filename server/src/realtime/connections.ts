import { KickReason } from '@parley/sdk/protocol';
import type { Clock } from '../clock.js';
import type { AppContext } from '../domain/app-context.js';
import { devicesReplacedBy, replacesDevices } from '../domain/devices/login-policy.js';
import type { Services } from '../domain/services.js';
import type { Logger } from '../logger.js';
import { applyWatchChange, watchListOf } from './presence-watch.js';
import { appRoom, userRoom } from './rooms.js';
import type { DeviceSocket, GatewayServer } from './types.js';

/** setTimeout's largest delay (about 24.8 days); longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What happens when a device connects and leaves: rooms, login policy, presence and token
 * expiry. The rules (who is a contact, which device a login replaces, when a user is online) are
 * the domain's; this class applies them to sockets.
 */
export class ConnectionLifecycle {
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly io: GatewayServer,
    private readonly services: Services,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Runs once per accepted connection, before the device is told it is ready. */
  async opened(socket: DeviceSocket, ctx: AppContext): Promise<void> {
    const { appId, userId, platform } = socket.data;
    await socket.join([userRoom(appId, userId), appRoom(appId)]);
    this.#armExpiry(socket);

    // Contacts share the connection's watch cap with its subscriptions (most recently active first).
    const watches = watchListOf(socket, this.services.presence);
    await applyWatchChange(socket, { watch: await this.services.presence.watchContacts(ctx, userId, watches), unwatch: [] });

    // Registered before an older device is replaced, so contacts never see a brief "offline".
    await this.services.presence.deviceConnected(appId, userId, socket.id, platform);
    await this.#replaceOlderDevices(socket, ctx);
    // The device may have left while we were busy; then `closed` already ran and missed it.
    if (!socket.connected) await this.closed(socket);
  }

  /** Runs once when a connection ends, whatever the reason. */
  async closed(socket: DeviceSocket): Promise<void> {
    clearTimeout(this.#expiryTimers.get(socket.id));
    this.#expiryTimers.delete(socket.id);
    const { appId, userId } = socket.data;
    await this.services.presence.deviceDisconnected(appId, userId, socket.id);
  }

  /** Stops every expiry timer (server shutdown). */
  stop(): void {
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer);
    this.#expiryTimers.clear();
  }

  /** The app's login policy decides which of the user's other devices this login replaces. */
  async #replaceOlderDevices(socket: DeviceSocket, ctx: AppContext): Promise<void> {
    const { appId, userId, platform, connectedAt } = socket.data;
    // Listing the user's devices asks every process; under a policy that replaces nothing, a login
    // must not wait on (or fail with) a peer process that is slow or has just died.
    if (!replacesDevices(ctx.app.settings.loginPolicy)) return;
    const devices = await this.io.in(userRoom(appId, userId)).fetchSockets();
    const replaced = devicesReplacedBy(
      ctx.app.settings.loginPolicy,
      { connectionId: socket.id, platform, connectedAt },
      devices.map((device) => ({ connectionId: device.id, platform: device.data.platform, connectedAt: device.data.connectedAt })),
    );
    const ids = new Set(replaced.map((device) => device.connectionId));
    for (const device of devices) {
      if (!ids.has(device.id)) continue;
      device.emit('kicked', { reason: KickReason.LOGIN_ELSEWHERE, message: `you signed in on another ${platform} device` });
      device.disconnect(true);
    }
  }

  #armExpiry(socket: DeviceSocket): void {
    const remaining = socket.data.tokenExpiresAt - this.clock.now();
    const timer = setTimeout(() => {
      if (socket.data.tokenExpiresAt > this.clock.now()) return this.#armExpiry(socket);
      this.logger.debug({ appId: socket.data.appId, userId: socket.data.userId }, 'token expired; closing connection');
      socket.emit('kicked', { reason: KickReason.TOKEN_EXPIRED, message: 'your token expired; connect with a new one' });
      socket.disconnect(true);
    }, Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
    timer.unref();
    this.#expiryTimers.set(socket.id, timer);
  }
}
