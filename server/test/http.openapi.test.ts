import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedDocs } from '../../scripts/docs.js';
import { allRoutes } from '../src/http/app.js';
import { parseInput } from '../src/schemas/parse.js';
import { call, startTestServer, type TestServer } from './support/test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document listing every route the server answers', async () => {
    const { status, body } = await call(`${t.url}/openapi.json`);
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = [
      ...allRoutes(t.server.services).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
      'POST /file/upload',
      'GET /files/{appId}/{fileId}',
      'GET /files/{appId}/{fileId}/thumb',
    ];
    expect(documented.sort()).toEqual(served.sort());
    for (const route of ['POST /user/getToken', 'GET /user/sessions', 'POST /group/create', 'POST /group/join', 'POST /group/remove',
      'POST /private/send/message', 'POST /group/send/message', 'GET /session/messages', 'POST /app/create', 'GET /console/apps']) {
      expect(documented).toContain(route);
    }
  });

  it('documents the validation rules the server applies', async () => {
    const { body } = await call(`${t.url}/openapi.json`);
    const history = body.paths['/session/messages'].get;
    const limit = history.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } });
    const send = body.paths['/private/send/message'].post.requestBody.content['application/json'].schema;
    expect(send.oneOf).toHaveLength(7);
  });

  it('is exact enough for tools that test a server against it', async () => {
    const { body } = await call(`${t.url}/openapi.json`);
    const text = JSON.stringify(body);
    // Portable patterns only (no \p{…} classes), and no zod-numbered anonymous parts.
    expect(text).not.toMatch(/\\p\{/);
    expect(text).not.toContain('__schema');
    expect(body.servers).toEqual(expect.arrayContaining([expect.objectContaining({ url: expect.any(String) })]));
    expect(body.components.securitySchemes.appSignature).toMatchObject({ type: 'apiKey', in: 'query', name: 'sign' });

    const operations = Object.entries(body.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[A-Za-z0-9]+$/);
      expect(operation.responses['405']?.headers?.Allow, where).toMatchObject({ required: true });
      expect(operation.responses['500'], where).toBeDefined();
      expect(operation.responses['503'], where).toBeDefined();
      if (operation.parameters?.length || operation.requestBody) {
        const examples = [
          ...(operation.parameters ?? []).map((p) => p.example),
          ...Object.values(operation.requestBody?.content ?? {}).map((media) => media.example),
        ];
        expect(examples.some((example) => example !== undefined), `${where} has an example`).toBe(true);
      }
      const fields = [...(operation.parameters ?? []).map((p) => p.name), ...Object.keys(operation.requestBody?.content['application/json']?.schema.properties ?? {})];
      expect(fields, where).not.toEqual(expect.arrayContaining(['sign']));
      if (operation.requestBody) expect(operation.responses['415'], where).toBeDefined();
    }
    const signed = operations.filter(({ operation }) => operation.security?.[0]?.appSignature);
    expect(signed.map(({ path }) => path).sort()).toEqual(allRoutes(t.server.services).filter((r) => r.auth === 'signature').map((r) => r.path).sort());
    for (const { operation } of signed) expect(operation.responses['401']?.content['application/json']?.schema.properties.code.enum).toContain('SIGNATURE_INVALID');
  });

  it('declares form fields that travel as JSON text, and says that empty means absent on signed routes', async () => {
    const { body } = await call(`${t.url}/openapi.json`);
    const create = body.paths['/group/create'].post.requestBody;
    expect(create.content['application/x-www-form-urlencoded'].encoding).toEqual({ userIds: { contentType: 'application/json' } });
    expect(body.paths['/private/send/message'].post.requestBody.content['application/x-www-form-urlencoded'].encoding).toEqual({
      content: { contentType: 'application/json' },
    });
    expect(create.content['application/json'].schema.properties.ownerId.anyOf).toContainEqual(expect.objectContaining({ const: '' }));
    const limit = body.paths['/session/messages'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.allowEmptyValue).toBe(true);
    // Console routes are JSON only, and their strings are not emptied.
    expect(Object.keys(body.paths['/app/create'].post.requestBody.content)).toEqual(['application/json']);
    expect(body.paths['/console/apps/{appId}'].patch.requestBody.required).toBe(true);
    expect(body.paths['/console/apps/{appId}/rotate-secret'].post.requestBody.required).toBe(false);
  });

  it('has an example for every route, valid for the schema the route validates with', () => {
    for (const route of allRoutes(t.server.services)) {
      const where = `${route.method} ${route.path}`;
      if (route.input) expect(() => parseInput(route.input!, route.example), where).not.toThrow();
      else expect(route.example, where).toBeNull();
      if (route.auth === 'console' && route.params) expect(() => parseInput(route.params!, route.paramsExample), where).not.toThrow();
    }
  });
});

interface Operation {
  operationId: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; example?: unknown }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> }; example?: unknown }> };
  responses: Record<string, { headers?: Record<string, unknown>; content: Record<string, { schema: { properties: { code: { enum: string[] } } } }> }>;
}

describe('docs/', () => {
  it('every generated page and block (references, configuration, SDK size) is what `npm run docs` writes from the current code', async () => {
    for (const [path, expected] of Object.entries(await generatedDocs())) {
      const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(committed, `${path} is stale: run npm run docs`).toBe(expected);
    }
  });
});

describe('docs/reference/errors.md', () => {
  it('explains every error code the server or the SDK can produce', async () => {
    const { ErrorCode, ErrorStatus } = await import('@parley/sdk/protocol');
    const { ClientErrorCode } = await import('@parley/sdk');
    const page = readFileSync(new URL('../../docs/reference/errors.md', import.meta.url), 'utf8');
    for (const code of Object.values(ErrorCode)) expect(page).toContain(`| \`${code}\` | ${ErrorStatus[code]} |`);
    for (const code of Object.values(ClientErrorCode)) expect(page).toContain(`| \`${code}\` |`);
  });
});
