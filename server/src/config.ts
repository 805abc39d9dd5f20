import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Limits, LoginPolicy, MessagePolicy, PresenceScope } from '@parley/sdk/protocol';
import { z } from 'zod';

/**
 * `console/dist` of the repository: two levels up from this module, which runs as
 * `server/dist/main.js` (built) or `server/src/config.ts` (from source).
 */
const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/**
 * The only place that reads the environment. Every variable is optional, validated at start,
 * and documented in docs/configuration.md.
 */

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .meta({ range: [min, max] });

const STORE_KINDS = ['sqlite', 'memory', 'mongodb'] as const;
const FILE_STORAGE_KINDS = ['local', 'oss'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const powerOfTwo = (min: number, max: number) =>
  integer(min, max).refine((n) => (n & (n - 1)) === 0, `must be a power of two from ${min} to ${max}`);

/** Allowed values in words, for the reference. */
const oneOf = (values: readonly string[]) => values.map((value) => `\`${value}\``).join(', ');

/**
 * Every variable with its rule and default; `describe` is its line in docs/configuration.md
 * (generated from this schema by `npm run docs`).
 */
export const envSchema = z.object({
  PORT: integer(0, 65_535).default(3000).describe('TCP port to listen on (`0` picks a free one)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('address to bind; `127.0.0.1` for this machine only'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS)
    .default('info')
    .describe(
      `${oneOf(LOG_LEVELS)}. Logs are JSON lines on stdout: one per request (method, path, status, time, app, request id; never query strings, bodies or headers). They are written in batches (up to 32 KiB, at least every 200 ms, and at exit), so a line may appear up to 200 ms after its event; while stdout cannot keep up, at most 16 MiB wait and later lines are dropped`,
    ),
  STORE: z
    .enum(STORE_KINDS)
    .optional()
    .describe(
      `where everything is kept: ${oneOf(STORE_KINDS)}. Unset: \`mongodb\` when \`MONGODB_URL\` is set, else \`sqlite\`. \`sqlite\` keeps one database file in \`DATA_DIR\` for one server process; \`memory\` keeps nothing across a restart (tests, demos); \`mongodb\` is shared by any number of processes`,
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe(
      'the `sqlite` store\'s directory (relative to the working directory), created at start: `parley.db` with its write-ahead log, and a lock that lets one server process at a time use it',
    ),
  SQLITE_SYNCHRONOUS: z
    .enum(['normal', 'full'])
    .default('normal')
    .describe(
      'the `sqlite` store: `normal` commits every acknowledged write to the write-ahead log, which survives the process being killed (a power cut may lose the last moments); `full` also syncs it to disk before answering, surviving power loss, at the cost of an fsync per write',
    ),
  MONGODB_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a MongoDB connection string (mongodb:// or mongodb+srv://)')
    .optional()
    .describe(
      'the `mongodb` store\'s connection string (database from its path, `parley` when it has none); setting it selects that store. Indexes are created at start',
    ),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a Redis URL (redis:// or rediss://)')
    .optional()
    .describe(
      'share nonces, presence, rate limits and pushes between server processes through Redis at this URL (one primary; not Redis Cluster), instead of keeping them in this process',
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'the address clients reach this server at (e.g. `https://im.example.com`), used in the file URLs uploads answer. Unset: taken from each upload request (its `Host`, and `X-Forwarded-Proto` with `TRUST_PROXY=true`)',
    ),
  FILE_STORAGE: z
    .enum(FILE_STORAGE_KINDS)
    .optional()
    .describe(
      `where uploaded files are kept: ${oneOf(FILE_STORAGE_KINDS)}. Unset: \`oss\` when \`OSS_BUCKET\` is set, else \`local\` (a directory served by this server; several server processes need it on a shared volume)`,
    ),
  FILES_DIR: z.string().min(1).optional().describe('the `local` file storage\'s directory; default `<DATA_DIR>/uploads`'),
  CONSOLE_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('the built web console served at `/console`; default `console/dist` of this repository (made by `npm start`, or `npm run build --workspace @parley/console`)'),
  OSS_REGION: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a region id such as oss-cn-hangzhou').optional().describe('Alibaba Cloud OSS region, e.g. `oss-cn-hangzhou`'),
  OSS_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'must be an OSS bucket name (3-63 lowercase letters, digits, hyphens)').optional().describe('OSS bucket; setting it selects the `oss` file storage'),
  OSS_ACCESS_KEY_ID: z.string().min(1).optional().describe('OSS AccessKey ID (a RAM user allowed to put, get, delete and list in the bucket)'),
  OSS_ACCESS_KEY_SECRET: z.string().min(1).optional().describe('OSS AccessKey secret'),
  OSS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional().describe('OSS endpoint, when not the region\'s public one (an internal endpoint, or a compatible server)'),
  OSS_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('base URL that serves the bucket publicly (a CDN or custom domain); files of apps that are not private are redirected there'),
  UPLOAD_MAX_BYTES: integer(1024, 4 * 1024 ** 3)
    .default(100 * 1024 * 1024)
    .describe('largest upload any app may take, whatever its own `maxUploadBytes` says (100 MiB by default)'),
  IMAGE_PROCESSING_CONCURRENCY: integer(1, 64)
    .default(2)
    .describe('uploaded images measured and thumbnailed at once; more wait in a queue of 64, beyond it uploads get 503 `SERVER_BUSY`'),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('`true` behind a reverse proxy that sets `X-Forwarded-For` / `X-Forwarded-Proto`'),
  TOKEN_TTL_SECONDS: integer(60, 365 * 24 * 3600)
    .default(7 * 24 * 3600)
    .describe('lifetime of user tokens for new apps, 7 days by default (each app can change its own)'),
  CONSOLE_TOKEN_TTL_SECONDS: integer(60, 30 * 24 * 3600).default(24 * 3600).describe('lifetime of console tokens (1 day by default)'),
  SIGNATURE_WINDOW_SECONDS: integer(30, 3600)
    .default(300)
    .describe("how far a signed request's `time_stamp` may be from server time, either way"),
  SECRET_ROTATION_GRACE_SECONDS: integer(0, 30 * 24 * 3600)
    .default(24 * 3600)
    .describe('how long a rotated-out app secret keeps working when the rotation does not say'),
  MAX_MESSAGE_BYTES: integer(1024, 1024 * 1024).default(64 * 1024).describe('largest message `content`, measured as UTF-8 JSON'),
  MAX_BODY_BYTES: integer(4096, 16 * 1024 * 1024)
    .default(Limits.PACKET_BYTES_DEFAULT)
    .describe(
      "largest request body, and largest socket.io packet (a larger packet closes the connection). Raise the SDK's `maxPayloadBytes` with it",
    ),
  MAX_GROUP_MEMBERS: integer(2, 10_000).default(2000).describe('group size limit for new apps (each app can change its own)'),
  PASSWORD_SCRYPT_COST: powerOfTwo(1024, 1 << 20)
    .default(1 << 17)
    .describe('scrypt cost N for console passwords (a power of two; 2^17 is the OWASP minimum). Existing hashes keep their own cost'),
  RECALL_WINDOW_SECONDS: integer(0, 7 * 24 * 3600)
    .default(120)
    .describe('how long after sending the sender may recall a message, for new apps (each app can change its own)'),
  ADMIN_RECALL_WINDOW_SECONDS: integer(0, 7 * 24 * 3600)
    .default(7200)
    .describe("how long a group owner or admin may recall any member's message, 2 hours by default, for new apps (each app can change its own)"),
  LOGIN_POLICY: z
    .enum(Object.values(LoginPolicy))
    .default(LoginPolicy.MULTI_DEVICE)
    .describe(
      `how many devices a user may keep connected, for new apps: ${oneOf(Object.values(LoginPolicy))} (\`${LoginPolicy.MULTI_DEVICE}\`: any number; \`${LoginPolicy.ONE_PER_PLATFORM}\`: a new login replaces the older device of the same platform). Each app can change its own`,
    ),
  PRESENCE_SCOPE: z
    .enum(Object.values(PresenceScope))
    .default(PresenceScope.CONTACTS)
    .describe(
      `whose presence a user may see and whom they may send typing to, for new apps: ${oneOf(Object.values(PresenceScope))} (\`${PresenceScope.CONTACTS}\`: their friends and users they share a private chat or a group with; \`${PresenceScope.APP}\`: anyone in the app). Each app can change its own`,
    ),
  MESSAGE_POLICY: z
    .enum(Object.values(MessagePolicy))
    .default(MessagePolicy.ANYONE)
    .describe(
      `who may send a user a private message, for new apps: ${oneOf(Object.values(MessagePolicy))} (\`${MessagePolicy.ANYONE}\`: any user of the app; \`${MessagePolicy.FRIENDS}\`: only their friends, others get 403 \`NOT_FRIENDS\`). Each app can change its own`,
    ),
  API_REQUESTS_PER_SECOND: integer(1, 100_000)
    .default(500)
    .describe("signed REST requests an app's backend may make per second, for new apps (each app can change its own); more get 429 `RATE_LIMITED`"),
  USER_SENDS_PER_SECOND: integer(1, 10_000)
    .default(20)
    .describe('messages one user may send per second over the socket, all devices together, for new apps (each app can change its own)'),
  USER_SIGNALS_PER_SECOND: integer(1, 10_000)
    .default(20)
    .describe('typing and presence requests one user may make per second, all devices together, for new apps (each app can change its own)'),
  MAX_USERS_PER_APP: integer(1, 100_000_000).default(1_000_000).describe('most users an app may have, for new apps (each app can change its own)'),
  MAX_GROUPS_PER_APP: integer(1, 10_000_000).default(100_000).describe('most groups an app may have at once, for new apps (each app can change its own)'),
  MAX_APPS_PER_TENANT: integer(1, 10_000).default(20).describe('most apps one console account may have'),
  SIGNED_BODY_MAX_BYTES: integer(4096, 16 * 1024 * 1024)
    .default(256 * 1024)
    .describe(
      'largest body of a signed open-API request (checked before the signature is computed). Keep it above `MAX_MESSAGE_BYTES`: a form-encoded body takes up to 3 bytes per byte of content',
    ),
  PASSWORD_HASH_CONCURRENCY: integer(1, 64)
    .default(2)
    .describe('console password hashes computed at once (each takes 128 × `PASSWORD_SCRYPT_COST` bytes of memory: 128 MiB at the default cost)'),
  PASSWORD_HASH_QUEUE: integer(0, 10_000)
    .default(16)
    .describe('sign-ups and logins that may wait for a hash; when the queue is full they get 503 `SERVER_BUSY` with `Retry-After`'),
  CONSOLE_AUTH_PER_IP: integer(1, 100_000)
    .default(30)
    .describe('console sign-ups and logins one IP address may make per `CONSOLE_AUTH_WINDOW_SECONDS`; more get 429 `RATE_LIMITED`'),
  CONSOLE_AUTH_PER_EMAIL: integer(1, 100_000)
    .default(10)
    .describe('console sign-ups and logins for one email address per `CONSOLE_AUTH_WINDOW_SECONDS`, from any IP'),
  CONSOLE_AUTH_WINDOW_SECONDS: integer(1, 24 * 3600).default(600).describe('the window of `CONSOLE_AUTH_PER_IP` and `CONSOLE_AUTH_PER_EMAIL` (10 minutes by default)'),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16-256 printable ASCII characters')
    .optional()
    .describe('serve Prometheus metrics at `/metrics` to requests with `Authorization: Bearer <METRICS_TOKEN>`; unset, `/metrics` is not served'),
  SOCKET_PING_INTERVAL_MS: integer(1000, 300_000).default(25_000).describe('socket heartbeat: how often the server pings each connected device'),
  SOCKET_PING_TIMEOUT_MS: integer(1000, 300_000)
    .default(20_000)
    .describe(
      'socket heartbeat: how long the server waits for the answer before it drops the device. A silent device is dropped within interval + timeout (45 s by default)',
    ),
  SOCKET_SEND_BUFFER_MAX_BYTES: integer(128 * 1024, 1024 * 1024 * 1024)
    .default(8 * 1024 * 1024)
    .describe(
      `most bytes one connection may hold unsent (pushes and answers a device has not read yet); past it the server drops the connection as a slow consumer and the SDK reconnects and catches up by seq. Must be at least ${Limits.MESSAGE_PAGE_MAX} × \`MAX_MESSAGE_BYTES\`, a full history page (see "Slow consumers" below)`,
    ),
  HELPER_THREAD_NICE: integer(0, 19)
    .default(10)
    .describe(
      "Linux: the nice value of the process's helper threads (V8's garbage collector and compiler, libuv's pool), so that on a busy core a burst of their work no longer pauses every request (each weighs a tenth of the event loop at 10); `0` leaves them as they are, 19 starves the compiler on a saturated core (see docs/benchmarks.md, \"Pauses, and what fixed them\")",
    ),
});

/** Which store the server opens, with what it needs. */
/** Where uploaded files live. */
export type FileStorageChoice =
  | { kind: 'local'; dir: string }
  | { kind: 'oss'; region: string; bucket: string; accessKeyId: string; accessKeySecret: string; endpoint?: string; publicBaseUrl?: string };

export type StoreChoice =
  | { kind: 'sqlite'; dataDir: string; sync: 'normal' | 'full' }
  | { kind: 'memory' }
  | { kind: 'mongodb'; url: string };

/** Everything the server needs to start, typed and with defaults applied. */
export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  store: StoreChoice;
  files: FileStorageChoice;
  /** Base URL of file URLs; null to take it from each upload request. */
  publicUrl: string | null;
  /** The console's build, served at `/console`. */
  consoleDir: string;
  /** The deployment's largest upload, capping every app's own limit. */
  uploadMaxBytes: number;
  imageProcessingConcurrency: number;
  /** Redis URL, or null for the in-process bus. */
  redisUrl: string | null;
  /** Bearer token of `/metrics`, or null when metrics are not served. */
  metricsToken: string | null;
  /** Honour X-Forwarded-For / -Proto from a reverse proxy. */
  trustProxy: boolean;
  /** Default lifetime of user tokens for new apps. */
  tokenTtlSeconds: number;
  consoleTokenTtlSeconds: number;
  /** How far a signed request's time_stamp may be from server time. */
  signatureWindowSeconds: number;
  /** How long a rotated-out app secret keeps working by default. */
  secretRotationGraceSeconds: number;
  /** Largest message content, as UTF-8 JSON. */
  maxMessageBytes: number;
  /** Largest request body. */
  maxBodyBytes: number;
  /** Default group size limit for new apps. */
  maxGroupMembers: number;
  /** scrypt N for console passwords. */
  passwordScryptCost: number;
  /** Default recall windows for new apps: the sender's, and a group owner's or admin's. */
  recallWindowSeconds: number;
  adminRecallWindowSeconds: number;
  /** Default login policy for new apps. */
  loginPolicy: LoginPolicy;
  /** Heartbeat: how often the server pings a device, and how long it waits for the pong. */
  socketPingIntervalMs: number;
  socketPingTimeoutMs: number;
  /** Most bytes a connection may hold unsent before it is dropped as a slow consumer. */
  socketSendBufferMaxBytes: number;
  /** Nice value of the helper threads (Linux), 0 to leave them. */
  helperThreadNice: number;
  /** Defaults for new apps: presence scope, rate limits and quotas. */
  presenceScope: PresenceScope;
  messagePolicy: MessagePolicy;
  apiRequestsPerSecond: number;
  userSendsPerSecond: number;
  userSignalsPerSecond: number;
  maxUsersPerApp: number;
  maxGroupsPerApp: number;
  maxAppsPerTenant: number;
  /** Largest body of a signed request. */
  signedBodyMaxBytes: number;
  /** Console password hashing: how many at once, how many may wait. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** Console sign-up and login attempts per IP and per email, per window. */
  consoleAuthPerIp: number;
  consoleAuthPerEmail: number;
  consoleAuthWindowSeconds: number;
}

/** Thrown when the environment is invalid; lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment. Empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // One line per variable: its first problem is enough to fix it.
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (!problems.has(name)) problems.set(name, `${name}=${JSON.stringify(env[name])}: ${issue.message}`);
    }
    throw new ConfigError([...problems.values()]);
  }
  const e = parsed.data;
  if (e.SIGNED_BODY_MAX_BYTES < e.MAX_MESSAGE_BYTES + 4096) {
    throw new ConfigError([
      `SIGNED_BODY_MAX_BYTES=${e.SIGNED_BODY_MAX_BYTES}: must be at least MAX_MESSAGE_BYTES + 4096 (${e.MAX_MESSAGE_BYTES + 4096}), or the largest message could not be sent`,
    ]);
  }
  // A healthy device asking for a history page of the largest messages must fit, or it would be dropped on every try.
  if (e.SOCKET_SEND_BUFFER_MAX_BYTES < Limits.MESSAGE_PAGE_MAX * e.MAX_MESSAGE_BYTES) {
    throw new ConfigError([
      `SOCKET_SEND_BUFFER_MAX_BYTES=${e.SOCKET_SEND_BUFFER_MAX_BYTES}: must be at least ${Limits.MESSAGE_PAGE_MAX} × MAX_MESSAGE_BYTES (${Limits.MESSAGE_PAGE_MAX * e.MAX_MESSAGE_BYTES}), or a page of the largest messages could not be read`,
    ]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    store: storeChoice(e.STORE, e.MONGODB_URL, e.DATA_DIR, e.SQLITE_SYNCHRONOUS),
    files: fileStorageChoice(e),
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    consoleDir: e.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    imageProcessingConcurrency: e.IMAGE_PROCESSING_CONCURRENCY,
    redisUrl: e.REDIS_URL ?? null,
    metricsToken: e.METRICS_TOKEN ?? null,
    trustProxy: e.TRUST_PROXY,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    consoleTokenTtlSeconds: e.CONSOLE_TOKEN_TTL_SECONDS,
    signatureWindowSeconds: e.SIGNATURE_WINDOW_SECONDS,
    secretRotationGraceSeconds: e.SECRET_ROTATION_GRACE_SECONDS,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxGroupMembers: e.MAX_GROUP_MEMBERS,
    passwordScryptCost: e.PASSWORD_SCRYPT_COST,
    recallWindowSeconds: e.RECALL_WINDOW_SECONDS,
    adminRecallWindowSeconds: e.ADMIN_RECALL_WINDOW_SECONDS,
    loginPolicy: e.LOGIN_POLICY,
    socketPingIntervalMs: e.SOCKET_PING_INTERVAL_MS,
    socketPingTimeoutMs: e.SOCKET_PING_TIMEOUT_MS,
    socketSendBufferMaxBytes: e.SOCKET_SEND_BUFFER_MAX_BYTES,
    helperThreadNice: e.HELPER_THREAD_NICE,
    presenceScope: e.PRESENCE_SCOPE,
    messagePolicy: e.MESSAGE_POLICY,
    apiRequestsPerSecond: e.API_REQUESTS_PER_SECOND,
    userSendsPerSecond: e.USER_SENDS_PER_SECOND,
    userSignalsPerSecond: e.USER_SIGNALS_PER_SECOND,
    maxUsersPerApp: e.MAX_USERS_PER_APP,
    maxGroupsPerApp: e.MAX_GROUPS_PER_APP,
    maxAppsPerTenant: e.MAX_APPS_PER_TENANT,
    signedBodyMaxBytes: e.SIGNED_BODY_MAX_BYTES,
    passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
    passwordHashQueue: e.PASSWORD_HASH_QUEUE,
    consoleAuthPerIp: e.CONSOLE_AUTH_PER_IP,
    consoleAuthPerEmail: e.CONSOLE_AUTH_PER_EMAIL,
    consoleAuthWindowSeconds: e.CONSOLE_AUTH_WINDOW_SECONDS,
  };
}

/** `STORE`, or what `MONGODB_URL` implies; a choice that contradicts itself is refused. */
function storeChoice(kind: (typeof STORE_KINDS)[number] | undefined, mongodbUrl: string | undefined, dataDir: string, sync: 'normal' | 'full'): StoreChoice {
  const chosen = kind ?? (mongodbUrl === undefined ? 'sqlite' : 'mongodb');
  if (chosen === 'mongodb') {
    if (mongodbUrl === undefined) throw new ConfigError(['STORE=mongodb: needs MONGODB_URL, the connection string of the MongoDB server']);
    return { kind: 'mongodb', url: mongodbUrl };
  }
  if (mongodbUrl !== undefined) {
    throw new ConfigError([`STORE=${chosen}: MONGODB_URL is set too, which selects the mongodb store; unset one of them`]);
  }
  return chosen === 'memory' ? { kind: 'memory' } : { kind: 'sqlite', dataDir, sync };
}

/** `FILE_STORAGE`, or what `OSS_BUCKET` implies; OSS needs all four of its credentials. */
function fileStorageChoice(e: z.infer<typeof envSchema>): FileStorageChoice {
  const chosen = e.FILE_STORAGE ?? (e.OSS_BUCKET === undefined ? 'local' : 'oss');
  if (chosen === 'local') return { kind: 'local', dir: e.FILES_DIR ?? join(e.DATA_DIR, 'uploads') };
  const { OSS_REGION: region, OSS_BUCKET: bucket, OSS_ACCESS_KEY_ID: accessKeyId, OSS_ACCESS_KEY_SECRET: accessKeySecret } = e;
  if (region === undefined || bucket === undefined || accessKeyId === undefined || accessKeySecret === undefined) {
    const missing = Object.entries({ OSS_REGION: region, OSS_BUCKET: bucket, OSS_ACCESS_KEY_ID: accessKeyId, OSS_ACCESS_KEY_SECRET: accessKeySecret })
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    throw new ConfigError([`FILE_STORAGE=oss: needs ${missing.join(', ')}`]);
  }
  return {
    kind: 'oss',
    region,
    bucket,
    accessKeyId,
    accessKeySecret,
    ...(e.OSS_ENDPOINT === undefined ? {} : { endpoint: e.OSS_ENDPOINT }),
    ...(e.OSS_PUBLIC_URL === undefined ? {} : { publicBaseUrl: e.OSS_PUBLIC_URL.replace(/\/+$/, '') }),
  };
}
