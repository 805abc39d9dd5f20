import { ErrorCode, ErrorStatus } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Route } from './route.js';
import { fileOperations } from './openapi-files.js';
import { jsonTextFields } from './validate.js';

/**
 * The OpenAPI 3.1 document of every route, generated from the same zod schemas that validate
 * requests and from what dispatch does around them (authentication, body types, empty fields),
 * so the reference cannot say something the server does not do. Schemathesis checks the running
 * server against it (scripts/schemathesis/).
 */

type JsonSchema = Record<string, unknown>;

/** Name of the security scheme of signed routes, and of console routes. */
const SIGNATURE_SCHEME = 'appSignature';
const CONSOLE_SCHEME = 'consoleToken';

const SIGNATURE_DESCRIPTION = [
  "Every open-API request is signed with the app's secret, which itself never travels. Besides its own fields a request carries four parameters:",
  '`app_id` (your appId), `time_stamp` (Unix seconds, or 13-digit milliseconds; within 5 minutes of server time),',
  '`nonce_str` (1-64 printable ASCII characters, new for every request) and `sign`.',
  'They travel with the fields: in the query string (GET, or any method), or in the JSON or form body of a POST.',
  '`sign` is the uppercase hex MD5 of every parameter except `sign` and empty ones, sorted by key, each value PHP-urlencoded',
  '(arrays and objects as canonical JSON), joined as `key=value` with `&`, followed by `&app_key=<appSecret>`.',
  'The signature guide (docs/guides/signature.md) has the exact rules, code in several languages and test vectors.',
  'A request without the four parameters, or whose signature does not match, is refused with 401.',
].join(' ');

/** Failures the signature check answers (INVALID_PARAMS for a malformed `time_stamp` or `nonce_str`). */
const SIGNATURE_FAILURES = [
  ErrorCode.INVALID_PARAMS,
  ErrorCode.UNKNOWN_APP,
  ErrorCode.SIGNATURE_EXPIRED,
  ErrorCode.SIGNATURE_INVALID,
  ErrorCode.NONCE_REUSED,
  // Counted per app once the signature is good.
  ErrorCode.RATE_LIMITED,
];

/** Marks the `""` option that every optional field of a signed route accepts. */
export const EMPTY_MEANS_ABSENT = 'empty: the same as leaving the field out';

/**
 * Collects the models (schemas with an id) of every route into `components/schemas`. Each
 * `z.toJSONSchema` call names recursive or reused parts without an id `__schema0`, `__schema1`…
 * from zero again, so such names from two calls would clash: they are refused here, and so are
 * two different schemas under one id.
 */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = tidy(z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' })) as JsonSchema;
    const { $defs, $schema: _dialect, id, ...rest } = json;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) this.#add(name, def);
    if (typeof id === 'string') {
      this.#add(id, rest);
      return { $ref: `#/components/schemas/${id}` };
    }
    return rest;
  }

  #add(name: string, def: JsonSchema): void {
    if (name.startsWith('__')) {
      throw new Error(`an unnamed recursive or reused schema (${name}) reached the OpenAPI document: give it an id with .meta({ id })`);
    }
    const existing = this.components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
      throw new Error(`two different schemas are named ${name} in the OpenAPI document`);
    }
    this.components[name] = def;
  }
}

/** Points zod's local `$defs` references at `components/schemas`, where the collector moves them. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' ? item.replace('#/$defs/', '#/components/schemas/') : tidy(item);
  }
  return out;
}

/** Whether a property schema already admits `""` (e.g. a URL that may be empty). */
function acceptsEmpty(schema: JsonSchema): boolean {
  if (schema.type !== 'string') return false;
  if (typeof schema.minLength === 'number' && schema.minLength > 0) return false;
  return typeof schema.pattern !== 'string' || new RegExp(schema.pattern).test('');
}

