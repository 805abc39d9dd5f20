import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileStorage } from '../src/adapters.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { OssFileStorage } from '../src/files/oss/oss-files.js';
import { png } from './support/media-fixtures.js';
import { startFakeOss, type FakeOss } from './support/fake-oss.js';
import { call, changeAppSettings, createApp, createUsers, startTestServer, type TestApp, type TestServer } from './support/test-server.js';

const OSS_ENV = { OSS_REGION: 'oss-cn-hangzhou', OSS_BUCKET: 'parley-files', OSS_ACCESS_KEY_ID: 'LTAItestkey', OSS_ACCESS_KEY_SECRET: 'test-secret' };

describe('choosing OSS with environment variables', () => {
  it('selects OSS when OSS_BUCKET is set, and names what is missing', async () => {
    const config = loadConfig(OSS_ENV);
    expect(config.files).toEqual({ kind: 'oss', region: 'oss-cn-hangzhou', bucket: 'parley-files', accessKeyId: 'LTAItestkey', accessKeySecret: 'test-secret' });
    expect(await openFileStorage(config.files)).toBeInstanceOf(OssFileStorage);
    expect(loadConfig({}).files).toEqual({ kind: 'local', dir: 'data/uploads' });
    expect(() => loadConfig({ OSS_BUCKET: 'parley-files' })).toThrow(/FILE_STORAGE=oss: needs OSS_REGION, OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET/);
    expect(() => loadConfig({ ...OSS_ENV, OSS_BUCKET: 'Not_A_Bucket' })).toThrow(ConfigError);
    expect(loadConfig({ ...OSS_ENV, FILE_STORAGE: 'local' }).files.kind).toBe('local');
  });
});

describe('a server whose files are in OSS', () => {
  let fake: FakeOss;
  let t: TestServer;
  let app: TestApp;
  let tokens: Record<string, string>;
  beforeAll(async () => {
    fake = await startFakeOss({ bucket: OSS_ENV.OSS_BUCKET, accessKeyId: OSS_ENV.OSS_ACCESS_KEY_ID, accessKeySecret: OSS_ENV.OSS_ACCESS_KEY_SECRET });
    const config = loadConfig({ ...OSS_ENV, OSS_ENDPOINT: fake.endpoint });
    if (config.files.kind !== 'oss') throw new Error('expected OSS');
    // The options come from the environment; only the agent (which resolves the stand-in's host name) is the test's.
    const { kind: _kind, ...options } = config.files;
    t = await startTestServer({ ...OSS_ENV, OSS_ENDPOINT: fake.endpoint }, { files: new OssFileStorage({ ...options, agent: fake.agent }) });
    app = await createApp(t);
    tokens = await createUsers(app, 'ann', 'ben');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  async function upload(bytes: Buffer, name: string, appId = app.appId, token = tokens.ann!) {
    const form = new FormData();
    form.append('up_file', new Blob([new Uint8Array(bytes)]), name);
    return call(`${t.url}/file/upload?appId=${appId}&token=${token}`, { method: 'POST', body: form });
  }

  it('stores uploads in the bucket under the app, and redirects file URLs to it', async () => {
    const bytes = await png(500, 250);
    const { body } = await upload(bytes, 'cat.png');
    expect(body.data).toMatchObject({ width: 500, height: 250, url: `${t.url}/files/${app.appId}/${body.data.fileId}` });
    expect(fake.objects()).toEqual(expect.arrayContaining([`${app.appId}/${body.data.fileId}`, `${app.appId}/${body.data.fileId}.thumb`]));
    expect(fake.object(`${app.appId}/${body.data.fileId}`)!.body.equals(bytes)).toBe(true);

    const redirect = await fetch(body.data.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^http://${OSS_ENV.OSS_BUCKET}\\.`));
    // An app whose files are public gets the bucket's plain URL, which this bucket (private) refuses:
    expect((await fake.fetch(location)).status).toBe(403);
  });

  it('stores a file a browser could run as a download in the bucket, for buckets that serve objects themselves', async () => {
    const { body } = await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'page.html');
    expect(body.data).toMatchObject({ category: 'file', name: 'page.html' });
    const stored = fake.object(`${app.appId}/${body.data.fileId}`)!;
    expect(stored.contentType).toBe('application/octet-stream');
    expect(stored.contentDisposition).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    // An image stays one to show.
    const image = await upload(await png(20, 10), 'dot.png');
    expect(fake.object(`${app.appId}/${image.body.data.fileId}`)).toMatchObject({ contentType: 'image/png', contentDisposition: null });
  });

  it('signs the redirect of a private app, so a private bucket serves it with the right type', async () => {
    const secret = await createApp(t);
    const { ann } = await createUsers(secret, 'ann');
    await changeAppSettings(t, secret, { privateFiles: true });
    const bytes = await png(30, 30);
    const { body } = await upload(bytes, 'secret.png', secret.appId, ann!);
    expect((await call(body.data.url.split('?')[0])).status).toBe(403);
    const redirect = await fetch(body.data.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const served = await fake.fetch(redirect.headers.get('location')!);
    expect(served.status).toBe(200);
    expect(served.body.equals(bytes)).toBe(true);
    expect(served.headers['content-type']).toBe('image/png');
  });

  it('deletes the bucket objects of a deleted app', async () => {
    const doomed = await createApp(t);
    const { ann } = await createUsers(doomed, 'ann');
    await upload(await png(8, 8), 'x.png', doomed.appId, ann!);
    expect(fake.objects().some((name) => name.startsWith(`${doomed.appId}/`))).toBe(true);
    await fetch(`${t.url}/console/apps/${doomed.appId}`, { method: 'DELETE', headers: doomed.tenant.auth });
    expect(fake.objects().some((name) => name.startsWith(`${doomed.appId}/`))).toBe(false);
  });

  it('reports the bucket in /readyz', async () => {
    const ready = await call(`${t.url}/readyz`);
    expect(ready.body).toMatchObject({ status: 1, data: { files: true, fileStorage: 'oss' } });
    expect(ready.body.data.note).toBeUndefined();
  });
});
