import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';

/**
 * An in-memory stand-in for one Alibaba Cloud OSS bucket, on 127.0.0.1, that checks every request
 * as OSS does and answers OSS's XML errors otherwise, so ali-oss can be tested without a bucket.
 *
 * Checked: the virtual-hosted Host (`<bucket>.<domain>:<port>`, what ali-oss sends for an endpoint
 * that is a host name; path style is refused as OSS does), the V1 `Authorization: OSS id:signature`
 * header (HMAC-SHA1 over verb, Content-MD5, Content-Type, the date, the `x-oss-*` headers and the
 * resource with the sub-resources OSS signs), a date within 15 minutes of `now()`, Content-MD5
 * against the body, the body's length against Content-Length, and presigned URLs (`OSSAccessKeyId`,
 * `Expires`, `Signature`). Anonymous reads are allowed only for a `publicRead` bucket.
 *
 * Operations: PutObject, GetObject (Range), HeadObject, DeleteObject, DeleteMultipleObjects,
 * ListObjects and ListObjectsV2 (prefix, max-keys, marker / continuation-token, start-after).
 * Anything else answers 501 NotImplemented, so a gap shows instead of passing by accident.
 *
 * The bucket's host names resolve only through `agent` (and `fetch`): `*.localhost` is not in DNS.
 */

export interface FakeOssOptions {
  bucket: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The bucket's clock, in ms (default Date.now): move it to expire URLs or skew dates. */
  now?: () => number;
  /** Lists return at most this many keys per page, whatever max-keys asks (OSS: 1,000). */
  maxKeysCap?: number;
  /** Anonymous GET / HEAD of objects allowed (a public-read ACL); default private. */
  publicRead?: boolean;
  /** Bytes held at once, stored and being received (default 64 MiB). */
  maxTotalBytes?: number;
  /** The endpoint's host name (default `oss-fake.localhost`). */
  domain?: string;
}

export interface RecordedRequest {
  method: string;
  /** The Host header as sent. */
  host: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** The object name it addresses ('' for the bucket). */
  key: string;
  /** Query parameters, decoded. */
  query: Record<string, string>;
  /** `PutObject`, `GetObject`, ... or `Unknown`. */
  operation: string;
  /** How it proved who sent it, once checked; null when it never got that far. */
  auth: 'header' | 'url' | 'anonymous' | null;
  /** The status answered, 0 when the client went away before the request was whole. */
  status: number;
  /** The OSS error code answered, if any. */
  code: string | null;
  /** The client cut the request before its end (nothing was stored). */
  aborted: boolean;
}

export interface StoredFakeObject {
  body: Buffer;
  contentType: string;
  /** The `Content-Disposition` the object was stored with, served back as OSS does; null without one. */
  contentDisposition: string | null;
  etag: string;
  lastModified: number;
}

