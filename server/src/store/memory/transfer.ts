import type { AppScope } from '../ports.js';
import type { MemberRecord } from '../records.js';
import {
  TRANSFER_BATCH,
  type StoreTransfer,
  type TransferCollection,
  type TransferInput,
  type TransferRecords,
  type TransferScope,
} from '../transfer.js';
import type { MemoryAppRepo, MemoryConsoleTokenRepo, MemoryTenantRepo } from './accounts.js';
import type { MemoryBlockRepo } from './blocks.js';
import type { MemoryConversationRepo, MemorySessionRepo } from './conversations.js';
import type { MemoryFileRepo } from './files.js';
import type { MemoryFriendRepo } from './friends.js';
import type { MemoryGroupRepo } from './groups.js';
import type { MemoryJoinRequestRepo } from './join-requests.js';
import type { MemoryUserRepo, MemoryUserTokenRepo } from './people.js';

/** One app's repositories as the memory store keeps them: the transfer reads and writes them directly. */
export interface MemoryAppScope extends AppScope {
  readonly users: MemoryUserRepo;
  readonly tokens: MemoryUserTokenRepo;
  readonly groups: MemoryGroupRepo;
  readonly conversations: MemoryConversationRepo;
  readonly sessions: MemorySessionRepo;
  readonly files: MemoryFileRepo;
  readonly blocks: MemoryBlockRepo;
  readonly friends: MemoryFriendRepo;
  readonly joinRequests: MemoryJoinRequestRepo;
}

/** What the transfer needs of the memory store (passed in, so this module does not import the store). */
export interface MemoryStoreContents {
  readonly tenants: MemoryTenantRepo;
  readonly consoleTokens: MemoryConsoleTokenRepo;
  readonly apps: MemoryAppRepo;
  /** The apps that have data, by id; reading must not create one. */
  scopes(): ReadonlyMap<string, MemoryAppScope>;
  /** The app's repositories, created when missing. */
  forApp(appId: string): MemoryAppScope;
}

type Readers = { [C in TransferCollection]: (scope: TransferScope) => TransferRecords[C][] };
type Writers = { [C in TransferCollection]: (rows: readonly TransferInput[C][]) => void };

/**
 * The transfer port of the memory store. A read takes the whole collection at once, without
 * yielding in between, so it is a consistent view; a write applies row by row, and a row that
 * breaks a unique key (a tenant's email) throws `DuplicateKeyError` with the rows before it
 * written, as an unordered bulk write of a database does.
 */
export class MemoryStoreTransfer implements StoreTransfer {
  readonly #store: MemoryStoreContents;

  constructor(store: MemoryStoreContents) {
    this.#store = store;
  }

  async *read<C extends TransferCollection>(collection: C, scope: TransferScope): AsyncGenerator<TransferRecords[C][]> {
    const records = this.#readers[collection](scope);
    for (let start = 0; start < records.length; start += TRANSFER_BATCH) yield records.slice(start, start + TRANSFER_BATCH);
  }

  async write<C extends TransferCollection>(collection: C, rows: readonly TransferInput[C][]): Promise<void> {
    this.#writers[collection](rows);
  }

