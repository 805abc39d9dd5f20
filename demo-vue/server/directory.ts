/** The demo's users: four seeded ones, plus whoever logs in with an id of their own. */

export interface DemoUser {
  userId: string;
  name: string;
}

export const SEED_USERS: readonly DemoUser[] = [
  { userId: 'alice', name: 'Alice' },
  { userId: 'bob', name: 'Bob' },
  { userId: 'carol', name: 'Carol' },
  { userId: 'dave', name: 'Dave' },
];

export const SEED_GROUP = { groupId: 'book-club', name: 'Book club', memberIds: ['alice', 'bob', 'carol'], ownerId: 'alice' } as const;

/** Users met since start, beyond the seeds; a bound keeps a busy demo from growing it forever. */
const MAX_EXTRA_USERS = 200;

export class Directory {
  readonly #users = new Map<string, DemoUser>(SEED_USERS.map((user) => [user.userId, user]));

  list(): DemoUser[] {
    return [...this.#users.values()];
  }

  get(userId: string): DemoUser | undefined {
    return this.#users.get(userId);
  }

  /** The name to register `userId` with: the one given, else the one known, else the id itself. */
  nameFor(userId: string, given: string | undefined): string {
    return given ?? this.#users.get(userId)?.name ?? userId;
  }

  remember(user: DemoUser): void {
    if (SEED_USERS.some((seed) => seed.userId === user.userId)) return;
    this.#users.delete(user.userId);
    this.#users.set(user.userId, user);
    if (this.#users.size > SEED_USERS.length + MAX_EXTRA_USERS) {
      const oldest = [...this.#users.keys()].find((id) => !SEED_USERS.some((seed) => seed.userId === id));
      if (oldest !== undefined) this.#users.delete(oldest);
    }
  }
}
