import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedDocs } from '../../scripts/docs.js';
import { allRoutes } from '../src/http/app.js';
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
    const served = allRoutes(t.server.services).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
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
    expect(send.oneOf).toHaveLength(6);
  });
});

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
