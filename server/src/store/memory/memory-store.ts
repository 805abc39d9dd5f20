import type { Store } from '../ports.js';
import { MemoryAppRepo, MemoryConsoleTokenRepo, MemoryTenantRepo } from './accounts.js';
import { MemoryBlockRepo } from './blocks.js';
import { MemoryConversationRepo, MemorySessionRepo } from './conversations.js';
import { MemoryFileRepo } from './files.js';
import { MemoryFriendRepo } from './friends.js';
import { MemoryGroupRepo } from './groups.js';
import { MemoryJoinRequestRepo } from './join-requests.js';
import { MemoryUserRepo, MemoryUserTokenRepo } from './people.js';
import { MemoryStoreTransfer, type MemoryAppScope } from './transfer.js';

/**
 * The embedded store: everything in this process's memory.
 *
 * Limits: one process only (a second server process sees none of it), nothing survives a
 * restart, and nothing is ever evicted except expired tokens. Use it for development, tests and
 * demos; production sets `MONGODB_URL`. Every call is atomic because it runs to completion
 * without yielding.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly tenants = new MemoryTenantRepo();
  readonly consoleTokens = new MemoryConsoleTokenRepo();
  readonly apps = new MemoryAppRepo();
  readonly #scopes = new Map<string, MemoryAppScope>();
  readonly transfer = new MemoryStoreTransfer({
    tenants: this.tenants,
    consoleTokens: this.consoleTokens,
    apps: this.apps,
    scopes: () => this.#scopes,
    forApp: (appId) => this.forApp(appId),
  });

  forApp(appId: string): MemoryAppScope {
    let scope = this.#scopes.get(appId);
    if (!scope) {
      scope = {
        appId,
        users: new MemoryUserRepo(),
        tokens: new MemoryUserTokenRepo(),
        groups: new MemoryGroupRepo(),
        conversations: new MemoryConversationRepo(),
        sessions: new MemorySessionRepo(),
        files: new MemoryFileRepo(),
        blocks: new MemoryBlockRepo(),
        friends: new MemoryFriendRepo(),
        joinRequests: new MemoryJoinRequestRepo(),
        purge: async () => {
          this.#scopes.delete(appId);
        },
      };
      this.#scopes.set(appId, scope);
    }
    return scope;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#scopes.clear();
  }
}
