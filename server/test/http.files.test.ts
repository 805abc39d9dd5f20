import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { UploadedFile } from '@parley/sdk/protocol';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../src/files/local/local-files.js';
import { HTML_PAGE, mp4, pdf, png, SVG_IMAGE, wav } from './support/media-fixtures.js';
import { call, changeAppSettings, createApp, createUsers, startTestServer, type TestApp, type TestServer } from './support/test-server.js';

let t: TestServer;
let app: TestApp;
let tokens: Record<string, string>;
beforeAll(async () => {
  t = await startTestServer();
  app = await createApp(t);
  tokens = await createUsers(app, 'ann', 'ben');
});
afterAll(() => t.close());

interface UploadOptions {
  appId?: string;
  token?: string | null;
  bearer?: string;
  type?: string;
  field?: string;
}

function upload(bytes: Buffer, name: string, options: UploadOptions = {}) {
  const form = new FormData();
  form.append(options.field ?? 'up_file', new Blob([bytes], options.type ? { type: options.type } : {}), name);
  const query = new URLSearchParams({ appId: options.appId ?? app.appId });
  const token = options.token === undefined ? tokens.ann! : options.token;
  if (token !== null) query.set('token', token);
  return call<{ status: number; code?: string; message: string; data: UploadedFile }>(`${t.url}/file/upload?${query}`, {
    method: 'POST',
    body: form,
    headers: options.bearer ? { authorization: `Bearer ${options.bearer}` } : {},
  });
}

async function uploaded(bytes: Buffer, name: string, options: UploadOptions = {}): Promise<UploadedFile> {
  const { status, body } = await upload(bytes, name, options);
  expect(body, JSON.stringify(body)).toMatchObject({ status: 1 });
  expect(status).toBe(200);
  return body.data;
}

