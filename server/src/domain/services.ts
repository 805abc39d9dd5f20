import type { AppSettings } from '@parley/sdk/protocol';
import type { Bus } from '../bus/ports.js';
import type { Store } from '../store/ports.js';
import { AppService } from './apps/app-service.js';
import { RequestSignatureVerifier } from './apps/request-signature.js';
import type { Clock } from '../clock.js';
import { EventHub, type DomainEventName } from './events.js';
import { GroupService } from './groups/group-service.js';
import { WorkQueue } from './limits/hash-queue.js';
import { RateLimits, type ConsoleAuthLimits } from './limits/rate-limits.js';
import { MessageService } from './messages/message-service.js';
import { RecallService } from './messages/recall-service.js';
import { PresenceService } from './presence/presence-service.js';
import { SessionService } from './sessions/session-service.js';
import { TenantService } from './tenants/tenant-service.js';
import { TypingService } from './typing/typing-service.js';
import { UserService } from './users/user-service.js';

/** The rules the domain needs from configuration. */
export interface DomainSettings {
  defaultAppSettings: AppSettings;
  secretRotationGraceSeconds: number;
  signatureWindowSeconds: number;
  consoleTokenTtlSeconds: number;
  passwordScryptCost: number;
  /** Password hashes computed at once, and how many may wait. */
  passwordHashing: { concurrency: number; queue: number };
  consoleAuth: ConsoleAuthLimits;
  maxAppsPerTenant: number;
  maxMessageBytes: number;
}

/** Every domain service, wired to one store, bus and clock. */
export interface Services {
  tenants: TenantService;
  apps: AppService;
  signatures: RequestSignatureVerifier;
  users: UserService;
  groups: GroupService;
  messages: MessageService;
  recalls: RecallService;
  sessions: SessionService;
  typing: TypingService;
  presence: PresenceService;
  /** Rate limits of apps, users and console sign-in. */
  limits: RateLimits;
  /** What happened, for the realtime gateway (and anything else that reacts to changes). */
  events: EventHub;
}

export function createServices(
  store: Store,
  bus: Bus,
  clock: Clock,
  settings: DomainSettings,
  onListenerError?: (error: unknown, event: DomainEventName) => void,
): Services {
  const events = new EventHub(onListenerError);
  const apps = new AppService(store, clock, events, {
    defaultSettings: settings.defaultAppSettings,
    secretRotationGraceSeconds: settings.secretRotationGraceSeconds,
    maxAppsPerTenant: settings.maxAppsPerTenant,
  });
  const limits = new RateLimits(bus.rateLimits, settings.consoleAuth);
  const passwordHashing = new WorkQueue({
    ...settings.passwordHashing,
    // About the time a queue of this length takes to drain at the default cost.
    retryAfterMs: 1000,
    what: 'password hashing',
  });
  const users = new UserService(clock, events);
  const groups = new GroupService(clock);
  return {
    tenants: new TenantService(store, clock, limits, passwordHashing, {
      passwordCost: settings.passwordScryptCost,
      consoleTokenTtlSeconds: settings.consoleTokenTtlSeconds,
    }),
    apps,
    signatures: new RequestSignatureVerifier(apps, bus.nonces, clock, { windowSeconds: settings.signatureWindowSeconds }),
    users,
    groups,
    messages: new MessageService(clock, users, groups, events, { maxContentBytes: settings.maxMessageBytes }),
    recalls: new RecallService(clock, events),
    sessions: new SessionService(users, events),
    typing: new TypingService(users, groups, events),
    presence: new PresenceService(bus.presence, events),
    limits,
    events,
  };
}
