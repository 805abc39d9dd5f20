import type { z } from 'zod';
import { refuseUnsafeJson } from '../schemas/json-limits.js';

/** Kind of value a schema field holds, to read it from text (query string or form body). */
type TextKind = 'string' | 'number' | 'boolean' | 'json';

function kindOf(schema: z.ZodType | undefined): TextKind {
  if (!schema) return 'string';
  const def = schema.def as { type: string; innerType?: z.ZodType; options?: z.ZodType[]; values?: unknown[]; in?: z.ZodType };
  switch (def.type) {
    case 'number':
    case 'int':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
    case 'object':
    case 'record':
    case 'tuple':
      return 'json';
    case 'literal':
      return typeof def.values?.[0] === 'number' ? 'number' : typeof def.values?.[0] === 'boolean' ? 'boolean' : 'string';
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return kindOf(def.innerType);
    case 'pipe':
      return kindOf(def.in);
    case 'union':
      return kindOf(def.options?.[0]);
    default:
      return 'string';
  }
}

/**
 * The schema of field `key`, looking into every option of a union. Only the shape's own
 * properties are fields: `toString` or `constructor` would otherwise find `Object.prototype`'s.
 */
function fieldSchema(schema: z.ZodType, key: string): z.ZodType | undefined {
  const def = schema.def as { type: string; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
  if (def.type === 'object') return def.shape !== undefined && Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
  if (def.type === 'union') {
    for (const option of def.options ?? []) {
      const found = fieldSchema(option, key);
      if (found) return found;
    }
  }
  return undefined;
}

/** Field names of an object schema, or of every option of a union of them. */
function fieldNames(schema: z.ZodType): string[] {
  const def = schema.def as { type: string; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap(fieldNames))];
  return [];
}

/**
 * The fields of `schema` that a query string or form body carries as JSON text (arrays and
 * objects): what the OpenAPI document declares with `contentType: application/json`.
 */
export function jsonTextFields(schema: z.ZodType): string[] {
  return fieldNames(schema).filter((key) => kindOf(fieldSchema(schema, key)) === 'json');
}

/**
 * Query strings and form bodies carry only text. Reads each value as the type its field expects:
 * numbers and booleans from their decimal/`true`/`false` text, arrays and objects from JSON
 * (which is also the text they are signed as). Text that does not parse is passed on unchanged
 * so that validation reports it against the field.
 */
export function readTextFields(schema: z.ZodType, fields: Record<string, string>): Record<string, unknown> {
  // fromEntries, not `out[key] = value`: a field named `__proto__` stays a field (and is refused as unknown).
  const out = Object.fromEntries(Object.entries(fields).map(([key, text]) => [key, fromText(kindOf(fieldSchema(schema, key)), text)]));
  // JSON text, and digits beyond ±1.8e308, obey the rules a JSON body does.
  refuseUnsafeJson(out);
  return out;
}

function fromText(kind: TextKind, text: string): unknown {
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}
