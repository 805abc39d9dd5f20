import { randomBytes } from 'node:crypto';
import { ParleyError, ParleyServerApi } from '@parley/sdk/server';
import { ConsoleApiError, ConsoleClient } from './console-client.js';
import { SEED_GROUP, SEED_USERS } from './directory.js';
import { loadState, saveState, type DemoState } from './state-file.js';

const DEMO_EMAIL = 'demo@parley.local';
const APP_NAME = 'Parley demo';
const APP_DESCRIPTION = 'The demo chat (demo-vue): users alice, bob, carol and dave';

export type Log = (line: string) => void;

export function serverApi(parleyUrl: string, state: DemoState): ParleyServerApi {
  return new ParleyServerApi({ baseUrl: parleyUrl, appId: state.appId, appSecret: state.appSecret });
}

function code(error: unknown): string | null {
  return error instanceof ParleyError || error instanceof ConsoleApiError ? error.code : null;
}

const randomPassword = () => randomBytes(18).toString('base64url');

/** Signs up `email`, or, when it is taken by an account we have no password for, a fresh address. */
async function signUp(consoleApi: ConsoleClient, email: string, password: string, log: Log): Promise<{ token: string; email: string }> {
  try {
    return { token: await consoleApi.signup(email, password), email };
  } catch (error) {
    if (code(error) !== 'CONFLICT') throw error;
    const fresh = `demo-${randomBytes(4).toString('hex')}@parley.local`;
    log(`demo: ${email} already has an account this demo has no password for; signing up ${fresh} instead`);
    return { token: await consoleApi.signup(fresh, password), email: fresh };
  }
}

async function newApp(consoleApi: ConsoleClient, token: string, email: string, password: string): Promise<DemoState> {
  const app = await consoleApi.createApp(token, APP_NAME, APP_DESCRIPTION);
  return { email, password, appId: app.appId, appSecret: app.appSecret };
}

/** A signed call that proves the app and secret work (and registers a seed user on the way). */
async function probe(api: ParleyServerApi): Promise<string | null> {
  try {
    await api.getToken({ userId: SEED_USERS[0]!.userId, name: SEED_USERS[0]!.name, avatarUri: '' });
    return null;
  } catch (error) {
    const refused = code(error);
    if (refused === 'UNKNOWN_APP' || refused === 'SIGNATURE_INVALID') return refused;
    throw error;
  }
}

/**
 * The saved account and app when they still work; else what it takes to get working ones again:
 * the app's secret read again (rotated in the console), a new app on the same account (the app
 * was deleted), or the account signed up again (the server's data was reset).
 */
async function repair(consoleApi: ConsoleClient, saved: DemoState, refusal: string, log: Log): Promise<DemoState> {
  let token: string;
  try {
    token = await consoleApi.login(saved.email, saved.password);
  } catch (error) {
    if (code(error) !== 'CREDENTIALS_INVALID') throw error;
    log(`demo: the account ${saved.email} is gone from this Parley server; creating it again`);
    const account = await signUp(consoleApi, saved.email, saved.password, log);
    return newApp(consoleApi, account.token, account.email, saved.password);
  }
  if (refusal === 'SIGNATURE_INVALID') {
    try {
      const appSecret = await consoleApi.revealSecret(token, saved.appId, saved.password);
      log('demo: the app secret changed (rotated in the console?); using the current one');
      return { ...saved, appSecret };
    } catch (error) {
      log(`demo: could not read the app secret again (${error instanceof Error ? error.message : String(error)}); creating a new app`);
    }
  } else {
    log(`demo: the app ${saved.appId} is gone; creating a new one`);
  }
  return newApp(consoleApi, token, saved.email, saved.password);
}

/** Makes sure the demo tenant, its app and the state file exist; returns the working state. */
export async function ensureApp(parleyUrl: string, stateFile: string, log: Log): Promise<DemoState> {
  const consoleApi = new ConsoleClient(parleyUrl);
  const saved = await loadState(stateFile);
  let state: DemoState;
  if (saved) {
    const refusal = await probe(serverApi(parleyUrl, saved));
    if (refusal === null) return saved;
    state = await repair(consoleApi, saved, refusal, log);
  } else {
    const password = randomPassword();
    const account = await signUp(consoleApi, DEMO_EMAIL, password, log);
    state = await newApp(consoleApi, account.token, account.email, password);
    log(`demo: signed up ${account.email} and created the app "${APP_NAME}" (${state.appId})`);
  }
  await saveState(stateFile, state);
  return state;
}

/** Registers the seed users and creates the seed group with a first message, unless it exists. */
export async function seed(api: ParleyServerApi): Promise<void> {
  for (const user of SEED_USERS) await api.getToken({ userId: user.userId, name: user.name, avatarUri: '' });
  try {
    await api.createGroup({ groupId: SEED_GROUP.groupId, name: SEED_GROUP.name, userIds: [...SEED_GROUP.memberIds], ownerId: SEED_GROUP.ownerId });
  } catch (error) {
    if (code(error) === 'CONFLICT') return;
    throw error;
  }
  await api.sendGroupMessage({
    senderUserId: SEED_GROUP.ownerId,
    targetId: SEED_GROUP.groupId,
    messageType: 1,
    content: { content: 'Welcome to the book club! This month: "The Left Hand of Darkness" 📚' },
  });
}

/** Runs `task` again while Parley cannot be reached yet (it may still be starting), up to `timeoutMs`. */
export async function whenReachable<T>(task: () => Promise<T>, timeoutMs: number, log: Log): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      return await task();
    } catch (error) {
      const transient = error instanceof TypeError || ['NETWORK_ERROR', 'TIMEOUT', 'SERVER_BUSY', 'UNAVAILABLE', 'RATE_LIMITED'].includes(code(error) ?? '');
      if (!transient || Date.now() > deadline) throw error;
      if (!announced) log(`demo: waiting for Parley (${error instanceof Error ? error.message : String(error)})`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
