/**
 * The memory adapter hands out copies: a caller that mutates a returned record must not change
 * what is stored, exactly as with a database.
 */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
