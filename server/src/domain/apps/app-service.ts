import { ErrorCode, type AppSettings, type ConsoleApp, type CreateAppResult, type RevealedSecret, type RotatedApp, type UpdateAppRequest } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { FileStorage } from '../../files/ports.js';
import { DuplicateKeyError, type Store } from '../../store/ports.js';
import type { AppRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { AppError, notFound } from '../errors.js';
import type { EventPublisher } from '../events.js';
import { randomHex } from '../ids.js';

export interface AppServiceOptions {
  /** Settings a new app starts with. */
  defaultSettings: AppSettings;
  /** How long a rotated-out secret keeps working when the caller does not say, in seconds. */
  secretRotationGraceSeconds: number;
  /** Most apps one tenant may have. */
  maxAppsPerTenant: number;
}

/** 8 random bytes: short enough to type, and the store rejects the rare collision. */
const APP_ID_BYTES = 8;
export const APP_ID_PATTERN = /^[0-9a-f]{16}$/;
/** 20 random bytes = 160 bits, above the 128 the signature scheme needs. */
const APP_SECRET_BYTES = 20;
/** Enough of the secret to tell two apart, far too little to guess the rest (144 bits stay hidden). */
const SECRET_HINT_LENGTH = 4;

/** Apps of a tenant: create, list, change, rotate the secret, delete. A tenant only sees its own. */
export class AppService {
  constructor(
    private readonly store: Store,
    /** The app's file bytes go with it; the store holds only their records. */
    private readonly files: Pick<FileStorage, 'deleteApp'>,
    private readonly clock: Clock,
    private readonly events: EventPublisher,
    private readonly options: AppServiceOptions,
  ) {}

  async create(tenantId: string, input: { appName: string; description: string }): Promise<CreateAppResult> {
    // A tenant's apps are few, so counting them is one small read. Two creates racing at the
    // limit may both pass: the quota bounds abuse, it is not a billing counter.
    const owned = await this.store.apps.listByTenant(tenantId);
    if (owned.length >= this.options.maxAppsPerTenant) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `this account has ${owned.length} apps, the most it may have; delete one first`);
    }
    const now = this.clock.now();
    for (;;) {
      const app: AppRecord = {
        appId: randomHex(APP_ID_BYTES),
        tenantId,
        appName: input.appName,
        description: input.description,
        secret: randomHex(APP_SECRET_BYTES),
        previousSecret: null,
        previousSecretValidUntil: null,
        settings: { ...this.options.defaultSettings },
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.store.apps.insert(app);
        return { appName: app.appName, appId: app.appId, appSecret: app.secret };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
  }

  async list(tenantId: string): Promise<ConsoleApp[]> {
    const apps = await this.store.apps.listByTenant(tenantId);
    return apps.map((app) => this.#view(app));
  }

  async get(tenantId: string, appId: string): Promise<ConsoleApp> {
    return this.#view(await this.#owned(tenantId, appId));
  }

  async update(tenantId: string, appId: string, patch: UpdateAppRequest): Promise<ConsoleApp> {
    const app = await this.#owned(tenantId, appId);
    const updated = await this.store.apps.update(appId, {
      ...(patch.appName === undefined ? {} : { appName: patch.appName }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.settings === undefined ? {} : { settings: { ...app.settings, ...patch.settings } }),
      updatedAt: this.clock.now(),
    });
    if (!updated) throw appNotFound(appId);
    if (patch.settings !== undefined) {
      this.events.publish('app-updated', { appId, settings: this.#withDefaults(updated).settings });
    }
    return this.#view(updated);
  }

  /**
   * Issues a new secret. The one it replaces keeps working for `graceSeconds` so backends can
   * switch over without downtime; a secret older than that stops at once.
   */
  async rotateSecret(tenantId: string, appId: string, graceSeconds?: number): Promise<RotatedApp> {
    const app = await this.#owned(tenantId, appId);
    const now = this.clock.now();
    const grace = graceSeconds ?? this.options.secretRotationGraceSeconds;
    const updated = await this.store.apps.update(appId, {
      secret: randomHex(APP_SECRET_BYTES),
      previousSecret: grace > 0 ? app.secret : null,
      previousSecretValidUntil: grace > 0 ? now + grace * 1000 : null,
      updatedAt: now,
    });
    if (!updated) throw appNotFound(appId);
    return { ...this.#view(updated), appSecret: updated.secret };
  }

  /**
   * The app's current secret, once `confirm` (the owner's password check) has passed: a console
   * token alone (a browser left open, a token that leaked) must not be enough to read it.
   * Ownership is checked first, so another tenant's app id costs no password hash and answers
   * like a missing app.
   */
  async revealSecret(tenantId: string, appId: string, confirm: () => Promise<void>): Promise<RevealedSecret> {
    const app = await this.#owned(tenantId, appId);
    await confirm();
    const graceLive = this.#livePreviousSecret(app) !== null;
    return { appSecret: app.secret, previousSecretValidUntil: graceLive ? app.previousSecretValidUntil : null };
  }

  /** Deletes the app and every user, token, group, message and file in it. */
  async delete(tenantId: string, appId: string): Promise<void> {
    await this.#owned(tenantId, appId);
    // Remove the app first: from then on no signature or token of it is accepted, so nothing
    // new is written while its data is purged.
    await this.store.apps.delete(appId);
    this.events.publish('app-deleted', { appId });
    await this.store.forApp(appId).purge();
    await this.files.deleteApp(appId);
  }

  /**
   * What a request of app `appId` works with: the app (settings added since it was stored take
   * their defaults) and its scoped repositories. Transports call this instead of the store.
   *
   * @throws AppError `UNKNOWN_APP` when no app has this id (never had, or deleted).
   */
  async open(appId: string): Promise<AppContext> {
    // An id that cannot be an app's is unknown without asking the store (or echoing it back).
    if (!APP_ID_PATTERN.test(appId)) throw new AppError(ErrorCode.UNKNOWN_APP, 'no app has this id; an appId is 16 hex characters, see the console');
    const app = await this.store.apps.get(appId);
    if (!app) throw unknownApp(appId);
    return this.#context(app);
  }

  /**
   * {@link open} for the console: the app of `tenantId` with its data.
   *
   * @throws AppError `NOT_FOUND` when the tenant has no app with this id (another tenant's included).
   */
  async openOwned(tenantId: string, appId: string): Promise<AppContext> {
    return this.#context(await this.#owned(tenantId, appId));
  }

  /** {@link open}, with the secrets a signature may be made with right now (current first). */
  async openForSigning(appId: string): Promise<{ ctx: AppContext; secrets: string[] }> {
    const ctx = await this.open(appId);
    const previous = this.#livePreviousSecret(ctx.app);
    return { ctx, secrets: previous === null ? [ctx.app.secret] : [ctx.app.secret, previous] };
  }

  #context(app: AppRecord): AppContext {
    return { app: this.#withDefaults(app), data: this.store.forApp(app.appId) };
  }

  #withDefaults(app: AppRecord): AppRecord {
    return { ...app, settings: { ...this.options.defaultSettings, ...app.settings } };
  }

  async #owned(tenantId: string, appId: string): Promise<AppRecord> {
    const app = await this.store.apps.get(appId);
    // Another tenant's app is reported exactly like a missing one.
    if (!app || app.tenantId !== tenantId) throw appNotFound(appId);
    return app;
  }

  /** The rotated-out secret while its grace period lasts, else null. */
  #livePreviousSecret(app: AppRecord): string | null {
    const live = app.previousSecretValidUntil !== null && app.previousSecretValidUntil > this.clock.now();
    return live ? app.previousSecret : null;
  }

  #view(app: AppRecord): ConsoleApp {
    const graceLive = this.#livePreviousSecret(app) !== null;
    return {
      appId: app.appId,
      appName: app.appName,
      description: app.description,
      secretHint: app.secret.slice(-SECRET_HINT_LENGTH),
      previousSecretValidUntil: graceLive ? app.previousSecretValidUntil : null,
      settings: { ...this.options.defaultSettings, ...app.settings },
      createdAt: app.createdAt,
    };
  }
}

function appNotFound(appId: string) {
  return notFound(`app ${appId} does not exist`);
}

/** The same answer on every transport for an app that does not (or no longer) exist. */
function unknownApp(appId: string) {
  return new AppError(ErrorCode.UNKNOWN_APP, `app ${appId} does not exist (it may have been deleted); check the appId in the console`);
}