export interface FakeOss {
  /** `http://<domain>:<port>`, for OssOptions.endpoint. */
  endpoint: string;
  /** `<bucket>.<domain>:<port>`, the Host every request must name. */
  bucketHost: string;
  /** Resolves the endpoint's names to 127.0.0.1; give it to the client. */
  agent: Agent;
  /** The names of the objects stored, sorted. */
  objects(): string[];
  object(name: string): StoredFakeObject | undefined;
  /** Stores an object directly (fixtures), bypassing HTTP. */
  seed(name: string, body: Buffer, contentType?: string): void;
  /** Every request received, in order of arrival. */
  requests: RecordedRequest[];
  /** Resolves once no request is being received or answered. */
  idle(): Promise<void>;
  /** A plain HTTP GET (no SDK, no signing) through `agent`. */
  fetch(url: string, headers?: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>;
  close(): Promise<void>;
}

/** Query parameters OSS puts in the CanonicalizedResource of a V1 signature; the others are not signed. */
const SIGNED_SUBRESOURCES = new Set([
  'acl', 'uploads', 'location', 'cors', 'logging', 'website', 'referer', 'lifecycle', 'delete', 'append', 'tagging', 'objectMeta',
  'uploadId', 'partNumber', 'security-token', 'position', 'img', 'style', 'styleName', 'replication', 'replicationProgress',
  'replicationLocation', 'cname', 'bucketInfo', 'comp', 'qos', 'live', 'status', 'vod', 'startTime', 'endTime', 'symlink',
  'x-oss-process', 'response-content-type', 'response-content-language', 'response-expires', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'udf', 'udfName', 'udfImage', 'udfId', 'udfImageDesc',
  'udfApplication', 'udfApplicationLog', 'restore', 'callback', 'callback-var', 'qosInfo', 'policy', 'stat', 'encryption',
  'versions', 'versioning', 'versionId', 'requestPayment', 'x-oss-request-payer', 'sequential', 'inventory', 'inventoryId',
  'continuation-token', 'asyncFetch', 'worm', 'wormId', 'wormExtend', 'x-oss-traffic-limit', 'transferAcceleration',
]);

/** Sub-resources that only change how an object is answered, not which operation it is. */
const RESPONSE_OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];

const MAX_SKEW_MS = 15 * 60_000;
const OSS_MAX_KEYS = 1000;

/** An OSS error answer. */
class Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()]!;
  });
}

function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Fault(400, 'InvalidURI', 'The URI is not valid (bad percent-encoding).');
  }
}

function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    query[decode(at < 0 ? part : part.slice(0, at))] = at < 0 ? '' : decode(part.slice(at + 1));
  }
  return query;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The V1 string to sign, as OSS builds it from the request it received. */
function stringToSign(method: string, headers: IncomingHttpHeaders, dateOrExpires: string, resource: string): string {
  const ossHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(header(headers, name) ?? '').trim()}\n`)
    .join('');
  return `${method}\n${header(headers, 'content-md5') ?? ''}\n${header(headers, 'content-type') ?? ''}\n${dateOrExpires}\n${ossHeaders}${resource}`;
}

/** `/<bucket>/<key>` and the signed sub-resources present, sorted, `name` or `name=value` (values decoded). */
function canonicalizedResource(bucket: string, key: string, query: Record<string, string>): string {
  const signed = Object.keys(query)
    .filter((name) => SIGNED_SUBRESOURCES.has(name))
    .sort()
    .map((name) => (query[name] === '' ? name : `${name}=${query[name]}`));
  return `/${bucket}/${key}${signed.length > 0 ? `?${signed.join('&')}` : ''}`;
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` within `size`; null when OSS would ignore it (it answers the whole object). */
function parseRange(value: string, size: number): [number, number] | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '') || size === 0) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? null : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || start > end ? null : [start, end];
}