/**
 * On signed routes an empty value is left out, as the signature leaves it out: `""` for an
 * optional field means "absent" (a required one is then missing). Said in the schema of every
 * optional field, so that clients and test tools know the server accepts it.
 */
function emptyMeansAbsent(property: JsonSchema): JsonSchema {
  if (acceptsEmpty(property)) return property;
  const { description, ...rest } = property;
  return { ...(description ? { description } : {}), anyOf: [rest, { const: '', description: EMPTY_MEANS_ABSENT }] };
}

function withEmptyOptionals(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.oneOf)) return { ...schema, oneOf: (schema.oneOf as JsonSchema[]).map(withEmptyOptionals) };
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return schema;
  const required = new Set((schema.required ?? []) as string[]);
  return {
    ...schema,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, required.has(name) ? property : emptyMeansAbsent(property)]),
    ),
  };
}

function envelope(data: JsonSchema | null): JsonSchema {
  return {
    type: 'object',
    required: ['status', 'message', 'data'],
    properties: { status: { const: 1 }, message: { type: 'string' }, data: data ?? { type: 'null' } },
  };
}

interface ParameterOptions {
  example: Record<string, unknown> | null;
  /** Fields read as JSON text: declared with `content`, like the form body's `encoding`. */
  jsonText: readonly string[];
  /** Signed routes: an empty optional parameter is left out (OpenAPI's `allowEmptyValue`). */
  emptyMeansAbsent: boolean;
}

/** Parameters (query or path) from an object schema. */
function parameters(schema: JsonSchema, location: 'query' | 'path', options: ParameterOptions): object[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const value = options.example?.[name];
    const isRequired = location === 'path' || required.has(name);
    const allowEmpty = options.emptyMeansAbsent && !isRequired && !acceptsEmpty(rest);
    return {
      name,
      in: location,
      required: isRequired,
      ...(description || allowEmpty ? { description: [description, allowEmpty ? EMPTY_MEANS_ABSENT : ''].filter(Boolean).join('; ') } : {}),
      ...(allowEmpty ? { allowEmptyValue: true } : {}),
      ...(options.jsonText.includes(name) ? { content: { 'application/json': { schema: rest } } } : { schema: rest }),
      ...(value === undefined ? {} : { example: value }),
    };
  });
}

/** Every failure an operation can answer: the handler's own and those of its transport. */
function failureCodes(route: Route): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  const readsBody = route.input !== null && route.method !== 'GET' && route.method !== 'DELETE';
  if (route.input !== null || (route.auth === 'console' && route.params !== null)) codes.add(ErrorCode.INVALID_PARAMS);
  if (route.auth === 'signature') for (const code of SIGNATURE_FAILURES) codes.add(code);
  if (route.auth === 'console') codes.add(ErrorCode.TOKEN_INVALID);
  for (const code of route.errors) codes.add(code);
  if (readsBody) {
    codes.add(ErrorCode.PAYLOAD_TOO_LARGE);
    codes.add(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  }
  // Another method on the same path; a store or Redis that cannot be reached (even SQLite's disk can
  // fail); and the failure nobody plans for.
  codes.add(ErrorCode.METHOD_NOT_ALLOWED);
  codes.add(ErrorCode.UNAVAILABLE);
  codes.add(ErrorCode.INTERNAL);
  return [...codes];
}

function failureResponses(route: Route): Record<string, object> {
  return responsesFor(failureCodes(route));
}

/** The failure responses of an operation that can answer `codes`, one per HTTP status. */
function responsesFor(codes: readonly ErrorCode[]): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ErrorStatus[code], [...(byStatus.get(ErrorStatus[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, codes]) => [
      status,
      {
        description: codes.join(', '),
        ...(status === ErrorStatus.METHOD_NOT_ALLOWED
          ? { headers: { Allow: { description: 'the methods this path takes, e.g. `POST`', required: true, schema: { type: 'string' } } } }
          : {}),
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/Failure', properties: { code: { enum: codes } } } },
        },
      },
    ]),
  );
}

