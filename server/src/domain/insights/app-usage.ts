import type { AppUsage, DailyCount } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { AppContext } from '../app-context.js';
import type { LiveConnections } from './live-connections.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days of the console's message chart, today included. */
export const USAGE_DAYS = 30;

/**
 * The console's usage figures, all read when asked: users, groups and storage from the store's
 * indexed counts, messages per day from one indexed count per day, sockets from the gateway.
 *
 * Counted on demand rather than kept as counters bumped on every send: a send stays one write
 * (counters would add a contended one to the hot path, per app, in every process), and a count
 * cannot drift from the data it counts. The cost is paid when an owner opens the page: 30 index
 * range counts, which stay cheap while an app's messages per day are in the millions.
 */
export class AppUsageReader {
  constructor(
    private readonly clock: Clock,
    private readonly live: LiveConnections,
  ) {}

  async read(ctx: AppContext): Promise<AppUsage> {
    const { data, app } = ctx;
    const at = this.clock.now();
    const today = Math.floor(at / DAY_MS) * DAY_MS;
    const days = Array.from({ length: USAGE_DAYS }, (_, i) => today - (USAGE_DAYS - 1 - i) * DAY_MS);
    const [users, groups, storage, socketsOnline, counts] = await Promise.all([
      data.users.count(),
      data.groups.count(),
      data.files.usage(),
      this.live.countDevices(app.appId),
      Promise.all(days.map((start) => data.conversations.countMessages(start, start + DAY_MS))),
    ]);
    const messagesPerDay: DailyCount[] = days.map((start, i) => ({ day: new Date(start).toISOString().slice(0, 10), messages: counts[i]! }));
    return {
      users,
      groups,
      messagesToday: counts.at(-1)!,
      messagesPerDay,
      socketsOnline,
      storage: { files: storage.files, bytes: storage.bytes, maxBytes: app.settings.maxStorageBytes },
      at,
    };
  }
}