async function fetchBytes(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('POST /file/upload and GET /files/…', () => {
  it('stores an image, measures it from its bytes and makes a thumbnail; both come back exactly', async () => {
    const bytes = await png(1200, 600);
    const file = await uploaded(bytes, 'holiday.png', { type: 'image/png' });
    expect(file).toMatchObject({ name: 'holiday.png', size: bytes.length, mimeType: 'image/png', category: 'image', width: 1200, height: 600 });
    expect(file.url).toBe(`${t.url}/files/${app.appId}/${file.fileId}`);
    expect(file.fileId).toMatch(/^[0-9a-f]{32}$/);

    const original = await fetchBytes(file.url);
    expect(original.response.status).toBe(200);
    expect(original.bytes.equals(bytes)).toBe(true);
    expect(original.response.headers.get('content-type')).toBe('image/png');
    expect(original.response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.response.headers.get('content-disposition')).toMatch(/^inline; filename="holiday.png"/);
    expect(original.response.headers.get('cache-control')).toMatch(/^public, max-age=\d+, immutable$/);

    const thumb = await fetchBytes(file.thumbUrl!);
    expect(thumb.response.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 400, 200]);
  });

  it('answers web pages of any origin, which may read Retry-After', async () => {
    const preflight = await fetch(`${t.url}/file/upload`, { method: 'OPTIONS', headers: { origin: 'https://chat.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const form = new FormData();
    form.append('up_file', new Blob([await png(10, 10)]), 'dot.png');
    const res = await fetch(`${t.url}/file/upload?appId=${app.appId}&token=${tokens.ann}`, { method: 'POST', body: form, headers: { origin: 'https://chat.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });

  it('does not believe dimensions or types a client claims: a JPEG sent as image/png is measured as what it is', async () => {
    const bytes = await sharp({ create: { width: 30, height: 70, channels: 3, background: '#123456' } }).jpeg().toBuffer();
    const file = await uploaded(bytes, 'scan.jpg', { type: 'image/png' });
    expect(file).toMatchObject({ mimeType: 'image/jpeg', width: 30, height: 70 });
  });

  it('stores audio, video and other files byte for byte, with the duration the container says', async () => {
    const voice = wav(1.5);
    const film = mp4(2.25, 100_000);
    const doc = pdf();
    const cases = [
      { bytes: voice, name: 'note.wav', expected: { category: 'audio', mimeType: 'audio/wav', duration: 1.5 } },
      { bytes: film, name: 'clip.mp4', expected: { category: 'video', mimeType: 'video/mp4', duration: 2.25 } },
      { bytes: doc, name: 'invoice.pdf', expected: { category: 'file', mimeType: 'application/pdf' } },
      { bytes: Buffer.from('plain notes\n'), name: 'notes.txt', expected: { category: 'file', mimeType: 'application/octet-stream' } },
    ];
    for (const { bytes, name, expected } of cases) {
      const file = await uploaded(bytes, name);
      expect(file, name).toMatchObject({ ...expected, name, size: bytes.length });
      expect(file.thumbUrl, name).toBeUndefined();
      const back = await fetchBytes(file.url);
      expect(back.bytes.equals(bytes), name).toBe(true);
      expect(back.response.headers.get('content-type'), name).toBe(expected.mimeType);
      const disposition = back.response.headers.get('content-disposition');
      expect(disposition, name).toMatch(expected.category === 'file' ? /^attachment;/ : /^inline;/);
    }
  });

  it('answers byte ranges of audio and video, and 416 for a range past the end', async () => {
    const film = mp4(3, 50_000);
    const file = await uploaded(film, 'range.mp4');
    const part = await fetchBytes(file.url, { range: 'bytes=100-1099' });
    expect(part.response.status).toBe(206);
    expect(part.response.headers.get('content-range')).toBe(`bytes 100-1099/${film.length}`);
    expect(part.response.headers.get('accept-ranges')).toBe('bytes');
    expect(part.bytes.equals(film.subarray(100, 1100))).toBe(true);
    const tail = await fetchBytes(file.url, { range: 'bytes=-10' });
    expect(tail.bytes.equals(film.subarray(film.length - 10))).toBe(true);
    const open = await fetchBytes(file.url, { range: `bytes=${film.length - 5}-` });
    expect(open.bytes.equals(film.subarray(film.length - 5))).toBe(true);
    const past = await fetchBytes(file.url, { range: `bytes=${film.length}-` });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get('content-range')).toBe(`bytes */${film.length}`);
    const cached = await fetchBytes(file.url, { 'if-none-match': part.response.headers.get('etag')! });
    expect(cached.response.status).toBe(304);
  });

  it('serves HTML and SVG as downloads that cannot run, whatever they are named', async () => {
    const xmlSvg = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n'), SVG_IMAGE]);
    for (const [bytes, name] of [
      [HTML_PAGE, 'page.html'],
      [SVG_IMAGE, 'logo.svg'],
      [xmlSvg, 'drawing.svg'],
    ] as const) {
      const file = await uploaded(bytes, name, { type: name.endsWith('svg') ? 'image/svg+xml' : 'text/html' });
      expect(file.category).toBe('file');
      const back = await fetchBytes(file.url);
      expect(back.bytes.equals(bytes)).toBe(true);
      expect(back.response.headers.get('content-type')).toBe('application/octet-stream');
      expect(back.response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${name}"`));
      expect(back.response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(back.response.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('refuses a file whose name or declared type lies about its bytes', async () => {
    const html = await upload(HTML_PAGE, 'cat.png');
    expect(html.status).toBe(400);
    expect(html.body).toMatchObject({ status: 0, code: 'FILE_TYPE_MISMATCH' });
    expect(html.body.message).toMatch(/\.png/);
    const declared = await upload(pdf(), 'report', { type: 'image/jpeg' });
    expect(declared.body).toMatchObject({ code: 'FILE_TYPE_MISMATCH' });
    const broken = await upload(Buffer.concat([(await png(50, 50)).subarray(0, 60), Buffer.alloc(200)]), 'broken.png');
    expect(broken.body).toMatchObject({ code: 'FILE_TYPE_MISMATCH' });
    expect(broken.body.message).toMatch(/not a readable image/);
  });

  it('refuses a kind of file the app does not allow, and a file over its size limit', async () => {
    const strict = await createApp(t);
    const { ann } = await createUsers(strict, 'ann');
    await changeAppSettings(t, strict, { uploadCategories: ['image'], maxUploadBytes: 4096 });
    const refused = await upload(pdf(), 'a.pdf', { appId: strict.appId, token: ann! });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED' });
    expect(refused.body.message).toMatch(/uploadCategories/);
    const big = await upload(Buffer.concat([await png(8, 8), Buffer.alloc(8192)]), 'big.png', { appId: strict.appId, token: ann! });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'FILE_TOO_LARGE' });
    const declaredBig = await upload(Buffer.alloc(200_000), 'huge.png', { appId: strict.appId, token: ann! });
    expect(declaredBig.status).toBe(413);
    expect(await usage(strict.appId)).toEqual({ files: 0, bytes: 0 });
  });

  it("refuses a file that does not fit in the app's storage quota", async () => {
    const small = await createApp(t);
    const { ann } = await createUsers(small, 'ann');
    await changeAppSettings(t, small, { maxStorageBytes: 1024 * 1024 });
    const half = Buffer.alloc(600 * 1024, 1);
    await uploaded(half, 'first.bin', { appId: small.appId, token: ann! });
    const refused = await upload(half, 'second.bin', { appId: small.appId, token: ann! });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(refused.body.message).toMatch(/maxStorageBytes/);
    expect(await usage(small.appId)).toEqual({ files: 1, bytes: half.length });
  });

  it('takes only a token of the app: missing, foreign or unknown tokens and apps are refused', async () => {
    const other = await createApp(t);
    const { zed } = await createUsers(other, 'zed');
    const bytes = await png(4, 4);
    expect((await upload(bytes, 'a.png', { token: null })).body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await upload(bytes, 'a.png', { token: zed! })).body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await upload(bytes, 'a.png', { token: 'x'.repeat(40) })).body).toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await upload(bytes, 'a.png', { appId: 'f'.repeat(16) })).body).toMatchObject({ code: 'UNKNOWN_APP' });
    expect((await upload(bytes, 'a.png', { appId: '' })).status).toBe(400);
    const viaHeader = await upload(bytes, 'a.png', { token: null, bearer: tokens.ben! });
    expect(viaHeader.status).toBe(200);
  });

  it('refuses forms that are not one up_file', async () => {
    const bytes = await png(4, 4);
    expect((await upload(bytes, 'a.png', { field: 'file' })).body).toMatchObject({ code: 'INVALID_PARAMS' });
    const twoFiles = new FormData();
    twoFiles.append('up_file', new Blob([bytes]), 'a.png');
    twoFiles.append('up_file', new Blob([bytes]), 'b.png');
    const two = await call(`${t.url}/file/upload?appId=${app.appId}&token=${tokens.ann}`, { method: 'POST', body: twoFiles });
    expect(two.body).toMatchObject({ code: 'INVALID_PARAMS' });
    const json = await call(`${t.url}/file/upload?appId=${app.appId}&token=${tokens.ann}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const empty = new FormData();
    const none = await call(`${t.url}/file/upload?appId=${app.appId}&token=${tokens.ann}`, { method: 'POST', body: empty });
    expect(none.body).toMatchObject({ code: 'INVALID_PARAMS' });
    expect(none.body.message).toMatch(/up_file/);
    const url = `${t.url}/file/upload?appId=${app.appId}&token=${tokens.ann}`;
    for (const [type, body] of [
      ['multipart/form-data', '--x\r\nnot a header\r\n\r\nbody'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="up_file"; filename="a"\r\n\r\nunterminated'],
      ['multipart/form-data; boundary=x', 'no boundary anywhere'],
    ] as const) {
      const res = await call(url, { method: 'POST', body, headers: { 'content-type': type } });
      expect(res.status, body).toBe(400);
      expect(res.body, body).toMatchObject({ code: 'INVALID_PARAMS' });
    }
  });

  it('never uses the name as a path: traversal names are kept as display names only', async () => {
    const fresh = await createApp(t);
    const { ann } = await createUsers(fresh, 'ann');
    for (const name of ['../../../../etc/passwd', '..\\..\\boot.ini', '/abs/olute.txt', '..', 'C:\\fakepath\\photo.txt']) {
      const file = await uploaded(Buffer.from('x'), name, { appId: fresh.appId, token: ann! });
      expect(file.name).not.toMatch(/[\\/]/);
      expect(file.url).toMatch(new RegExp(`/files/${fresh.appId}/[0-9a-f]{32}$`));
    }
    const root = (t.server.files as LocalFileStorage).root;
    expect((await readdir(join(root, fresh.appId))).every((entry) => /^[0-9a-f]{32}$/.test(entry))).toBe(true);
    expect((await readdir(root)).sort()).toEqual(expect.arrayContaining(['.incoming', fresh.appId]));
    for (const path of [`/files/${fresh.appId}/..%2F..%2Fetc%2Fpasswd`, '/files/../../etc/passwd', `/files/${fresh.appId}/${'0'.repeat(32)}`]) {
      expect((await call(`${t.url}${path}`)).status, path).toBe(404);
    }
  });

  it('keeps nothing of an upload that breaks off halfway', async () => {
    const fresh = await createApp(t);
    const { ann } = await createUsers(fresh, 'ann');
    const boundary = 'parleyboundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="up_file"; filename="half.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const url = new URL(`${t.url}/file/upload?appId=${fresh.appId}&token=${ann}`);
    const logged = t.logs.lines.filter((line) => line.includes(`"path":"/file/upload"`)).length;
    await new Promise<void>((resolve) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(2_000_000) } });
      req.on('error', () => resolve());
      req.write(head);
      req.write(Buffer.alloc(500_000, 1), () => {
        // Give the server the bytes, then vanish mid-body.
        setImmediate(() => {
          req.destroy();
          resolve();
        });
      });
    });
    // The server has answered the broken request (its log line is written when it is done) and holds no upload.
    await expect.poll(() => t.logs.lines.filter((line) => line.includes(`"path":"/file/upload"`)).length, { timeout: 5000 }).toBe(logged + 1);
    await expect.poll(() => t.server.services.uploads.pending(), { timeout: 5000 }).toBe(0);
    expect(await usage(fresh.appId)).toEqual({ files: 0, bytes: 0 });
    const root = (t.server.files as LocalFileStorage).root;
    expect(await entries(join(root, '.incoming'))).toEqual([]);
    expect(await entries(join(root, fresh.appId))).toEqual([]);
    expect(await entries(await t.server.services.uploads.scratchDirectory())).toEqual([]);
  });

  it('refuses a signed upload that also carries a user token, or names another app', async () => {
    const form = () => {
      const body = new FormData();
      body.append('up_file', new Blob([new Uint8Array([1, 2, 3])]), 'a.bin');
      return body;
    };
    const signedQuery = (extra: Record<string, string> = {}) => new URLSearchParams(app.api.sign(extra) as unknown as Record<string, string>);
    const withToken = await call(`${t.url}/file/upload?${signedQuery()}`, { method: 'POST', body: form(), headers: { authorization: `Bearer ${tokens.ann}` } });
    expect(withToken.body).toMatchObject({ code: 'TOKEN_INVALID' });
    const otherApp = await call(`${t.url}/file/upload?${signedQuery({ appId: 'f'.repeat(16) })}`, { method: 'POST', body: form() });
    expect(otherApp.body).toMatchObject({ code: 'UNKNOWN_APP' });
    const unsigned = await call(`${t.url}/file/upload?app_id=${app.appId}`, { method: 'POST', body: form() });
    expect(unsigned.body).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('lets the backend upload with a signed query, counted as the app\'s own file', async () => {
    const file = await app.api.uploadFile(await png(20, 10), { name: 'banner.png' });
    expect(file).toMatchObject({ category: 'image', width: 20, height: 10 });
    const record = await t.server.store.forApp(app.appId).files.get(file.fileId);
    expect(record?.uploaderUserId).toBeNull();
  });

  it('purges the files of a deleted app', async () => {
    const doomed = await createApp(t);
    const { ann } = await createUsers(doomed, 'ann');
    const file = await uploaded(await png(10, 10), 'x.png', { appId: doomed.appId, token: ann! });
    expect(await usage(doomed.appId)).toEqual({ files: 1, bytes: expect.any(Number) });
    const res = await fetch(`${t.url}/console/apps/${doomed.appId}`, { method: 'DELETE', headers: doomed.tenant.auth });
    expect(res.status).toBe(200);
    expect((await call(file.url)).status).toBe(404);
    expect(await usage(doomed.appId)).toEqual({ files: 0, bytes: 0 });
    const root = (t.server.files as LocalFileStorage).root;
    expect(await readdir(root)).not.toContain(doomed.appId);
  });
});

/** What a directory holds; nothing when it was never made. */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

function usage(appId: string) {
  return t.server.store.forApp(appId).files.usage();
}

describe('messages that point at files', () => {
  const send = (content: Record<string, unknown>, messageType: number, sender = app) =>
    call(`${t.url}/private/send/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sender.api.sign({ senderUserId: 'ann', targetId: 'ben', messageType, content })),
    });

  it('fills in what the server knows of its own file, whatever the sender wrote', async () => {
    const file = await uploaded(await png(300, 200), 'p.png');
    const message = await app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'ben', messageType: 3, content: { url: file.url, width: 1, height: 1, size: 5 } });
    expect(message.content).toEqual({ url: file.url, width: 300, height: 200, size: file.size, thumbUrl: file.thumbUrl });
    const voice = await uploaded(wav(3), 'v.wav');
    const note = await app.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'ben', messageType: 2, content: { url: voice.url, duration: 99 } });
    expect(note.content).toEqual({ url: voice.url, duration: 3, size: voice.size });
  });

  it("refuses another app's file, a file that was never uploaded, a file of the wrong kind and plain http elsewhere", async () => {
    const other = await createApp(t);
    const { zed } = await createUsers(other, 'zed');
    const foreign = await uploaded(await png(5, 5), 'f.png', { appId: other.appId, token: zed! });
    const audio = await uploaded(wav(1), 'a.wav');
    const missing = `${t.url}/files/${app.appId}/${'ab'.repeat(16)}`;
    for (const [url, code, problem] of [
      [foreign.url, 'FORBIDDEN', /another app/],
      [missing, 'NOT_FOUND', /no file/],
      [audio.url, 'INVALID_PARAMS', /takes image/],
      ['http://cdn.example.com/cat.png', 'FORBIDDEN', /https/],
      ['ftp://cdn.example.com/cat.png', 'INVALID_PARAMS', /http or https/],
    ] as const) {
      const res = await send({ url, width: 5, height: 5 }, 3);
      expect(res.body, url).toMatchObject({ code });
      expect(res.body.message, url).toMatch(/^content\.url: /);
      expect(res.body.message, url).toMatch(problem);
    }
    const elsewhere = await send({ url: 'https://cdn.example.com/cat.png', width: 5, height: 5 }, 3);
    expect(elsewhere.status).toBe(200);
  });

  it('refuses unknown content fields and validates every type', async () => {
    for (const [messageType, content, field] of [
      [1, { content: 'hi', colour: 'red' }, 'content.colour'],
      [3, { url: 'https://cdn.example.com/a.png' }, 'content.width'],
      [7, { url: 'https://cdn.example.com/a.mp4' }, 'content.duration'],
      [6, { data: {} }, 'content.type'],
      [6, { type: 'card' }, 'content.data'],
      [5, { latitude: 10 }, 'content.longitude'],
      [4, { url: 'https://cdn.example.com/a', name: 'a' }, 'content.size'],
      [1, { content: 'x', extra: 'not an object' }, 'content.extra'],
    ] as const) {
      const res = await send(content, messageType);
      expect(res.status, JSON.stringify(content)).toBe(400);
      expect(res.body.message.startsWith(`${field}:`), res.body.message).toBe(true);
    }
  });
});

describe('private files', () => {
  it('hands out signed URLs that expire, refuses unsigned ones, and re-signs them on every read', async () => {
    const secret = await createApp(t);
    const users = await createUsers(secret, 'ann', 'ben');
    await changeAppSettings(t, secret, { privateFiles: true, fileUrlTtlSeconds: 600 });
    const bytes = await png(40, 40);
    const file = await uploaded(bytes, 's.png', { appId: secret.appId, token: users.ann! });
    expect(file.url).toMatch(/\?expires=\d+&signature=[\w-]+$/);
    expect((await fetchBytes(file.url)).bytes.equals(bytes)).toBe(true);
    expect((await fetchBytes(file.thumbUrl!)).response.status).toBe(200);
    expect((await fetchBytes(file.url)).response.headers.get('cache-control')).toMatch(/^private, max-age=/);

    const bare = file.url.split('?')[0]!;
    expect((await call(bare)).status).toBe(403);
    expect((await call(`${bare}?expires=9999999999&signature=${'A'.repeat(43)}`)).status).toBe(403);
    expect((await call(`${bare}?expires=soon&signature=x`)).body).toMatchObject({ code: 'INVALID_PARAMS' });
    // The thumbnail's signature does not open the original.
    expect((await call(`${bare}?${file.thumbUrl!.split('?')[1]}`)).status).toBe(403);

    const message = await secret.api.sendPrivateMessage({ senderUserId: 'ann', targetId: 'ben', messageType: 3, content: { url: file.url, width: 40, height: 40 } });
    const stored = await t.server.store.forApp(secret.appId).conversations.getMessage(message.msgId);
    expect((stored!.content as { url: string }).url).toBe(bare);

    t.clock.advance(601_000);
    expect((await call(file.url)).status).toBe(403);
    const [fresh] = await secret.api.getSessionMessages({ userId: 'ben', targetId: 'ann', conversationType: 1 });
    const url = (fresh!.content as { url: string }).url;
    expect(url).not.toBe(file.url);
    expect((await fetchBytes(url)).bytes.equals(bytes)).toBe(true);
  });
});

describe('hostile uploads', () => {
  it('never answers 500 to a random form: field names, file names, declared types, bytes and query', async () => {
    // Every run gets past the rate limit to the parser and the checks.
    await changeAppSettings(t, app, { userUploadsPerMinute: 10_000 });
    const text = fc.string({ maxLength: 40 });
    const part = fc.record({
      field: fc.oneof(fc.constant('up_file'), text),
      filename: fc.oneof(fc.constant(undefined), text, fc.constantFrom('../../x', 'a\u0000b.png', '…'.repeat(300), 'C:\\a\\b.jpg')),
      type: fc.oneof(fc.constant(undefined), fc.constantFrom('image/png', 'image/svg+xml', 'text/html', 'video/mp4', 'application/x-msdownload'), text),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(HTML_PAGE, SVG_IMAGE, pdf(), wav(0.01), mp4(0.5, 16))),
    });
    const query = fc.dictionary(fc.constantFrom('appId', 'token', 'app_id', 'sign', 'nonce_str', 'time_stamp', 'x', 'toString'), text, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 3 }), query, fc.boolean(), async (parts, extra, withToken) => {
        const form = new FormData();
        for (const p of parts) {
          const blob = new Blob([new Uint8Array(p.bytes)], p.type === undefined ? {} : { type: p.type });
          if (p.filename === undefined) form.append(p.field, await blob.text());
          else form.append(p.field, blob, p.filename);
        }
        const params = new URLSearchParams(withToken ? { appId: app.appId, token: tokens.ann!, ...extra } : extra);
        const res = await call(`${t.url}/file/upload?${params}`, { method: 'POST', body: form });
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        expect(res.body.status, JSON.stringify(res.body)).toBe(res.status === 200 ? 1 : 0);
      }),
      { numRuns: 150 },
    );
  });
});
