import type { AppSettings } from '@parley/sdk/protocol';
import type { Bus } from '../bus/ports.js';
import type { FileStorage, MediaInspector } from '../files/ports.js';
import type { Store } from '../store/ports.js';
import { AppService } from './apps/app-service.js';
import { RequestSignatureVerifier } from './apps/request-signature.js';
import type { Clock } from '../clock.js';
import { EventHub, type DomainEventName } from './events.js';
import { FileAccess } from './files/file-access.js';
import { FileLinks } from './files/file-links.js';
import { UploadService } from './files/upload-service.js';
import { BlockService } from './contacts/block-service.js';
import { ContactListService } from './contacts/contact-list.js';
import { FriendService } from './contacts/friend-service.js';
import { PrivateChatPolicy } from './contacts/private-chat-policy.js';
import { GroupAdminService } from './groups/group-admin.js';
import { GroupEventLog } from './groups/group-events.js';
import { GroupWriter } from './groups/group-writes.js';
import { GroupJoining } from './groups/group-joining.js';
import { GroupService } from './groups/group-service.js';
import { AppUsageReader } from './insights/app-usage.js';
import type { LiveConnections } from './insights/live-connections.js';
import { MessageInsights } from './insights/message-search.js';
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
  /** Uploads: the deployment's largest, the base of file URLs (null: from each request), images measured at once. */
  files: { maxUploadBytes: number; publicUrl: string | null; imageConcurrency: number };
}

/** Every domain service, wired to one store, bus and clock. */
export interface Services {
  tenants: TenantService;
  apps: AppService;
  signatures: RequestSignatureVerifier;
  users: UserService;
  groups: GroupService;
  /** Running a group: settings, admins, ownership, nicknames, mutes. */
  groupAdmin: GroupAdminService;
  /** Joining by a group's policy: asking, invitations, requests the owner and admins decide. */
  groupJoining: GroupJoining;
  /** Users' block lists. */
  blocks: BlockService;
  /** Friend requests and friendships. */
  friends: FriendService;
  /** Each user's contact list: remarks, friend groups, friends with presence. */
  contacts: ContactListService;
  messages: MessageService;
  recalls: RecallService;
  sessions: SessionService;
  typing: TypingService;
  presence: PresenceService;
  uploads: UploadService;
  fileAccess: FileAccess;
  /** URLs of files in uploads and messages. */
  fileLinks: FileLinks;
  /** Rate limits of apps, users and console sign-in. */
  limits: RateLimits;
  /** The console's usage figures of an app. */
  usage: AppUsageReader;
  /** The console's message search and message detail. */
  messageInsights: MessageInsights;
  /** What happened, for the realtime gateway (and anything else that reacts to changes). */
  events: EventHub;
}

export function createServices(
  store: Store,
  bus: Bus,
  files: { storage: FileStorage; media: MediaInspector },
  clock: Clock,
  settings: DomainSettings,
  live: LiveConnections,
  onListenerError?: (error: unknown, event: DomainEventName) => void,
): Services {
  const events = new EventHub(onListenerError);
  const apps = new AppService(store, files.storage, clock, events, {
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
  const fileLinks = new FileLinks(clock, settings.files.publicUrl);
  const images = new WorkQueue({ concurrency: settings.files.imageConcurrency, queue: 64, retryAfterMs: 2000, what: 'image processing' });
  const groupWriter = new GroupWriter(clock, new GroupEventLog(clock, events));
  const groups = new GroupService(clock, groupWriter);
  const sessions = new SessionService(users, events);
  const blocks = new BlockService(clock, users, events);
  const privateChats = new PrivateChatPolicy(blocks);
  return {
    tenants: new TenantService(store, clock, limits, passwordHashing, {
      passwordCost: settings.passwordScryptCost,
      consoleTokenTtlSeconds: settings.consoleTokenTtlSeconds,
    }),
    apps,
    signatures: new RequestSignatureVerifier(apps, bus.nonces, clock, { windowSeconds: settings.signatureWindowSeconds }),
    users,
    groups,
    groupAdmin: new GroupAdminService(clock, groups, groupWriter, sessions, events),
    groupJoining: new GroupJoining(clock, groups, events),
    blocks,
    friends: new FriendService(clock, users, blocks, events),
    contacts: new ContactListService(clock, users, bus.presence, events),
    messages: new MessageService(clock, users, groups, fileLinks, privateChats, events, { maxContentBytes: settings.maxMessageBytes }),
    recalls: new RecallService(clock, events),
    sessions,
    typing: new TypingService(users, groups, privateChats, events),
    presence: new PresenceService(bus.presence, events),
    uploads: new UploadService(files.storage, files.media, fileLinks, images, clock, { maxBytes: settings.files.maxUploadBytes }),
    fileAccess: new FileAccess(apps, files.storage, clock),
    fileLinks,
    limits,
    usage: new AppUsageReader(clock, live),
    messageInsights: new MessageInsights(bus.presence, live, fileLinks),
    events,
  };
}
