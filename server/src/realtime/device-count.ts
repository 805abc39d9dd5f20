import type { GatewayServer } from './types.js';
import { appRoom } from './rooms.js';

/** How long a count waits for the other processes; one that has not answered by then counts 0. */
const COUNT_TIMEOUT_MS = 2000;

/** The devices of `appId` connected to this process: the size of the app's room here. */
function localCount(io: GatewayServer, appId: string): number {
  return io.of('/').adapter.rooms.get(appRoom(appId))?.size ?? 0;
}

/**
 * Counts an app's connected devices over every process. Each process answers the size of the
 * app's room from its own adapter (a number, not the sockets: `fetchSockets` would ship every
 * socket's handshake to ask how many there are). With the in-process adapter there is nobody to
 * ask. `stop` stops answering the other processes.
 */
export function countDevicesAcrossProcesses(io: GatewayServer, crossProcess: boolean): {
  countDevices(appId: string): Promise<number>;
  stop(): void;
} {
  const answer = (appId: string, reply: (count: number) => void) => reply(localCount(io, appId));
  if (crossProcess) io.on('count-devices', answer);
  return {
    async countDevices(appId) {
      const here = localCount(io, appId);
      if (!crossProcess) return here;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<number[]>((resolve) => {
        timer = setTimeout(() => resolve([]), COUNT_TIMEOUT_MS);
      });
      try {
        // A process that does not answer in time (or the adapter failing) leaves the count at this process's own.
        const counts = await Promise.race([io.serverSideEmitWithAck('count-devices', appId), late]).catch((): number[] => []);
        return here + counts.filter((count) => Number.isInteger(count) && count >= 0).reduce((sum, count) => sum + count, 0);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      if (crossProcess) io.off('count-devices', answer);
    },
  };
}
