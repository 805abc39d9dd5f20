import type { Database, Statement } from 'better-sqlite3';

/** What a statement's named parameters may hold. */
export type SqlValue = string | number | null;
export type SqlParams = Readonly<Record<string, SqlValue>>;

/**
 * One connection's statements, each prepared once the first time its text is used and reused
 * after (a repository is made per request; its statements are not). Parameters are named
 * (`@appId`), so a statement reads like the record it writes.
 */
export class Sql {
  readonly #cache = new Map<string, Statement<[SqlParams], unknown>>();

  /**
   * One transaction wrapper for every `transaction` call: better-sqlite3's `db.transaction(fn)`
   * builds four functions and their properties each time it is called, which cost more than the
   * BEGIN and COMMIT themselves (about 6 µs against 1 µs here).
   */
  readonly #inTransaction: (work: () => void) => void;

  constructor(readonly db: Database) {
    this.#inTransaction = db.transaction((work: () => void) => work());
  }

  #prepared(text: string): Statement<[SqlParams], unknown> {
    let statement = this.#cache.get(text);
    if (!statement) {
      statement = this.db.prepare<[SqlParams], unknown>(text);
      this.#cache.set(text, statement);
    }
    return statement;
  }

  /** Runs a write; returns how many rows it changed. */
  run(text: string, params: SqlParams = {}): number {
    return this.#prepared(text).run(params).changes;
  }

  /** The first row, typed as the caller's row interface (the schema in schema.ts is its source). */
  get<Row>(text: string, params: SqlParams = {}): Row | undefined {
    return this.#prepared(text).get(params) as Row | undefined;
  }

  all<Row>(text: string, params: SqlParams = {}): Row[] {
    return this.#prepared(text).all(params) as Row[];
  }

  /** Runs `work` in one transaction: every write in it is committed together, or none is. */
  transaction<T>(work: () => T): T {
    let result: { value: T } | undefined;
    this.#inTransaction(() => {
      result = { value: work() };
    });
    // Set: a transaction whose work throws rethrows before this line.
    return result!.value;
  }
}

/** A list parameter: bound as one JSON array and read with `json_each`, so the SQL text stays the same for any length. */
export function jsonList(values: readonly string[]): string {
  return JSON.stringify([...new Set(values)]);
}
