import { ErrorCode, type AppSettings } from '@parley/sdk/protocol';
import type { AppContext } from '../domain/app-context.js';
import { AppError } from '../domain/errors.js';
import type { Services } from '../domain/services.js';

interface Entry {
  /** The app as the connections see it; replaced in order as settings events arrive. */
  ctx: Promise<AppContext>;
  /** Connections (and handshakes in progress) that hold the app. */
  holders: number;
  deleted: boolean;
}

/**
 * The apps that have connections, each read once and kept current by domain events: `app-updated`
 * replaces the settings, `app-deleted` makes every later request fail with `UNKNOWN_APP`, the same
 * code a signed request or a handshake gets. Requests on a socket never read the app again.
 *
 * An app is held from the handshake until its last connection closes, then forgotten.
 */
export class LiveApps {
  readonly #entries = new Map<string, Entry>();
  readonly #stops: Array<() => void>;

  constructor(private readonly services: Services) {
    this.#stops = [
      services.events.subscribe('app-updated', ({ appId, settings }) => this.settingsChanged(appId, settings)),
      services.events.subscribe('app-deleted', ({ appId }) => this.deleted(appId)),
    ];
  }

  /** The app's settings changed (in this process, or in another one: see app-relay.ts). */
  settingsChanged(appId: string, settings: AppSettings): void {
    const entry = this.#entries.get(appId);
    // Chained, so an update that arrives while the app is still being read is not lost.
    if (entry) entry.ctx = entry.ctx.then((ctx) => ({ ...ctx, app: { ...ctx.app, settings } }));
  }

  /** The app was deleted: every later request of its connections fails with `UNKNOWN_APP`. */
  deleted(appId: string): void {
    const entry = this.#entries.get(appId);
    if (entry) entry.deleted = true;
  }

  /**
   * Reads every held app again: after the link between processes was down, an `app-updated` or
   * `app-deleted` relayed meanwhile may never have arrived. Returns the ids found deleted.
   */
  async reread(): Promise<string[]> {
    const deleted: string[] = [];
    for (const [appId, entry] of this.#entries) {
      if (entry.deleted) continue;
      try {
        const { app } = await this.services.apps.open(appId);
        this.settingsChanged(appId, app.settings);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== ErrorCode.UNKNOWN_APP) throw error;
        this.deleted(appId);
        deleted.push(appId);
      }
    }
    return deleted;
  }

  /** Holds app `appId` for one more connection. Rejects with `UNKNOWN_APP` when it does not exist. */
  async acquire(appId: string): Promise<AppContext> {
    let entry = this.#entries.get(appId);
    if (!entry) this.#entries.set(appId, (entry = { ctx: this.services.apps.open(appId), holders: 0, deleted: false }));
    entry.holders++;
    try {
      return await this.current(appId);
    } catch (error) {
      this.release(appId);
      throw error;
    }
  }

  /** The app as it is now, for a request of a connection that holds it. */
  async current(appId: string): Promise<AppContext> {
    const entry = this.#entries.get(appId);
    if (!entry || entry.deleted) throw gone(appId);
    return entry.ctx;
  }

  /** One holder fewer; the last one forgets the app. */
  release(appId: string): void {
    const entry = this.#entries.get(appId);
    if (entry && --entry.holders <= 0) this.#entries.delete(appId);
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#entries.clear();
  }
}

function gone(appId: string): AppError {
  return new AppError(ErrorCode.UNKNOWN_APP, `app ${appId} does not exist (it was deleted)`);
}