/** `post` + `/console/apps/:appId/rotate-secret` -> `postConsoleAppsAppIdRotateSecret`. */
function operationId(route: Route): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return route.method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function operationFor(route: Route, collector: SchemaCollector): Record<string, unknown> {
  const operation: Record<string, unknown> = {
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    operationId: operationId(route),
  };
  const params: object[] = [];
  if (route.auth === 'console' && route.params) {
    const options = { example: asRecord(route.paramsExample), jsonText: [], emptyMeansAbsent: false };
    params.push(...parameters(collector.toJson(route.params, 'input'), 'path', options));
  }
  if (route.input) {
    const jsonText = jsonTextFields(route.input);
    const input = collector.toJson(route.input, 'input');
    const signed = route.auth === 'signature';
    if (route.method === 'GET' || route.method === 'DELETE') {
      params.push(...parameters(input, 'query', { example: asRecord(route.example), jsonText, emptyMeansAbsent: signed }));
    } else {
      const json = { schema: signed ? withEmptyOptionals(input) : input, example: route.example };
      operation.requestBody = {
        required: route.auth === 'signature' || route.body === 'required',
        content:
          route.auth === 'signature'
            ? {
                'application/json': json,
                // Form fields are text: arrays and objects travel as their JSON text (what they are signed as).
                'application/x-www-form-urlencoded': {
                  ...json,
                  ...(jsonText.length > 0
                    ? { encoding: Object.fromEntries(jsonText.map((name) => [name, { contentType: 'application/json' }])) }
                    : {}),
                },
              }
            : { 'application/json': json },
      };
    }
  }
  if (params.length > 0) operation.parameters = params;
  if (route.auth === 'signature') operation.security = [{ [SIGNATURE_SCHEME]: [] }];
  if (route.auth === 'console') operation.security = [{ [CONSOLE_SCHEME]: [] }];
  operation.responses = {
    200: {
      description: route.successMessage,
      content: { 'application/json': { schema: envelope(route.output ? collector.toJson(route.output, 'output') : null) } },
    },
    ...failureResponses(route),
  };
  return operation;
}

export function buildOpenApiDocument(routes: readonly Route[], version: string): object {
  const collector = new SchemaCollector();
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    (paths[openApiPath] ??= {})[route.method.toLowerCase()] = operationFor(route, collector);
  }
  Object.assign(paths, fileOperations({ toJson: (schema) => collector.toJson(schema, 'output'), envelope, failures: responsesFor }));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version,
      description:
        'Signed open API for tenant backends and the console API for tenant accounts. Every response is an envelope: `{status: 1, message, data}` on success, `{status: 0, code, message}` on failure.',
    },
    servers: [
      { url: '/', description: 'the Parley server this document was fetched from (`/openapi.json`)' },
      { url: 'http://localhost:3000', description: '`npm start` on this machine' },
    ],
    tags: [
      { name: 'Users', description: 'End users of an app and their tokens (signed).' },
      { name: 'Friends', description: "Friend requests, friendships and each user's contact list (signed)." },
      { name: 'Groups', description: 'Groups and membership (signed).' },
      { name: 'Messages', description: 'Sending and history (signed).' },
      { name: 'Files', description: 'Uploads (a user token, or signed) and the files they serve.' },
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
        [SIGNATURE_SCHEME]: { type: 'apiKey', in: 'query', name: 'sign', description: SIGNATURE_DESCRIPTION },
        [CONSOLE_SCHEME]: { type: 'http', scheme: 'bearer', description: 'Token from /console/login or /console/signup.' },
        userToken: { type: 'http', scheme: 'bearer', description: 'A user token from /user/getToken, with `appId` in the query (uploads).' },
        userTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The same user token as the `token` query parameter, with `appId` (seed 002).' },
      },
    },
  };
}
