/**
 * A set that remembers only the `capacity` most recently added values; the oldest are forgotten
 * first. Used to recognise messages already seen by their msgId.
 */
export class RecentIds {
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {}

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Adds `id` (a value already present keeps its place). */
  add(id: string): void {
    if (this.#ids.has(id)) return;
    this.#ids.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    if (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.values().next().value!);
  }

  get size(): number {
    return this.#ids.size;
  }

  clear(): void {
    this.#ids.clear();
  }
}
