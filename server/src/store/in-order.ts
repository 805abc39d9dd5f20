/**
 * `records` keyed by id in the order of `ids` (the order the caller asked in), each id once,
 * leaving out ids with no record: what every adapter's `getMany` answers.
 */
export function inOrderOf<R>(ids: readonly string[], records: readonly R[], keyOf: (record: R) => string): Map<string, R> {
  const byKey = new Map(records.map((record) => [keyOf(record), record]));
  const ordered = new Map<string, R>();
  for (const id of ids) {
    const record = byKey.get(id);
    if (record !== undefined && !ordered.has(id)) ordered.set(id, record);
  }
  return ordered;
}
