import { invalidParams } from '../domain/errors.js';
import { fieldName } from './parse.js';

/**
 * Rules every received JSON value passes before anything else reads it, at both boundaries (HTTP
 * bodies, query and form JSON text, socket payloads). Signing, validation and storage all walk
 * values recursively, and the signer's canonical JSON cannot print a non-finite number: without
 * these checks a hostile value would exhaust the stack or throw instead of getting a 400.
 */

/** Deepest nesting of arrays and objects accepted in one field. */
export const MAX_JSON_DEPTH = 32;

/** A value that breaks a rule: the field (`content`, `avatarUri.x`, `userIds[1]`) and what is wrong. */
export interface JsonProblem {
  field: string;
  problem: string;
}

/** One value still to look at: its depth below its field, and the way to it (linked, built only on a problem). */
interface Visit {
  value: unknown;
  depth: number;
  key: PropertyKey | null;
  parent: Visit | null;
}

function pathOf(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at: Visit | null = visit; at !== null; at = at.parent) if (at.key !== null) path.push(at.key);
  return path.reverse();
}

/**
 * The first rule `input` breaks, if any: a field that nests arrays/objects deeper than
 * {@link MAX_JSON_DEPTH} (named by the field itself, as a path that deep would not help) or a
 * number that is not finite (`1e400` parses to Infinity; named by its full path). An object's
 * entries are its fields; any other value is one field, the body. Iterative, so any depth is
 * safe to check; binary attachments (socket.io buffers) are data, not JSON, and are skipped.
 */
export function jsonProblem(input: unknown): JsonProblem | undefined {
  const stack: Visit[] = [];
  const isRecord = input !== null && typeof input === 'object' && !Array.isArray(input) && !ArrayBuffer.isView(input);
  if (isRecord) {
    for (const key of Object.keys(input)) stack.push({ value: (input as Record<string, unknown>)[key], depth: 0, key, parent: null });
    stack.reverse();
  } else {
    stack.push({ value: input, depth: 0, key: null, parent: null });
  }
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { value, depth } = visit;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { field: fieldName(pathOf(visit)), problem: Number.isNaN(value) ? 'must be a number, got NaN' : 'must be a finite number (this one is beyond ±1.8e308)' };
    }
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) continue;
    if (depth >= MAX_JSON_DEPTH) return { field: fieldName(pathOf(visit).slice(0, isRecord ? 1 : 0)), problem: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    const children: Visit[] = Array.isArray(value)
      ? value.map((child, index) => ({ value: child, depth: depth + 1, key: index, parent: visit }))
      : Object.keys(value).map((key) => ({ value: (value as Record<string, unknown>)[key], depth: depth + 1, key, parent: visit }));
    // Pushed in reverse so the first problem in reading order is the one reported.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/** Throws INVALID_PARAMS for the first rule of {@link jsonProblem} that `input` breaks. */
export function refuseUnsafeJson(input: unknown): void {
  const found = jsonProblem(input);
  if (found) throw invalidParams(found.field, found.problem);
}
