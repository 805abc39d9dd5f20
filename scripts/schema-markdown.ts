/**
 * JSON Schema (as zod and the OpenAPI document write it) to Markdown: a type in words and a field
 * table. Shared by the generated REST and socket references.
 */

export type Schema = {
  type?: string | string[];
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  allowEmptyValue?: boolean;
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  default?: unknown;
};

export interface FieldRow {
  name: string;
  schema: Schema;
  required: boolean;
}

export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A type in a table cell: `string`, `integer[]`, `` `1` \| `2` ``, a link to a model. */
export function typeOf(schema: Schema): string {
  if (schema.$ref) return `[${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.map(typeOf).join(' \\| ');
  if (schema.type === 'array') {
    const item = schema.items ? typeOf(schema.items) : 'any';
    return item.includes(' \\| ') ? `(${item})[]` : `${item}[]`;
  }
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any';
}

/** The rules of a field in words: its description, lengths, ranges, format. */
export function rulesOf(schema: Schema): string {
  const rules: string[] = [];
  if (schema.description) rules.push(schema.description);
  if ((schema.minLength !== undefined || schema.maxLength !== undefined) && !schema.description) {
    rules.push(`length ${schema.minLength ?? 0}-${schema.maxLength ?? '∞'}`);
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    rules.push(`${schema.minItems ?? 0}-${schema.maxItems ?? '∞'} items`);
  }
  // zod bounds every integer to the safe range; only real bounds are worth a word.
  const minimum = schema.minimum === Number.MIN_SAFE_INTEGER ? undefined : schema.minimum;
  const maximum = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
  if ((minimum !== undefined || maximum !== undefined) && !schema.description) rules.push(`${minimum ?? '-∞'} to ${maximum ?? '∞'}`);
  if (schema.format) rules.push(schema.format);
  // A described field already says in words what its pattern says in regex.
  if (schema.pattern && !schema.description) rules.push(`pattern \`${schema.pattern}\``);
  if (schema.items?.description) rules.push(`each ${schema.items.description}`);
  else if (schema.items?.pattern) rules.push(`each matches \`${schema.items.pattern}\``);
  return rules.join('; ').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function fieldTable(rows: readonly FieldRow[]): string {
  const lines = ['| field | type | required | notes |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.name}\` | ${typeOf(row.schema)} | ${row.required ? 'yes' : 'no'} | ${rulesOf(row.schema)} |`);
  }
  return lines.join('\n');
}

/** The properties of an object schema as table rows, leaving out `skip`. */
export function objectRows(schema: Schema, skip: ReadonlySet<string> = new Set()): FieldRow[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([name]) => !skip.has(name))
    .map(([name, property]) => ({ name, schema: property, required: required.has(name) }));
}

/**
 * The rows of a model: its fields, or, for a union of objects with the same fields (a message,
 * one shape per `messageType`), each field once with the types it takes across the shapes.
 */
export function modelRows(schema: Schema): FieldRow[] {
  if (schema.properties) return objectRows(schema);
  const options = (schema.anyOf ?? schema.oneOf ?? []).filter((option) => option.properties);
  if (options.length === 0) return [];
  const names = [...new Set(options.flatMap((option) => Object.keys(option.properties!)))];
  return names.map((name) => {
    const given = options.map((option) => option.properties![name]).filter((variant): variant is Schema => variant !== undefined);
    const description = given.find((variant) => variant.description)?.description;
    // A union inside a shape (`1 | 2 | ... 7`) counts by its options, so shapes sharing them show each once.
    const variants = given.flatMap((variant) => variant.anyOf ?? variant.enum?.map((value): Schema => ({ const: value })) ?? [variant]);
    const distinct = [...new Map(variants.map((variant) => [typeOf(variant), variant])).values()];
    const merged: Schema = distinct.length === 1 ? distinct[0]! : { anyOf: distinct.map(({ description: _d, ...rest }) => rest), ...(description ? { description } : {}) };
    return { name, schema: merged, required: options.every((option) => option.required?.includes(name)) };
  });
}
