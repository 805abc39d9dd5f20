import { LoginPolicy, type Platform } from '@parley/sdk/protocol';

/** One connected device of a user, as the login policy sees it. */
export interface DeviceLogin {
  connectionId: string;
  platform: Platform;
  /** When the connection was accepted (ms since epoch). */
  connectedAt: number;
}

/** Whether a login under this policy can replace another device at all. */
export function replacesDevices(policy: LoginPolicy): boolean {
  return policy === LoginPolicy.ONE_PER_PLATFORM;
}

/**
 * The devices of the same user that `login` replaces under the app's `policy`:
 * - `multi-device`: none;
 * - `one-per-platform`: every older device on the same platform. Of two logins in the same
 *   millisecond, the one with the greater connection id is the newer, so exactly one survives
 *   however the two connections learn of each other.
 */
export function devicesReplacedBy(policy: LoginPolicy, login: DeviceLogin, devices: readonly DeviceLogin[]): DeviceLogin[] {
  if (!replacesDevices(policy)) return [];
  return devices.filter(
    (device) =>
      device.connectionId !== login.connectionId &&
      device.platform === login.platform &&
      (device.connectedAt < login.connectedAt || (device.connectedAt === login.connectedAt && device.connectionId < login.connectionId)),
  );
}
