import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import OSS from 'ali-oss';
import { afterEach, describe, expect, it } from 'vitest';
import { OssError, OssFileStorage, type OssOptions } from '../src/files/oss/oss-files.js';
import { FileTooLargeError, objectPath, type ByteRange, type FileStorage, type ObjectKey, type PutOptions } from '../src/files/ports.js';
import { fileStorageContract } from './files.contract.js';
import { startFakeOss, type FakeOss, type FakeOssOptions, type RecordedRequest } from './support/fake-oss.js';

const bucket = 'parley-test';
const region = 'oss-cn-hangzhou';
const credentials = { accessKeyId: 'LTAI-parley-test', accessKeySecret: `secret-${randomBytes(12).toString('hex')}` };
const appA = 'a'.repeat(16);
const appB = 'b'.repeat(16);
const newKey = (appId = appA): ObjectKey => ({ appId, fileId: randomBytes(16).toString('hex') });
const text = async (body: Readable) => (await buffer(body)).toString();

const fakes: FakeOss[] = [];
/** Fakes the contract runs against: each of their requests must have been signed and accepted. */
const contractFakes = new Set<FakeOss>();

afterEach(async () => {
  const checked = fakes.filter((fake) => contractFakes.has(fake));
  for (const fake of fakes.splice(0)) await fake.close();
  contractFakes.clear();
  for (const fake of checked) {
    const unexpected = fake.requests.filter((r) => !acceptedInContract(r));
    expect(unexpected, 'requests the fake OSS refused during a contract test').toEqual([]);
  }
});

/** A signed request OSS accepted, a read of a missing object, or an upload the adapter cut on purpose. */
function acceptedInContract(r: RecordedRequest): boolean {
  if (r.aborted) return r.operation === 'PutObject';
  if (r.auth !== 'header') return false;
  return (r.status >= 200 && r.status < 300) || (r.operation === 'GetObject' && r.status === 404 && r.code === 'NoSuchKey');
}

async function fakeOss(options: Partial<FakeOssOptions> = {}): Promise<FakeOss> {
  const fake = await startFakeOss({ bucket, ...credentials, ...options });
  fakes.push(fake);
  return fake;
}

function adapterFor(fake: FakeOss, options: Partial<OssOptions> = {}): OssFileStorage {
  return new OssFileStorage({ region, bucket, ...credentials, endpoint: fake.endpoint, agent: fake.agent, ...options });
}

/** The adapter, noting which names its `put` reported whole (whatever else the bucket holds is left over). */
class Tracked implements FileStorage {
  readonly kind: string;
  readonly stored = new Set<string>();
  constructor(
    private readonly inner: FileStorage,
    private readonly prefix: string,
  ) {
    this.kind = inner.kind;
  }
  async put(key: ObjectKey, body: Readable, options: PutOptions) {
    const result = await this.inner.put(key, body, options);
    this.stored.add(`${this.prefix}${objectPath(key)}`);
    return result;
  }
  get(key: ObjectKey, range?: ByteRange) {
    return this.inner.get(key, range);
  }
  delete(key: ObjectKey) {
    return this.inner.delete(key);
  }
  deleteApp(appId: string) {
    return this.inner.deleteApp(appId);
  }
  directUrl(key: ObjectKey, options: { signed: boolean; expiresInSeconds: number; contentType: string; downloadName: string | null }) {
    return this.inner.directUrl(key, options);
  }
  ping() {
    return this.inner.ping();
  }
}

fileStorageContract('Alibaba Cloud OSS (ali-oss against a local endpoint)', async () => {
  const fake = await fakeOss();
  contractFakes.add(fake);
  const prefix = 'parley/';
  const storage = new Tracked(adapterFor(fake, { prefix }), prefix);
  return {
    storage,
    // OSS keeps nothing of a PutObject cut before its end; anything put did not report whole is left over.
    leftovers: async () => {
      await fake.idle();
      return fake.objects().filter((name) => !storage.stored.has(name));
    },
  };
});

