/** Device connections over every server process: the realtime gateway knows them, the store does not. */
export interface LiveConnections {
  /** Devices of the app connected now. */
  countDevices(appId: string): Promise<number>;
  /** The connections of these users, open now or ended since `knownSince`, oldest first. */
  deviceSpans(appId: string, userIds: readonly string[]): Promise<DeviceSpans>;
}

/** One device connection: when it was accepted and, once it ended, when. */
export interface DeviceSpan {
  appId: string;
  userId: string;
  platform: string;
  connectedAt: number;
  /** Null while connected. */
  disconnectedAt: number | null;
}

export interface DeviceSpans {
  spans: DeviceSpan[];
  /** Connections that ended before this moment (ms since epoch) may be missing. */
  knownSince: number;
}
