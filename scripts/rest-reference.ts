/**
 * Renders the OpenAPI document into docs/reference/rest.md: one section per route with its
 * fields, its answer and its errors. Generated, never edited by hand.
 */

type Schema = {
  type?: string | string[];
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
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
};

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content: Record<string, { schema: Schema }> }>;
  security?: unknown[];
}

interface Document {
  info: { title: string; version: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const SIGNATURE_FIELDS = new Set(['app_id', 'time_stamp', 'nonce_str', 'sign']);

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function typeOf(schema: Schema): string {
  if (schema.$ref) return `[${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(' \\| ');
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any';
}

function rulesOf(schema: Schema): string {
  const rules: string[] = [];
  if (schema.description) rules.push(schema.description);
  if ((schema.minLength !== undefined || schema.maxLength !== undefined) && !schema.description) {
    rules.push(`length ${schema.minLength ?? 0}-${schema.maxLength ?? '∞'}`);
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    rules.push(`${schema.minItems ?? 0}-${schema.maxItems ?? '∞'} items`);
  }
  if (schema.minimum !== undefined || schema.maximum !== undefined) rules.push(`${schema.minimum ?? '-∞'} to ${schema.maximum ?? '∞'}`);
  if (schema.format) rules.push(schema.format);
  // A described field already says in words what its pattern says in regex.
  if (schema.pattern && !schema.description) rules.push(`pattern \`${schema.pattern}\``);
  if (schema.items?.description) rules.push(`each ${schema.items.description}`);
  else if (schema.items?.pattern) rules.push(`each matches \`${schema.items.pattern}\``);
  return rules.join('; ').replace(/\|/g, '\\|');
}

function fieldTable(rows: { name: string; schema: Schema; required: boolean }[]): string {
  const lines = ['| field | type | required | notes |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(`| \`${row.name}\` | ${typeOf(row.schema)} | ${row.required ? 'yes' : 'no'} | ${rulesOf(row.schema)} |`);
  }
  return lines.join('\n');
}

function objectRows(schema: Schema): { name: string; schema: Schema; required: boolean }[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([name]) => !SIGNATURE_FIELDS.has(name))
    .map(([name, property]) => ({ name, schema: property, required: required.has(name) }));
}

function renderInput(operation: Operation): string {
  const parts: string[] = [];
  const query = (operation.parameters ?? []).filter((p) => !SIGNATURE_FIELDS.has(p.name));
  if (query.length > 0) {
    const where = query[0]?.in === 'path' ? 'Path parameters' : 'Query parameters';
    parts.push(`${where}:\n\n${fieldTable(query.map((p) => ({ name: p.name, schema: { ...p.schema, ...(p.description ? { description: p.description } : {}) }, required: p.required })))}`);
  }
  const body = operation.requestBody?.content['application/json']?.schema;
  if (body?.oneOf) {
    parts.push(
      'Body fields (one shape per `messageType`; see [message content](../guides/messages.md#content-by-message-type)):\n\n' +
        fieldTable(objectRows(body.oneOf[0]!).map((row) => (row.name === 'messageType' ? { ...row, schema: { type: 'integer', description: '1-6' } } : row.name === 'content' ? { ...row, schema: { type: 'object', description: 'fields depend on messageType' } } : row))),
    );
  } else if (body) {
    const rows = objectRows(body);
    parts.push(rows.length > 0 ? `Body fields (JSON or form-encoded):\n\n${fieldTable(rows)}` : 'Body: none needed.');
  }
  return parts.length > 0 ? parts.join('\n\n') : 'No fields.';
}

function renderOutput(operation: Operation): string {
  const ok = operation.responses['200']!;
  const data = ok.content['application/json']!.schema.properties!.data!;
  const message = `\`message\`: "${ok.description}"`;
  if (data.type === 'null') return `\`data\`: \`null\`; ${message}.`;
  return `\`data\`: ${typeOf(data)}; ${message}.`;
}

function renderErrors(operation: Operation): string {
  return Object.entries(operation.responses)
    .filter(([status]) => status !== '200')
    .map(([status, response]) => `${status} ${response.description.split(', ').map((code) => `\`${code}\``).join(', ')}`)
    .join(' · ');
}

function renderModel(name: string, schema: Schema): string {
  const rows = objectRows(schema);
  return `### ${name}\n\n${rows.length > 0 ? fieldTable(rows) : `\`${typeOf(schema)}\``}\n`;
}

export function renderRestReference(document: object): string {
  const doc = document as Document;
  const out: string[] = [
    '<!-- Generated by `npm run docs` from the server\'s route schemas. Do not edit by hand. -->',
    '',
    `# REST reference (${doc.info.title} ${doc.info.version})`,
    '',
    'Every response is an envelope: `{"status":1,"message":"…","data":…}` with HTTP 200 on success,',
    '`{"status":0,"code":"…","message":"…"}` with a 4xx/5xx status on failure (see [errors](errors.md)).',
    '',
    '- **Signed** routes (Users, Groups, Messages) are called by your backend. Besides the fields listed,',
    '  every request carries `app_id`, `time_stamp`, `nonce_str` and `sign`: see the',
    '  [signature guide](../guides/signature.md). GET routes take fields in the query string; POST routes',
    '  in a JSON or form-encoded body.',
    '- **Console** routes take `Authorization: Bearer <console token>` and JSON bodies.',
    '',
    'The same information, machine-readable: [`openapi.json`](../openapi.json) (OpenAPI 3.1), also served',
    'by every server at `/openapi.json`.',
    '',
  ];
  for (const tag of doc.tags) {
    out.push(`## ${tag.name}`, '', tag.description, '');
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (!operation.tags.includes(tag.name)) continue;
        out.push(`### \`${method.toUpperCase()} ${path}\``, '', `**${operation.summary}.**${operation.description ? ` ${operation.description}` : ''}`, '');
        out.push(renderInput(operation), '', renderOutput(operation), '', `Errors: ${renderErrors(operation)}`, '');
      }
    }
  }
  out.push('## Models', '');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    if (name !== 'Failure') out.push(renderModel(name, schema));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
