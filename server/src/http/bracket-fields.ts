import { invalidParams } from '../domain/errors.js';

/**
 * PHP's `http_build_query` (and Rails, jQuery's `$.param`, qs) send an array as `userIds[]=a&
 * userIds[]=b` or `userIds[0]=a`, an object as `content[content]=hi`. Parley reads arrays and
 * objects in form fields and query strings as JSON text instead: that is also the text they are
 * signed as. Such a request would otherwise be refused as "given more than once" or with a bare
 * SIGNATURE_INVALID, so it is recognised first and answered with what to send instead.
 */

/** `name[a][]` -> `name` and its bracket path `['a', '']`; null for a plain field name. */
function bracketPath(key: string): { name: string; path: string[] } | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!match) return null;
  return { name: match[1]!, path: [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1]!) };
}

type Tree = Map<string, Tree | string>;

/** Deepest bracket path rebuilt for the example; deeper parts are left out (a body may hold a megabyte of `[]`). */
const PATH_MAX = 8;

/** Rebuilds the value the bracket fields describe, as PHP would: `[]` appends, other keys index. */
function insert(tree: Tree, path: readonly string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const key = head === '' ? String(tree.size) : head;
  if (rest.length === 0) {
    tree.set(key, value);
    return;
  }
  const child = tree.get(key);
  const next = child instanceof Map ? child : new Map<string, Tree | string>();
  tree.set(key, next);
  insert(next, rest, value);
}

/** A tree as JSON: an array when its keys are 0, 1, 2, … in order (as PHP's json_encode decides). */
function toJson(tree: Tree): unknown {
  const entries = [...tree.entries()];
  const isList = entries.every(([key], index) => key === String(index));
  const convert = (value: Tree | string) => (value instanceof Map ? toJson(value) : value);
  return isList ? entries.map(([, value]) => convert(value)) : Object.fromEntries(entries.map(([key, value]) => [key, convert(value)]));
}

/** Longest example shown in the message; a longer value is shortened, keeping it recognisable. */
const EXAMPLE_MAX = 120;

/**
 * Refuses bracket-style field names with INVALID_PARAMS naming the field and the JSON text to
 * send, e.g. `userIds: send arrays and objects as JSON text in form fields: userIds=["a","b"]
 * (PHP: json_encode the array before signing and http_build_query)`.
 */
export function refuseBracketFields(entries: readonly (readonly [string, string])[], where: 'form fields' | 'the query string'): void {
  const trees = new Map<string, Tree>();
  for (const [key, value] of entries) {
    const parsed = bracketPath(key);
    if (!parsed) continue;
    const tree = trees.get(parsed.name) ?? new Map<string, Tree | string>();
    trees.set(parsed.name, tree);
    insert(tree, parsed.path.slice(0, PATH_MAX), value);
  }
  const [first] = trees;
  if (!first) return;
  const [name, tree] = first;
  let example = JSON.stringify(toJson(tree));
  if (example.length > EXAMPLE_MAX) example = `${example.slice(0, EXAMPLE_MAX)}…`;
  throw invalidParams(
    name,
    `send arrays and objects as JSON text in ${where}: ${name}=${example} (PHP: json_encode the array before signing and http_build_query)`,
  );
}
