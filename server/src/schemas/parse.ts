import type { z } from 'zod';
import { invalidParams } from '../domain/errors.js';

/**
 * Runs a boundary schema and turns the first problem into INVALID_PARAMS naming the field, e.g.
 * `userIds[2]: Invalid input: expected string, received number`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0] ?? ''];
    return fail(fieldName(path), 'is not a field of this request (names are case-sensitive)');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return fail(fieldName(issue.path), 'is required');
  return fail(fieldName(issue.path), issue.message);
}

function fail(field: string, problem: string): never {
  throw invalidParams(field, problem);
}

/** `content.url`, `userIds[2]`, or `body` for the whole input. */
export function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}
