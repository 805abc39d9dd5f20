import { Writable } from 'node:stream';
import type { AppSettings, ConsoleApp } from '@parley/sdk/protocol';
import { ParleyServerApi } from '@parley/sdk/server';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { composeServer, type ComposeOverrides, type ParleyServer } from '../../src/compose.js';
import { allRoutes } from '../../src/http/app.js';

/** Real time plus an offset the test can move forward. */
export class TestClock {
  #offset = 0;
  now(): number {
    return Date.now() + this.#offset;
  }
  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** Every log line the server wrote, as text, so tests can check what is (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestServer {
  url: string;
  server: ParleyServer;
  clock: TestClock;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * A real Parley server on 127.0.0.1 and a free port, with the embedded adapters, a movable clock
 * and a cheap password KDF (the real cost is a deployment setting, not a behaviour).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  overrides: Omit<ComposeOverrides, 'clock' | 'logger'> = {},
): Promise<TestServer> {
  // Tests sign up many tenants from one address; the rate-limit tests set the limit they check.
  const config: Config = loadConfig({ PASSWORD_SCRYPT_COST: '1024', CONSOLE_AUTH_PER_IP: '100000', ...env });
  const clock = new TestClock();
  const logs = new LogCapture();
  const logger = pino({ level: 'info' }, logs);
  const server = composeServer(config, { ...overrides, clock, logger });
  const address = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${address.port}`, server, clock, logs, close: () => server.close() };
}

/** The parsed JSON of a response with its status. */
export interface JsonResponse<T = any> {
  status: number;
  body: T;
}

export async function call<T = any>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body: body as T };
}

export function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return call<T>(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A tenant account with a console token. */
export interface Tenant {
  email: string;
  token: string;
  auth: Record<string, string>;
}

let tenantCounter = 0;

export async function signUpTenant(url: string): Promise<Tenant> {
  const email = `tenant${++tenantCounter}-${Date.now()}@example.com`;
  const { status, body } = await postJson(`${url}/console/signup`, { email, password: 'correct horse battery' });
  if (status !== 200) throw new Error(`signup failed: ${JSON.stringify(body)}`);
  return { email, token: body.data.token, auth: { authorization: `Bearer ${body.data.token}` } };
}

/** An app of a tenant, with its credentials and a signed API client. */
export interface TestApp {
  appId: string;
  appSecret: string;
  api: ParleyServerApi;
  tenant: Tenant;
}

/** Creates an app (and a tenant when none is given); its API client signs with the server's clock. */
export async function createApp(t: TestServer, tenant?: Tenant): Promise<TestApp> {
  const owner = tenant ?? (await signUpTenant(t.url));
  const { status, body } = await postJson(`${t.url}/app/create`, { appName: 'Test app', description: 'for tests' }, owner.auth);
  if (status !== 200) throw new Error(`app create failed: ${JSON.stringify(body)}`);
  const { appId, appSecret } = body.data as { appId: string; appSecret: string };
  const api = new ParleyServerApi({ baseUrl: t.url, appId, appSecret, maxRetries: 0, now: () => t.clock.now(), fetch: conformingFetch(t) });
  return { appId, appSecret, api, tenant: owner };
}

/** Changes an app's settings through the console, as its tenant admin would; returns the app as the console answers it. */
export async function changeAppSettings(t: TestServer, app: TestApp, settings: Partial<AppSettings>): Promise<ConsoleApp> {
  const res = await fetch(`${t.url}/console/apps/${app.appId}`, {
    method: 'PATCH',
    headers: { ...app.tenant.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ settings }),
  });
  const body = (await res.json()) as { data: ConsoleApp };
  if (res.status !== 200) throw new Error(`settings change failed: ${JSON.stringify(body)}`);
  return body.data;
}

/** Registers users by id (name = id upper-cased) and returns their tokens. */
export async function createUsers(app: TestApp, ...userIds: readonly string[]): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const userId of userIds) {
    tokens[userId] = (await app.api.getToken({ userId, name: userId.toUpperCase(), avatarUri: `https://cdn.example.com/${userId}.png` })).token;
  }
  return tokens;
}

/**
 * What most tests start from: a real server, a tenant with one app, and some registered users
 * with their tokens. Gateway and SDK test worlds build on it.
 */
export interface TestWorld {
  t: TestServer;
  app: TestApp;
  /** userId -> a token minted for it. */
  tokens: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestWorld(
  userIds: readonly string[] = [],
  env: Record<string, string> = {},
  overrides: Omit<ComposeOverrides, 'clock' | 'logger'> = {},
): Promise<TestWorld> {
  const t = await startTestServer(env, overrides);
  const app = await createApp(t);
  const tokens = await createUsers(app, ...userIds);
  return { t, app, tokens, close: () => t.close() };
}

/**
 * `fetch` for the test API clients: every successful answer is checked against the output schema
 * its route declares (the one the OpenAPI document shows), so no HTTP test passes on data the
 * reference does not describe.
 */
function conformingFetch(t: TestServer): typeof fetch {
  const routes = allRoutes(t.server.services);
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const route = routes.find((r) => r.path === url.pathname && r.method === (init?.method ?? 'GET'));
    if (!route || response.status !== 200) return response;
    const body = (await response.clone().json()) as { data?: unknown };
    const checked = route.output === null ? (body.data === null ? null : 'expected data: null') : route.output.safeParse(body.data).error?.message;
    if (checked) throw new Error(`${route.method} ${route.path} answered data off its declared output schema: ${checked}`);
    return response;
  };
}
