import { ConversationType, KickReason, LoginPolicy } from '@parley/sdk/protocol';
import type { Bus } from '../bus/ports.js';
import type { Clock } from '../domain/clock.js';
import type { AppContext } from '../domain/app-context.js';
import type { Logger } from '../logger.js';
import { appRoom, presenceRoom, userRoom } from './rooms.js';
import type { DeviceSocket, GatewayServer } from './types.js';

/** setTimeout's largest delay (about 24.8 days); longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What happens when a device connects and leaves: rooms, login policy, presence and token
 * expiry. Request handling is elsewhere (requests.ts).
 */
export class ConnectionLifecycle {
  readonly #expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly io: GatewayServer,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Runs once per accepted connection, before the device is told it is ready. */
  async opened(socket: DeviceSocket, ctx: AppContext): Promise<void> {
    const { appId, userId, platform } = socket.data;
    await socket.join([userRoom(appId, userId), appRoom(appId)]);
    this.#armExpiry(socket);

    // Contacts: the other users of the user's private chats. Their presence is pushed unasked.
    const contacts = (await ctx.data.sessions.listForUser(userId))
      .filter((session) => session.conversationType === ConversationType.PRIVATE)
      .map((session) => session.targetId);
    if (contacts.length > 0) await socket.join(contacts.map((contact) => presenceRoom(appId, contact)));

    // Registered before an older device is replaced, so contacts never see a brief "offline".
    const cameOnline = await this.bus.presence.connect(appId, userId, socket.id, platform);
    if (ctx.app.settings.loginPolicy === LoginPolicy.ONE_PER_PLATFORM) await this.#replaceOlderDevice(socket);
    // The device may have left while we were busy; then `closed` already ran and missed it.
    if (!socket.connected) return this.closed(socket);
    if (cameOnline) await this.#announce(appId, userId);
  }

  /** Runs once when a connection ends, whatever the reason. */
  async closed(socket: DeviceSocket): Promise<void> {
    clearTimeout(this.#expiryTimers.get(socket.id));
    this.#expiryTimers.delete(socket.id);
    const { appId, userId } = socket.data;
    const wentOffline = await this.bus.presence.disconnect(appId, userId, socket.id);
    if (wentOffline) await this.#announce(appId, userId);
  }

  /** Stops every expiry timer (server shutdown). */
  stop(): void {
    for (const timer of this.#expiryTimers.values()) clearTimeout(timer);
    this.#expiryTimers.clear();
  }

  async #announce(appId: string, userId: string): Promise<void> {
    const [state] = await this.bus.presence.query(appId, [userId]);
    if (state) this.io.to(presenceRoom(appId, userId)).emit('presence', state);
  }

  /** `one-per-platform`: older devices of this user on this platform are told and closed. */
  async #replaceOlderDevice(socket: DeviceSocket): Promise<void> {
    const { appId, userId, platform, connectedAt } = socket.data;
    const devices = await this.io.in(userRoom(appId, userId)).fetchSockets();
    for (const device of devices) {
      if (device.id === socket.id || device.data.platform !== platform) continue;
      // Of two logins in the same millisecond, the later id stays: exactly one survives.
      const older = device.data.connectedAt < connectedAt || (device.data.connectedAt === connectedAt && device.id < socket.id);
      if (!older) continue;
      device.emit('kicked', {
        reason: KickReason.LOGIN_ELSEWHERE,
        message: `you signed in on another ${platform} device`,
      });
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
