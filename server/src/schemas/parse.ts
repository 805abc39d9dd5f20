import type { z } from 'zod';
import { invalidParams } from '../domain/errors.js';

type Issue = z.core.$ZodIssue;

/**
 * The context of every boundary parse. zod copies it, then sets `async` on the copy and, in
 * objects, a `~memo` slot. Naming both here makes those writes overrides of fields the copy already
 * has, which V8 (Node 20) compiles to one shared hidden class. A field added after a spread instead
 * makes a new hidden class for every object, allocated in the old generation: garbage that brought
 * a full collection every few seconds under load, and a parse 5-10 times slower (see
 * docs/benchmarks.md, "Hidden classes"). Not a literal at the call, so the fields zod keeps
 * internal pass the type check; should zod rename them, parsing stays correct, only slower.
 */
const PARSE_CONTEXT = { reportInput: true, async: false, '~memo': undefined };

/**
 * Runs a boundary schema and turns the first problem into INVALID_PARAMS naming the field, the
 * expected type and what was received, e.g. `userIds[1]: must be a string, got the number 1`.
 * "is required" is kept for a field that is absent.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, PARSE_CONTEXT);
  if (result.success) return result.data;
  const { path, problem } = explain(result.error.issues[0]!, []);
  throw invalidParams(fieldName(path), problem);
}

/** What a (possibly absent) input schema yields: its output, or undefined when there is none. */
export type Parsed<S extends z.ZodType | null> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * {@link parseInput} for a declaration whose input may be absent (a route or socket request
 * without fields). The overload states what the implementation does: parse with `schema`, or
 * nothing when it is null.
 */
export function parseOptional<S extends z.ZodType | null>(schema: S, input: unknown): Parsed<S>;
export function parseOptional(schema: z.ZodType | null, input: unknown): unknown {
  return schema === null ? undefined : parseInput(schema, input);
}

/** Zod's own wording starts like this; a schema's custom message does not and is kept as written. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized)\b/;

function explain(issue: Issue, prefix: readonly PropertyKey[]): { path: PropertyKey[]; problem: string } {
  const path = [...prefix, ...issue.path];
  const own = ZOD_DEFAULT.test(issue.message) ? null : issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return { path, problem: wrongType(issue.expected, issue.input) };
    case 'invalid_key':
      // A record key that breaks its rule: the key is the field, its own issue the problem.
      return issue.issues[0] ? { path, problem: explain(issue.issues[0], []).problem } : { path, problem: own ?? 'is not an allowed key' };
    case 'unrecognized_keys':
      return { path: [...path, issue.keys[0] ?? ''], problem: 'is not a field of this request (names are case-sensitive)' };
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = 'options' in issue ? (issue.options ?? []) : [];
        return { path, problem: own ?? `must be one of ${options.map(show).join(', ')}` };
      }
      // The option that got furthest (not refused at its root for its type) explains best.
      const closest = issue.errors.find((errors) => errors[0] && !(errors[0].code === 'invalid_type' && errors[0].path.length === 0));
      if (closest?.[0]) return explain(closest[0], path);
      const expected = issue.errors.map((errors) => (errors[0]?.code === 'invalid_type' ? errors[0].expected : null)).filter((e) => e !== null);
      return { path, problem: `must be ${expected.map(article).join(' or ')}, got ${describe(issue.input)}` };
    }
    case 'invalid_value':
      return { path, problem: own ?? `must be ${issue.values.length === 1 ? show(issue.values[0]) : `one of ${issue.values.map(show).join(', ')}`}, got ${describe(issue.input)}` };
    case 'too_small':
      return { path, problem: own ?? bound('at least', issue.origin, issue.minimum, issue.input) };
    case 'too_big':
      return { path, problem: own ?? bound('at most', issue.origin, issue.maximum, issue.input) };
    case 'invalid_format':
      return { path, problem: own ?? `must be a valid ${issue.format === 'regex' ? `value matching ${issue.pattern ?? 'its pattern'}` : issue.format}` };
    default:
      return { path, problem: own ?? issue.message };
  }
}

/** `must be a string, got the number 1`; with a hint for an object sent as JSON text. */
function wrongType(expected: string, input: unknown): string {
  if (input === undefined) return 'is required';
  const name = TYPE_NAMES[expected] ?? expected;
  // Quoting such a string would show escaped JSON inside quotes; saying what it is reads better.
  if ((name === 'object' || name === 'array') && typeof input === 'string' && /^\s*[[{]/.test(input)) {
    return `must be ${article(expected)}, got a string of JSON text: send the ${name} itself in a JSON body (JSON text is for form fields and query strings)`;
  }
  return `must be ${article(expected)}, got ${describe(input)}`;
}

function bound(how: 'at least' | 'at most', origin: string, limit: number | bigint, input: unknown): string {
  switch (origin) {
    case 'string':
      return `must be ${how} ${limit} ${limit === 1 ? 'character' : 'characters'} long, got ${typeof input === 'string' ? Array.from(input).length : '?'}`;
    case 'array':
    case 'set':
      return `must have ${how} ${limit} ${limit === 1 ? 'item' : 'items'}, got ${Array.isArray(input) ? input.length : '?'}`;
    default:
      return `must be ${how} ${limit}, got ${describe(input)}`;
  }
}

/** What zod calls a type, as a JSON reader calls it. */
const TYPE_NAMES: Record<string, string> = { int: 'integer', record: 'object' };

function article(type: string): string {
  const name = TYPE_NAMES[type] ?? type;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** What a value is, for a message: `the number 1`, `a string`, `null`, `an array`. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? `the number ${value}` : `the number ${value} (not a whole number)`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'string':
      return value.length <= 32 ? `the string ${JSON.stringify(value)}` : 'a string';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** `content.url`, `userIds[2]`, or `body` for the whole input. */
export function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}