export async function startFakeOss(options: FakeOssOptions): Promise<FakeOss> {
  const now = options.now ?? Date.now;
  const maxKeysCap = options.maxKeysCap ?? OSS_MAX_KEYS;
  const maxTotalBytes = options.maxTotalBytes ?? 64 * 1024 * 1024;
  const domain = (options.domain ?? 'oss-fake.localhost').toLowerCase();
  const store = new Map<string, StoredFakeObject>();
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  let active = 0;
  /** Bytes stored plus bytes of bodies being received. */
  let held = 0;
  let port = 0;

  function put(name: string, body: Buffer, contentType: string, contentDisposition: string | null = null): StoredFakeObject {
    const previous = store.get(name);
    const object = { body, contentType, contentDisposition, etag: `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`, lastModified: now() };
    store.set(name, object);
    held += body.length - (previous?.body.length ?? 0);
    return object;
  }

  function remove(name: string): void {
    const object = store.get(name);
    if (object) {
      held -= object.body.length;
      store.delete(name);
    }
  }

  /** The whole body, or null when the client went away first; `tooLarge` when it passed the cap (dropped). */
  function receive(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean } | null> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let reserved = 0;
      let tooLarge = false;
      const release = () => {
        held -= reserved;
        reserved = 0;
      };
      req.on('data', (chunk: Buffer) => {
        if (tooLarge) return;
        if (held + chunk.length > maxTotalBytes) {
          tooLarge = true;
          chunks.length = 0;
          release();
          return;
        }
        held += chunk.length;
        reserved += chunk.length;
        chunks.push(chunk);
      });
      req.on('end', () => {
        release();
        resolve(req.complete ? { body: Buffer.concat(chunks), tooLarge } : null);
      });
      req.on('error', () => {
        release();
        resolve(null);
      });
      req.on('close', () => {
        if (!req.complete) {
          release();
          resolve(null);
        }
      });
    });
  }

  function authenticate(req: IncomingMessage, key: string, query: Record<string, string>, record: RecordedRequest): void {
    const method = req.method ?? 'GET';
    const authorization = header(req.headers, 'authorization');
    const urlSigned = 'Signature' in query || 'OSSAccessKeyId' in query || 'Expires' in query;
    const resource = canonicalizedResource(options.bucket, key, query);
    if (authorization !== undefined && urlSigned) throw new Fault(400, 'InvalidArgument', 'Authorization header and URL signature cannot both be given.');
    if (authorization !== undefined) {
      const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
      if (!match) throw new Fault(400, 'InvalidArgument', 'Authorization header is invalid.', { Authorization: authorization.split(':')[0]! });
      if (match[1] !== options.accessKeyId) throw new Fault(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: match[1]! });
      // OSS takes x-oss-date over Date when both are there.
      const date = header(req.headers, 'x-oss-date') ?? header(req.headers, 'date');
      if (date === undefined) throw new Fault(403, 'AccessDenied', 'Date header is not specified.');
      const at = /GMT$/.test(date) ? Date.parse(date) : Number.NaN;
      if (Number.isNaN(at)) throw new Fault(403, 'AccessDenied', `Invalid date (should be in GMT format): ${date}`);
      if (Math.abs(now() - at) > MAX_SKEW_MS) throw new Fault(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', { RequestTime: date, ServerTime: new Date(now()).toUTCString() });
      const toSign = stringToSign(method, req.headers, date, resource);
      const expected = createHmac('sha1', options.accessKeySecret).update(toSign, 'utf8').digest('base64');
      if (!sameSignature(match[2]!, expected)) {
        throw new Fault(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { OSSAccessKeyId: match[1]!, SignatureProvided: match[2]!, StringToSign: toSign });
      }
      record.auth = 'header';
      return;
    }
    if (urlSigned) {
      const { OSSAccessKeyId: id, Expires: expires, Signature: signature } = query;
      if (id === undefined || expires === undefined || signature === undefined) throw new Fault(403, 'AccessDenied', 'OSSAccessKeyId, Expires and Signature are all required in a signed URL.');
      if (id !== options.accessKeyId) throw new Fault(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.', { OSSAccessKeyId: id });
      if (!/^\d+$/.test(expires)) throw new Fault(403, 'AccessDenied', `Invalid expiration: ${expires}`);
      if (Number(expires) * 1000 < now()) throw new Fault(403, 'AccessDenied', 'Request has expired.', { Expires: new Date(Number(expires) * 1000).toISOString(), ServerTime: new Date(now()).toISOString() });
      const toSign = stringToSign(method, req.headers, expires, resource);
      const expected = createHmac('sha1', options.accessKeySecret).update(toSign, 'utf8').digest('base64');
      if (!sameSignature(signature, expected)) {
        throw new Fault(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', { OSSAccessKeyId: id, SignatureProvided: signature, StringToSign: toSign });
      }
      record.auth = 'url';
      return;
    }
    record.auth = 'anonymous';
  }

  function operationOf(method: string, key: string, query: Record<string, string>): string {
    const subresources = Object.keys(query).filter((name) => SIGNED_SUBRESOURCES.has(name) && !RESPONSE_OVERRIDES.includes(name));
    if (key === '') {
      if (method === 'GET' && subresources.length === 0) return query['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
      if (method === 'POST' && subresources.length === 1 && subresources[0] === 'delete') return 'DeleteMultipleObjects';
      return 'Unknown';
    }
    if (subresources.length > 0) return 'Unknown';
    return { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method] ?? 'Unknown';
  }

  function send(res: ServerResponse, record: RecordedRequest, status: number, headers: Record<string, string | number>, body?: Buffer | string): void {
    record.status = status;
    res.writeHead(status, { 'x-oss-request-id': randomBytes(12).toString('hex').toUpperCase(), Date: new Date(now()).toUTCString(), ...headers });
    res.end(body);
  }

  function sendXml(res: ServerResponse, record: RecordedRequest, status: number, xml: string): void {
    const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    send(res, record, status, { 'Content-Type': 'application/xml', 'Content-Length': body.length }, body);
  }

  function sendFault(res: ServerResponse, record: RecordedRequest, method: string, fault: Fault): void {
    record.code = fault.code;
    if (method === 'HEAD') {
      send(res, record, fault.status, { 'x-oss-ec': fault.code });
      return;
    }
    const details = Object.entries(fault.details).map(([name, value]) => element(name, value)).join('');
    sendXml(res, record, fault.status, `<Error>${element('Code', fault.code)}${element('Message', fault.message)}${element('RequestId', randomBytes(12).toString('hex').toUpperCase())}${element('HostId', `${options.bucket}.${domain}`)}${details}</Error>`);
  }

  function list(res: ServerResponse, record: RecordedRequest, query: Record<string, string>, v2: boolean): void {
    for (const unsupported of ['delimiter', 'encoding-type']) {
      if (query[unsupported]) throw new Fault(501, 'NotImplemented', `the fake OSS does not list with ${unsupported}`);
    }
    const prefix = query['prefix'] ?? '';
    const asked = query['max-keys'] === undefined ? 100 : Number(query['max-keys']);
    if (!Number.isInteger(asked) || asked < 1 || asked > OSS_MAX_KEYS) throw new Fault(400, 'InvalidArgument', `max-keys must be between 1 and ${OSS_MAX_KEYS}.`);
    const pageSize = Math.min(asked, maxKeysCap);
    let after = '';
    if (v2) {
      const token = query['continuation-token'];
      if (token !== undefined) {
        after = Buffer.from(token, 'base64url').toString('utf8');
        if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) throw new Fault(400, 'InvalidArgument', 'The continuation token is not valid.');
      } else {
        after = query['start-after'] ?? '';
      }
    } else {
      after = query['marker'] ?? '';
    }
    const names = [...store.keys()].filter((name) => name.startsWith(prefix) && name > after).sort();
    const page = names.slice(0, pageSize);
    const truncated = names.length > page.length;
    const contents = page
      .map((name) => {
        const object = store.get(name)!;
        const owner = v2 && query['fetch-owner'] !== 'true' ? '' : `<Owner>${element('ID', '0')}${element('DisplayName', '0')}</Owner>`;
        return `<Contents>${element('Key', name)}${element('LastModified', new Date(object.lastModified).toISOString())}${element('ETag', object.etag)}${element('Type', 'Normal')}${element('Size', object.body.length)}${element('StorageClass', 'Standard')}${owner}</Contents>`;
      })
      .join('');
    const last = page.at(-1);
    const paging = v2
      ? `${query['continuation-token'] === undefined ? '' : element('ContinuationToken', query['continuation-token'])}${truncated && last !== undefined ? element('NextContinuationToken', Buffer.from(last, 'utf8').toString('base64url')) : ''}${element('KeyCount', page.length)}`
      : `${element('Marker', after)}${truncated && last !== undefined ? element('NextMarker', last) : ''}`;
    sendXml(res, record, 200, `<ListBucketResult>${element('Name', options.bucket)}${element('Prefix', prefix)}${element('MaxKeys', asked)}${element('Delimiter', '')}${element('IsTruncated', truncated)}${paging}${contents}</ListBucketResult>`);
  }

  function deleteMultiple(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, body: Buffer): void {
    if (header(req.headers, 'content-md5') === undefined) throw new Fault(400, 'InvalidDigest', 'Content-MD5 is required for DeleteMultipleObjects.');
    const xml = body.toString('utf8');
    const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<Delete>([\s\S]*)<\/Delete>\s*$/.exec(xml);
    if (!root) throw new Fault(400, 'MalformedXML', 'The XML you provided was not well-formed.');
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(root[1]!);
    const keys = [...root[1]!.matchAll(/<Object>\s*<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Object>/g)].map((match) => unescapeXml(match[1]!));
    if (keys.length === 0 || keys.length > OSS_MAX_KEYS) throw new Fault(400, 'MalformedXML', `A delete names between 1 and ${OSS_MAX_KEYS} objects.`);
    for (const key of keys) remove(key);
    sendXml(res, record, 200, `<DeleteResult>${quiet ? '' : keys.map((key) => `<Deleted>${element('Key', key)}</Deleted>`).join('')}</DeleteResult>`);
  }

  function getObject(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, key: string, query: Record<string, string>, head: boolean): void {
    const object = store.get(key);
    if (!object) throw new Fault(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    const headers: Record<string, string | number> = {
      'Content-Type': object.contentType,
      ETag: object.etag,
      'Last-Modified': new Date(object.lastModified).toUTCString(),
      'Accept-Ranges': 'bytes',
      'x-oss-object-type': 'Normal',
      ...(object.contentDisposition === null ? {} : { 'Content-Disposition': object.contentDisposition }),
    };
    // response-* override the answer's headers, on signed requests only.
    if (record.auth !== 'anonymous') {
      for (const name of RESPONSE_OVERRIDES) {
        const value = query[name];
        if (value !== undefined) headers[name.slice('response-'.length).replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())] = value;
      }
    }
    const rangeHeader = header(req.headers, 'range');
    const range = rangeHeader === undefined ? null : parseRange(rangeHeader, object.body.length);
    if (range) {
      const part = object.body.subarray(range[0], range[1] + 1);
      headers['Content-Range'] = `bytes ${range[0]}-${range[1]}/${object.body.length}`;
      headers['Content-Length'] = part.length;
      send(res, record, 206, headers, head ? undefined : part);
      return;
    }
    headers['Content-Length'] = object.body.length;
    send(res, record, 200, headers, head ? undefined : object.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const rawPath = at < 0 ? url : url.slice(0, at);
    const record: RecordedRequest = { method, host: header(req.headers, 'host') ?? '', path: rawPath, key: '', query: {}, operation: 'Unknown', auth: null, status: 0, code: null, aborted: false };
    requests.push(record);
    // What the request is, known from its head (so an upload cut short is still recorded as one).
    let early: unknown = null;
    try {
      record.query = parseQuery(at < 0 ? '' : url.slice(at + 1));
      if (!rawPath.startsWith('/')) throw new Fault(400, 'InvalidURI', 'The URI is not valid.');
      record.key = decode(rawPath.slice(1));
      record.operation = operationOf(method, record.key, record.query);
    } catch (error) {
      early = error;
    }
    const received = await receive(req);
    if (received === null) {
      record.aborted = true;
      return;
    }
    try {
      if (early !== null) throw early;
      const { key, query } = record;

      const host = record.host.toLowerCase();
      const suffix = `.${domain}:${port}`;
      if (host === `${domain}:${port}`) throw new Fault(403, 'SecondLevelDomainForbidden', 'Please use virtual hosted style to access.');
      if (!host.endsWith(suffix)) throw new Fault(400, 'InvalidRequest', `This endpoint serves ${options.bucket}${suffix}, not ${record.host}.`);
      if (host.slice(0, -suffix.length) !== options.bucket) throw new Fault(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: host.slice(0, -suffix.length) });
      if (key.startsWith('/') || key.startsWith('\\') || Buffer.byteLength(key) > 1023) throw new Fault(400, 'InvalidObjectName', 'The specified object is not valid.', { ObjectName: key });

      authenticate(req, key, query, record);
      if (record.auth === 'anonymous' && !(options.publicRead && (record.operation === 'GetObject' || record.operation === 'HeadObject'))) {
        throw new Fault(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
      }
      const contentMd5 = header(req.headers, 'content-md5');
      if (contentMd5 !== undefined && createHash('md5').update(received.body).digest('base64') !== contentMd5) {
        throw new Fault(400, 'InvalidDigest', 'The Content-MD5 you specified did not match what we received.', { CalculatedDigest: createHash('md5').update(received.body).digest('base64') });
      }
      const contentLength = header(req.headers, 'content-length');
      if (contentLength !== undefined && Number(contentLength) !== received.body.length) {
        throw new Fault(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
      }
      if (received.tooLarge) throw new Fault(400, 'EntityTooLarge', `The fake OSS holds at most ${maxTotalBytes} bytes.`);

      switch (record.operation) {
        case 'PutObject': {
          if (header(req.headers, 'x-oss-copy-source') !== undefined) throw new Fault(501, 'NotImplemented', 'the fake OSS does not copy objects');
          const object = put(key, received.body, header(req.headers, 'content-type') ?? 'application/octet-stream', header(req.headers, 'content-disposition') ?? null);
          send(res, record, 200, { ETag: object.etag, 'Content-Length': 0 });
          return;
        }
        case 'GetObject':
        case 'HeadObject':
          getObject(req, res, record, key, query, record.operation === 'HeadObject');
          return;
        case 'DeleteObject':
          remove(key);
          send(res, record, 204, {});
          return;
        case 'DeleteMultipleObjects':
          deleteMultiple(req, res, record, received.body);
          return;
        case 'ListObjects':
        case 'ListObjectsV2':
          list(res, record, query, record.operation === 'ListObjectsV2');
          return;
        default:
          throw new Fault(501, 'NotImplemented', `the fake OSS does not implement ${method} ${url.split('?')[0]} with ${JSON.stringify(Object.keys(query))}`);
      }
    } catch (error) {
      const fault = error instanceof Fault ? error : new Fault(500, 'InternalError', String(error));
      sendFault(res, record, method, fault);
    }
  }

  const server = createServer((req, res) => {
    active++;
    res.once('close', () => {
      active--;
      if (active === 0) events.emit('idle');
    });
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const lookup = ((hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const name = hostname.toLowerCase();
    if (name !== domain && !name.endsWith(`.${domain}`)) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
    } else if (lookupOptions.all) {
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    } else {
      callback(null, '127.0.0.1', 4);
    }
  }) as unknown as LookupFunction;
  const agent = new Agent({ keepAlive: true, lookup });

  return {
    endpoint: `http://${domain}:${port}`,
    bucketHost: `${options.bucket}.${domain}:${port}`,
    agent,
    objects: () => [...store.keys()].sort(),
    object: (name) => store.get(name),
    seed(name, body, contentType = 'application/octet-stream') {
      if (held + body.length > maxTotalBytes) throw new Error(`the fake OSS holds at most ${maxTotalBytes} bytes`);
      put(name, body, contentType);
    },
    requests,
    idle: () => (active === 0 ? Promise.resolve() : new Promise((resolve) => events.once('idle', () => resolve()))),
    fetch: (url, headers = {}) =>
      new Promise((resolve, reject) => {
        request(url, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      }),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
