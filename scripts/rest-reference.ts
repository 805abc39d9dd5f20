/**
 * Renders the OpenAPI document into docs/reference/rest.md: one section per route with its
 * fields, an example, its answer and its errors. Generated, never edited by hand. What holds for
 * every route (the signature scheme, empty fields, 405 and 500) is said once at the top instead
 * of in every section.
 */
import { EMPTY_MEANS_ABSENT } from '../server/src/http/openapi.js';
import { fieldTable as table, modelRows, objectRows as rowsOf, typeOf, type FieldRow, type Schema } from './schema-markdown.js';

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: Schema; example?: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  security?: unknown[];
}

interface Document {
  info: { title: string; version: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const SIGNATURE_FIELDS = new Set(['app_id', 'time_stamp', 'nonce_str', 'sign']);

/** Failures every route can answer; the introduction names them once. */
const EVERY_ROUTE = new Set(['405', '500']);

/** The schema without the `""` option of an optional signed field (the introduction says it once). */
function withoutEmptyOption(schema: Schema): Schema {
  const options = schema.anyOf?.filter((option) => !(option.const === '' && option.description === EMPTY_MEANS_ABSENT));
  if (!options || options.length === schema.anyOf?.length) return schema;
  const { anyOf: _anyOf, ...rest } = schema;
  return options.length === 1 ? { ...options[0], ...rest } : { ...rest, anyOf: options };
}

/** A description without the note that empty means absent. */
function withoutEmptyNote(description: string | undefined): string | undefined {
  const text = description?.split('; ').filter((part) => part !== EMPTY_MEANS_ABSENT).join('; ');
  return text ? text : undefined;
}

function fieldTable(rows: readonly FieldRow[]): string {
  return table(rows.map((row) => ({ ...row, schema: withoutEmptyOption(row.schema) })));
}

function objectRows(schema: Schema): FieldRow[] {
  return rowsOf(schema, SIGNATURE_FIELDS);
}

function parameterTable(parameters: NonNullable<Operation['parameters']>): string {
  return fieldTable(
    parameters.map((p) => {
      const description = withoutEmptyNote(p.description);
      return { name: p.name, schema: { ...p.schema, ...(description ? { description } : {}) }, required: p.required };
    }),
  );
}

/** How the body may be sent, for the line above its field table. */
function bodyForms(operation: Operation): string {
  const form = operation.requestBody?.content['application/x-www-form-urlencoded'];
  const how = form ? 'a JSON object, or a form whose arrays and objects are JSON text' : 'a JSON object';
  return operation.requestBody?.required === false ? `${how}; the body may be left out` : how;
}

/** The example request: its fields as one line of JSON (also the form fields, arrays and objects as JSON text). */
function renderExample(operation: Operation): string | null {
  const body = operation.requestBody?.content['application/json']?.example;
  const parameters = (operation.parameters ?? []).filter((p) => p.example !== undefined);
  const parts: string[] = [];
  if (parameters.length > 0) {
    const where = parameters[0]?.in === 'path' ? 'path' : 'query';
    parts.push(`${where} ${parameters.map((p) => `\`${p.name}=${String(p.example)}\``).join(' ')}`);
  }
  if (body !== undefined) parts.push(`body \`${JSON.stringify(body)}\``);
  return parts.length > 0 ? `Example: ${parts.join('; ')}.` : null;
}

function renderInput(operation: Operation): string {
  const parts: string[] = [];
  const path = (operation.parameters ?? []).filter((p) => p.in === 'path');
  const query = (operation.parameters ?? []).filter((p) => p.in === 'query' && !SIGNATURE_FIELDS.has(p.name));
  if (path.length > 0) parts.push(`Path parameters:\n\n${parameterTable(path)}`);
  if (query.length > 0) parts.push(`Query parameters:\n\n${parameterTable(query)}`);
  const body = operation.requestBody?.content['application/json']?.schema;
  const multipart = operation.requestBody?.content['multipart/form-data']?.schema;
  if (multipart) parts.push(`Body (\`multipart/form-data\`):\n\n${fieldTable(objectRows(multipart))}`);
  if (body?.oneOf) {
    const contents = body.oneOf.map((option) => typeOf(option.properties?.content ?? {})).join(' | ');
    parts.push(
      `Body fields (${bodyForms(operation)}; one shape per \`messageType\`, see [message content](../guides/messages.md#content-by-message-type)):\n\n` +
        fieldTable(
          objectRows(body.oneOf[0]!).map((row) => {
            if (row.name === 'messageType') return { ...row, schema: { type: 'integer', description: '1-7: text, voice, image, file, location, custom, video' } };
            if (row.name === 'content') return { ...row, schema: { type: 'object', description: `by \`messageType\`: ${contents} (see [message types](message-types.md))` } };
            return row;
          }),
        ),
    );
  } else if (body) {
    const rows = objectRows(body.$ref ? {} : body);
    if (body.$ref) parts.push(`Body (${bodyForms(operation)}): ${typeOf(body)}.`);
    else parts.push(rows.length > 0 ? `Body fields (${bodyForms(operation)}):\n\n${fieldTable(rows)}` : 'Body: none needed.');
  }
  const example = renderExample(operation);
  if (example) parts.push(example);
  return parts.length > 0 ? parts.join('\n\n') : 'No fields.';
}

function renderOutput(operation: Operation): string {
  const ok = operation.responses['200']!;
  const json = ok.content?.['application/json'];
  if (!json) {
    const others = Object.entries(operation.responses)
      .filter(([status]) => status.startsWith('2') || status.startsWith('3'))
      .map(([status, response]) => `${status}: ${response.description}`);
    return `Answers the raw bytes, not an envelope: ${others.join('; ')}.`;
  }
  const data = json.schema.properties!.data!;
  const message = `\`message\`: "${ok.description}"`;
  if (data.type === 'null') return `\`data\`: \`null\`; ${message}.`;
  return `\`data\`: ${typeOf(data)}; ${message}.`;
}

function renderErrors(operation: Operation): string {
  return Object.entries(operation.responses)
    .filter(([status]) => Number(status) >= 400 && !EVERY_ROUTE.has(status))
    .map(([status, response]) => `${status} ${response.description.split(', ').map((code) => `\`${code}\``).join(', ')}`)
    .join(' · ');
}

function renderModel(name: string, schema: Schema): string {
  const rows = modelRows(schema).filter((row) => !SIGNATURE_FIELDS.has(row.name));
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
    '  every request carries `app_id`, `time_stamp`, `nonce_str` and `sign` (the `appSignature` security',
    '  scheme of the document): see the [signature guide](../guides/signature.md). Without them the answer',
    '  is 401 `SIGNATURE_INVALID`. GET routes take fields in the query string; POST routes in a JSON body or',
    '  a form body, where arrays and objects are JSON text (`userIds=["a","b"]`, not `userIds[]=a`). An empty',
    '  value (`""`) counts as absent, as the signature leaves it out; `null` is refused where the type does',
    '  not allow it.',
    '- **Console** routes take `Authorization: Bearer <console token>` and JSON bodies.',
    '- **Files**: `POST /file/upload` takes a user token (or a signed query) and a multipart body; file URLs answer raw bytes.',
    '- Every route can also answer 405 `METHOD_NOT_ALLOWED` (another method on its path; the `Allow` header',
    '  lists the right ones) and 500 `INTERNAL`.',
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