  readonly #readers: Readers = {
    tenants: (scope) => {
      const tenants = this.#store.tenants.all();
      if (scope.appId === undefined) return tenants;
      const owner = this.#store.apps.all().find((app) => app.appId === scope.appId)?.tenantId;
      return tenants.filter((tenant) => tenant.tenantId === owner);
    },
    // One app's export leaves console logins behind: its tenant logs in again where it lands.
    consoleTokens: (scope) => (scope.appId === undefined ? this.#store.consoleTokens.all() : []),
    apps: (scope) => this.#store.apps.all().filter((app) => scope.appId === undefined || app.appId === scope.appId),
    users: (scope) => this.#inApps(scope, (app) => app.users.all()),
    userTokens: (scope) => this.#inApps(scope, (app) => app.tokens.all()),
    blocks: (scope) => this.#inApps(scope, (app) => app.blocks.all()),
    friendRequests: (scope) => this.#inApps(scope, (app) => app.friends.allRequests()),
    friendGroups: (scope) => this.#inApps(scope, (app) => app.friends.allFriendGroups()),
    friends: (scope) => this.#inApps(scope, (app) => app.friends.allFriends()),
    files: (scope) => this.#inApps(scope, (app) => app.files.all()),
    groups: (scope) => this.#inApps(scope, (app) => app.groups.all()),
    groupMembers: (scope) => this.#inApps(scope, (app) => app.groups.allMembers()),
    joinRequests: (scope) => this.#inApps(scope, (app) => app.joinRequests.all()),
    conversations: (scope) => this.#inApps(scope, (app) => app.conversations.all()),
    messages: (scope) => this.#inApps(scope, (app) => app.conversations.allMessages()),
    sessions: (scope) => this.#inApps(scope, (app) => app.sessions.all()),
  };

  readonly #writers: Writers = {
    tenants: (rows) => rows.forEach((tenant) => this.#store.tenants.put(tenant)),
    consoleTokens: (rows) => rows.forEach((token) => this.#store.consoleTokens.put(token)),
    apps: (rows) => rows.forEach((app) => this.#store.apps.put(app)),
    users: (rows) => rows.forEach(({ appId, ...user }) => this.#store.forApp(appId).users.put(user)),
    userTokens: (rows) => rows.forEach(({ appId, ...token }) => this.#store.forApp(appId).tokens.put(token)),
    blocks: (rows) => rows.forEach(({ appId, ...block }) => this.#store.forApp(appId).blocks.put(block)),
    friendRequests: (rows) => rows.forEach(({ appId, ...request }) => this.#store.forApp(appId).friends.putRequest(request)),
    friendGroups: (rows) => rows.forEach(({ appId, ...group }) => this.#store.forApp(appId).friends.putFriendGroup(group)),
    friends: (rows) => rows.forEach(({ appId, ...friend }) => this.#store.forApp(appId).friends.putFriend(friend)),
    files: (rows) => rows.forEach(({ appId, ...file }) => this.#store.forApp(appId).files.put(file)),
    groups: (rows) => rows.forEach(({ appId, ...group }) => this.#store.forApp(appId).groups.put(group)),
    groupMembers: (rows) => {
      // One call per group: the repo restores the join order once for all of its rows.
      const byGroup = new Map<string, { appId: string; groupId: string; members: MemberRecord[] }>();
      for (const { appId, groupId, ...member } of rows) {
        const key = `${appId}\n${groupId}`;
        let entry = byGroup.get(key);
        if (!entry) byGroup.set(key, (entry = { appId, groupId, members: [] }));
        entry.members.push(member);
      }
      for (const { appId, groupId, members } of byGroup.values()) this.#store.forApp(appId).groups.putMembers(groupId, members);
    },
    joinRequests: (rows) => rows.forEach(({ appId, ...request }) => this.#store.forApp(appId).joinRequests.put(request)),
    conversations: (rows) => rows.forEach(({ appId, ...conversation }) => this.#store.forApp(appId).conversations.put(conversation)),
    messages: (rows) => rows.forEach(({ appId, preview, ...message }) => this.#store.forApp(appId).conversations.putMessage(message, preview)),
    sessions: (rows) => rows.forEach(({ appId, ...session }) => this.#store.forApp(appId).sessions.put(session)),
  };

  /** `recordsOf` every app in `scope`, each record labelled with its app. */
  #inApps<R>(scope: TransferScope, recordsOf: (app: MemoryAppScope) => R[]): (R & { appId: string })[] {
    const scopes = this.#store.scopes();
    const apps = scope.appId === undefined ? [...scopes.values()] : [scopes.get(scope.appId)].filter((app) => app !== undefined);
    return apps.flatMap((app) => recordsOf(app).map((record) => ({ appId: app.appId, ...record })));
  }
}