describe('Alibaba Cloud OSS file storage', () => {
  const options = { maxBytes: 1024 * 1024, contentType: 'application/octet-stream' };

  it('signs every request it makes, with the type, range and names expected', async () => {
    const fake = await fakeOss();
    const storage = adapterFor(fake, { prefix: 'parley/' });
    const key = newKey();
    const name = `parley/${objectPath(key)}`;
    await storage.put(key, Readable.from([Buffer.from('hello '), Buffer.from('world')]), { maxBytes: 11, contentType: 'text/plain; charset=utf-8' });
    expect(fake.objects()).toEqual([name]);
    expect(fake.object(name)?.contentType).toBe('text/plain; charset=utf-8');

    const whole = await storage.get(key);
    expect(whole?.size).toBe(11);
    expect(await text(whole!.body)).toBe('hello world');
    const part = await storage.get(key, { start: 6, end: 10 });
    expect(part?.size).toBe(11);
    expect(await text(part!.body)).toBe('world');
    await storage.ping();
    await storage.delete(key);
    await storage.delete(key);
    await storage.deleteApp(appA);

    expect(fake.requests.map((r) => [r.operation, r.status])).toEqual([
      ['PutObject', 200],
      ['GetObject', 200],
      ['GetObject', 206],
      ['ListObjectsV2', 200],
      ['DeleteObject', 204],
      ['DeleteObject', 204],
      ['ListObjectsV2', 200],
    ]);
    for (const r of fake.requests) {
      expect(r.auth).toBe('header');
      expect(r.host).toBe(fake.bucketHost);
    }
    expect(fake.requests[0]!.key).toBe(name);
    expect(fake.requests[3]!.query).toEqual({ 'list-type': '2', prefix: 'parley/', 'max-keys': '1' });
    expect(fake.requests[6]!.query).toEqual({ 'list-type': '2', prefix: `parley/${appA}/`, 'max-keys': '1000' });
  });

  it('cuts an answer that ignored the range (OSS answers an unsatisfiable one with the whole object)', async () => {
    const fake = await fakeOss();
    const storage = adapterFor(fake);
    const key = newKey();
    await storage.put(key, Readable.from([Buffer.from('0123456789')]), options);
    const clamped = await storage.get(key, { start: 5, end: 99 });
    expect([clamped?.size, await text(clamped!.body)]).toEqual([10, '56789']);
    const beyond = await storage.get(key, { start: 20, end: 30 });
    expect([beyond?.size, await text(beyond!.body)]).toEqual([10, '']);
    expect(fake.requests.map((r) => [r.operation, r.status])).toEqual([
      ['PutObject', 200],
      ['GetObject', 206],
      ['GetObject', 200],
    ]);
  });

  it('cuts an oversized upload before its end, so OSS never receives a whole request', async () => {
    const fake = await fakeOss();
    const storage = adapterFor(fake);
    const key = newKey();
    const body = Readable.from(Array.from({ length: 8 }, () => randomBytes(16 * 1024)));
    await expect(storage.put(key, body, { ...options, maxBytes: 50_000 })).rejects.toBeInstanceOf(FileTooLargeError);
    await fake.idle();
    expect(fake.objects()).toEqual([]);
    // The PutObject broke off (the fake kept nothing); the adapter then made sure of it.
    expect(fake.requests.map((r) => [r.operation, r.aborted, r.status])).toEqual([
      ['PutObject', true, 0],
      ['DeleteObject', false, 204],
    ]);
  });

  it('is refused, with OSS\'s reason and no secret in the message, when the secret is wrong', async () => {
    const fake = await fakeOss();
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const storage = adapterFor(fake, { accessKeySecret: wrong });
    const put = await storage.put(newKey(), Readable.from([Buffer.from('x')]), options).catch((error: unknown) => error);
    expect(put).toBeInstanceOf(OssError);
    expect((put as OssError).message).toMatch(/SignatureDoesNotMatch \(HTTP 403/);
    expect((put as OssError).code).toBe('SignatureDoesNotMatch');
    const ping = await storage.ping().catch((error: unknown) => error);
    expect(ping).toBeInstanceOf(OssError);
    expect((ping as OssError).message).toMatch(/SignatureDoesNotMatch/);
    for (const error of [put, ping]) {
      expect(String((error as Error).message)).not.toContain(wrong);
      expect(String((error as Error).message)).not.toContain(credentials.accessKeySecret);
    }
    expect(fake.objects()).toEqual([]);
    expect(fake.requests.map((r) => [r.operation, r.status, r.code])).toEqual([
      ['PutObject', 403, 'SignatureDoesNotMatch'],
      ['ListObjectsV2', 403, 'SignatureDoesNotMatch'],
    ]);
  });

  it('is refused for an unknown key id, another bucket, or a clock 20 minutes off', async () => {
    let skew = 0;
    const fake = await fakeOss({ now: () => Date.now() + skew });
    await expect(adapterFor(fake, { accessKeyId: 'LTAI-nobody' }).ping()).rejects.toThrow(/InvalidAccessKeyId \(HTTP 403/);
    await expect(adapterFor(fake, { bucket: 'another-bucket' }).ping()).rejects.toThrow(/NoSuchBucket \(HTTP 404/);
    skew = 20 * 60_000;
    await expect(adapterFor(fake).ping()).rejects.toThrow(/RequestTimeTooSkewed \(HTTP 403/);
    skew = 10 * 60_000;
    await expect(adapterFor(fake).ping()).resolves.toBeUndefined();
  });

  it('rejects ping, and puts, when OSS cannot be reached', async () => {
    const fake = await fakeOss();
    const storage = adapterFor(fake);
    await storage.ping();
    await fake.close();
    await expect(storage.ping()).rejects.toThrow(/OSS could not be reached to list the bucket parley-test: .*ECONNREFUSED/);
    await expect(storage.put(newKey(), Readable.from([Buffer.from('x')]), options)).rejects.toThrow(/OSS could not be reached to store .*ECONNREFUSED/);
  });

  it('gives signed URLs that serve the bytes with the type and name asked, and nothing once altered or expired', async () => {
    let clock = 0;
    const fake = await fakeOss({ now: () => Date.now() + clock });
    const storage = adapterFor(fake);
    const key = newKey();
    const bytes = randomBytes(5000);
    await storage.put(key, Readable.from([bytes]), options);

    const url = storage.directUrl(key, { signed: true, expiresInSeconds: 300, contentType: 'image/png', downloadName: 'café menu "v2".png' });
    const parsed = new URL(url);
    expect(`${parsed.protocol}//${parsed.host}${parsed.pathname}`).toBe(`http://${fake.bucketHost}/${objectPath(key)}`);
    expect([...parsed.searchParams.keys()].sort()).toEqual(['Expires', 'OSSAccessKeyId', 'Signature', 'response-content-disposition', 'response-content-type']);

    const served = await fake.fetch(url);
    expect(served.status).toBe(200);
    expect(served.body.equals(bytes)).toBe(true);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['content-disposition']).toBe(`attachment; filename="caf_ menu _v2_.png"; filename*=UTF-8''caf%C3%A9%20menu%20%22v2%22.png`);
    const ranged = await fake.fetch(url, { Range: 'bytes=10-19' });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(bytes.subarray(10, 20))).toBe(true);

    const signature = parsed.searchParams.get('Signature')!;
    const altered = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const variants = [
      url.replace(`Signature=${encodeURIComponent(signature)}`, `Signature=${encodeURIComponent(altered)}`),
      url.replace('response-content-type=image%2Fpng', 'response-content-type=text%2Fhtml'),
      url.replace(objectPath(key), objectPath(newKey())),
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(url);
      const refused = await fake.fetch(variant);
      expect(refused.status).toBe(403);
      expect(refused.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }

    clock = 290_000;
    expect((await fake.fetch(url)).status).toBe(200);
    clock = 301_000;
    const expired = await fake.fetch(url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('Request has expired.');
    const urlSigned = fake.requests.filter((r) => 'Signature' in r.query);
    expect(urlSigned.map((r) => [r.operation, r.status, r.code])).toEqual([
      ['GetObject', 200, null],
      ['GetObject', 206, null],
      ['GetObject', 403, 'SignatureDoesNotMatch'],
      ['GetObject', 403, 'SignatureDoesNotMatch'],
      ['GetObject', 403, 'SignatureDoesNotMatch'],
      ['GetObject', 200, null],
      ['GetObject', 403, 'AccessDenied'],
    ]);
  });

  it('gives unsigned URLs on the public base exactly, or on the bucket (which serves them only when public)', async () => {
    const fake = await fakeOss();
    const key = newKey();
    const name = `files/${objectPath(key)}`;
    const viaCdn = adapterFor(fake, { prefix: 'files/', publicBaseUrl: 'https://cdn.example.com/parley/' });
    const unsigned = { signed: false, expiresInSeconds: 60, contentType: 'image/png', downloadName: null };
    expect(viaCdn.directUrl(key, unsigned)).toBe(`https://cdn.example.com/parley/${name}`);

    const direct = adapterFor(fake, { prefix: 'files/' });
    await direct.put(key, Readable.from([Buffer.from('public bytes')]), { ...options, contentType: 'image/png' });
    const url = direct.directUrl(key, unsigned);
    expect(url).toBe(`http://${fake.bucketHost}/${name}`);
    const refused = await fake.fetch(url);
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('<Code>AccessDenied</Code>');

    const open = await fakeOss({ publicRead: true });
    const openDirect = adapterFor(open, { prefix: 'files/' });
    await openDirect.put(key, Readable.from([Buffer.from('public bytes')]), { ...options, contentType: 'image/png' });
    const served = await open.fetch(openDirect.directUrl(key, unsigned));
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.body.toString()).toBe('public bytes');
  });

  it("deletes an app page by page, past one listing, and leaves other apps' objects", async () => {
    const fake = await fakeOss({ maxKeysCap: 100 });
    const storage = adapterFor(fake, { prefix: 'parley/' });
    for (let i = 0; i < 1050; i++) fake.seed(`parley/${objectPath(newKey(appA))}`, Buffer.from([i % 256]));
    const kept = [`parley/${objectPath(newKey(appB))}`, `parley/${objectPath(newKey(appB))}`, `elsewhere/${objectPath(newKey(appA))}`];
    for (const name of kept) fake.seed(name, Buffer.from('keep'));

    await storage.deleteApp(appA);

    expect(fake.objects()).toEqual([...kept].sort());
    const lists = fake.requests.filter((r) => r.operation === 'ListObjectsV2');
    const deletes = fake.requests.filter((r) => r.operation === 'DeleteMultipleObjects');
    expect(lists.length).toBe(12);
    expect(deletes.length).toBe(11);
    expect(fake.requests.length).toBe(23);
    for (const r of fake.requests) expect([r.auth, r.status]).toEqual(['header', 200]);
    for (const r of lists) expect(r.query).toEqual({ 'list-type': '2', prefix: `parley/${appA}/`, 'max-keys': '1000' });
  });

  it('faces a fake that checks Content-MD5 and answers what it does not implement with 501', async () => {
    const fake = await fakeOss();
    const client = new OSS({ region, bucket, ...credentials, endpoint: fake.endpoint, secure: false, agent: fake.agent } as OSS.Options);
    const md5Of = (value: string) => createHash('md5').update(value).digest('base64');
    await expect(client.put('checked', Buffer.from('abc'), { headers: { 'Content-MD5': md5Of('abd') } })).rejects.toMatchObject({ status: 400, code: 'InvalidDigest' });
    await expect(client.initMultipartUpload('checked')).rejects.toMatchObject({ status: 501, code: 'NotImplemented' });
    await client.put('checked', Buffer.from('abc'), { headers: { 'Content-MD5': md5Of('abc') } });
    expect(fake.objects()).toEqual(['checked']);
    expect(fake.requests.map((r) => [r.operation, r.status])).toEqual([
      ['PutObject', 400],
      ['Unknown', 501],
      ['PutObject', 200],
    ]);
  });
});
