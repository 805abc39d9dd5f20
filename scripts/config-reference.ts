/**
 * The variable table of docs/configuration.md, generated from the schema that validates the
 * environment (server/src/config.ts), so allowed values, ranges and defaults cannot drift.
 */
import { z } from 'zod';
import { envSchema } from '../server/src/config.js';

/** The schema under `.default()` and `.describe()`, where the rule of a variable lives. */
function innerOf(schema: z.ZodType): z.ZodType {
  const def = schema.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.type === 'default' && def.innerType) return innerOf(def.innerType);
  return schema;
}

function rangeOf(schema: z.ZodType): string | null {
  const range = z.globalRegistry.get(innerOf(schema))?.['range'];
  if (!Array.isArray(range)) {
    const def = innerOf(schema).def as { type: string; in?: z.ZodType };
    return def.type === 'pipe' && def.in ? rangeOf(def.in) : null;
  }
  return `allowed: ${Number(range[0]).toLocaleString('en-US')} to ${Number(range[1]).toLocaleString('en-US')}`;
}

/** The default as the variable would be written. */
function defaultOf(schema: z.ZodType): string {
  const def = schema.def as { type: string; defaultValue?: unknown; in?: z.ZodType };
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  return def.type === 'default' ? String(def.defaultValue) : '';
}

export function renderConfigTable(): string {
  const lines = ['| variable | default | meaning |', '| --- | --- | --- |'];
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const range = rangeOf(schema);
    const meaning = `${schema.description ?? ''}${range ? `; ${range}` : ''}`;
    const fallback = defaultOf(schema);
    lines.push(`| \`${name}\` | ${fallback === '' ? 'unset' : `\`${fallback}\``} | ${meaning.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
