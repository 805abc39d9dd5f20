import { ErrorCode, ErrorStatus } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Route } from './route.js';

/**
 * The OpenAPI 3.1 document of every route, generated from the same zod schemas that validate
 * requests, so the reference cannot say something the server does not do.
 */

type JsonSchema = Record<string, unknown>;

const SIGNATURE_FIELDS = {
  app_id: z.string().describe('Your appId.'),
  time_stamp: z.union([z.string(), z.number()]).describe('Unix time in seconds (13 digits: milliseconds); within 5 minutes of server time.'),
  nonce_str: z.string().describe('Random, 1-64 printable ASCII characters; single use per app within the window.'),
  sign: z.string().describe('Uppercase hex MD5 over the sorted parameters and the app secret; see the signature guide.'),
};

const FAILURE_CODES_BY_AUTH: Record<Route['auth'], ErrorCode[]> = {
  signature: [
    ErrorCode.INVALID_PARAMS,
    ErrorCode.UNKNOWN_APP,
    ErrorCode.SIGNATURE_EXPIRED,
    ErrorCode.SIGNATURE_INVALID,
    ErrorCode.NONCE_REUSED,
    ErrorCode.FORBIDDEN,
    ErrorCode.NOT_FOUND,
    ErrorCode.CONFLICT,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  ],
  console: [ErrorCode.INVALID_PARAMS, ErrorCode.TOKEN_INVALID, ErrorCode.NOT_FOUND],
  none: [ErrorCode.INVALID_PARAMS, ErrorCode.CREDENTIALS_INVALID, ErrorCode.CONFLICT],
};

class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = tidy(z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' })) as JsonSchema;
    const defs = json.$defs as Record<string, JsonSchema> | undefined;
    for (const [id, def] of Object.entries(defs ?? {})) this.components[id] = def;
    delete json.$defs;
    delete json.$schema;
    return json;
  }
}

/**
 * Points zod's local `$defs` references at `components/schemas` (where the collector moves
 * them) and drops the safe-integer bounds zod adds to every integer, which only add noise.
 */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string') out[key] = item.replace('#/$defs/', '#/components/schemas/');
    else if ((key === 'minimum' && item === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && item === Number.MAX_SAFE_INTEGER)) continue;
    else out[key] = tidy(item);
  }
  return out;
}

function withSignatureFields(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) return schema.extend(SIGNATURE_FIELDS);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const options = schema.options as z.ZodObject[];
    const [first, ...rest] = options.map((option) => option.extend(SIGNATURE_FIELDS));
    return z.discriminatedUnion(schema.def.discriminator, [first!, ...rest]);
  }
  return schema;
}

function envelope(data: JsonSchema | null): JsonSchema {
  return {
    type: 'object',
    required: ['status', 'message', 'data'],
    properties: { status: { const: 1 }, message: { type: 'string' }, data: data ?? { type: 'null' } },
  };
}

function queryParameters(schema: JsonSchema): object[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

export function buildOpenApiDocument(routes: readonly Route[], version: string): object {
  const collector = new SchemaCollector();
  const paths: Record<string, Record<string, object>> = {};

  for (const route of routes) {
    const operation: Record<string, unknown> = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[/:-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    };
    const input = route.input ? (route.auth === 'signature' ? withSignatureFields(route.input) : route.input) : null;
    const parameters: object[] = [];
    if (route.auth === 'console' && route.params) {
      parameters.push(...queryParameters(collector.toJson(route.params, 'input')).map((p) => ({ ...p, in: 'path', required: true })));
    }
    if (input && (route.method === 'GET' || route.method === 'DELETE')) {
      parameters.push(...queryParameters(collector.toJson(input, 'input')));
    } else if (input) {
      const body = collector.toJson(input, 'input');
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body } },
      };
    }
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.auth === 'console') operation.security = [{ consoleToken: [] }];

    const failures = FAILURE_CODES_BY_AUTH[route.auth];
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of failures) byStatus.set(ErrorStatus[code], [...(byStatus.get(ErrorStatus[code]) ?? []), code]);
    operation.responses = {
      200: {
        description: route.successMessage,
        content: { 'application/json': { schema: envelope(route.output ? collector.toJson(route.output, 'output') : null) } },
      },
      ...Object.fromEntries(
        [...byStatus].map(([status, codes]) => [
          status,
          { description: codes.join(', '), content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } } },
        ]),
      ),
    };
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[openApiPath] ??= {})[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version,
      description:
        'Signed open API for tenant backends and the console API for tenant accounts. Every response is an envelope: `{status: 1, message, data}` on success, `{status: 0, code, message}` on failure.',
    },
    tags: [
      { name: 'Users', description: 'End users of an app and their tokens (signed).' },
      { name: 'Groups', description: 'Groups and membership (signed).' },
      { name: 'Messages', description: 'Sending and history (signed).' },
      { name: 'Console', description: 'Tenant accounts and apps (console token).' },
    ],
    paths,
    components: {
      schemas: {
        ...collector.components,
        Failure: {
          type: 'object',
          required: ['status', 'code', 'message'],
          properties: {
            status: { const: 0 },
            code: { enum: Object.values(ErrorCode) },
            message: { type: 'string', description: 'Human-readable; names the field for INVALID_PARAMS.' },
          },
        },
      },
      securitySchemes: {
        consoleToken: { type: 'http', scheme: 'bearer', description: 'Token from /console/login or /console/signup.' },
      },
    },
  };
}
