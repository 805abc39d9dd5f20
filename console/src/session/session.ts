import { reactive, readonly } from 'vue';
import { useCredentials } from '../api/client';
import { forgetSecrets } from './secrets';

/**
 * The signed-in tenant. The console token lives in sessionStorage: it survives a reload of the
 * tab but not closing it, and other tabs do not share it.
 */

const STORAGE_KEY = 'parley.console.session';

interface StoredSession {
  token: string;
  expiresAt: number;
  email: string;
}

interface SessionState {
  session: StoredSession | null;
  /** Shown on the login screen once: why the tenant landed there. */
  notice: string | null;
}

const state = reactive<SessionState>({ session: load(), notice: null });

function load(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    if (!isStoredSession(parsed) || parsed.expiresAt <= Date.now()) {
      sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return parsed;
  } catch {
    // Storage may be disabled (privacy mode); the console then works until the tab reloads.
    return null;
  }
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['token'] === 'string' && typeof record['expiresAt'] === 'number' && typeof record['email'] === 'string';
}

function store(session: StoredSession | null): void {
  state.session = session;
  try {
    if (session === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // See load(): memory only.
  }
}

export const session = readonly(state);

export function signedIn(email: string, token: string, expiresAt: number): void {
  state.notice = null;
  store({ token, expiresAt, email });
}

/** Ends the session locally; `notice` tells the tenant why on the login screen. */
export function signedOut(notice: string | null): void {
  forgetSecrets();
  store(null);
  state.notice = notice;
}

export function clearNotice(): void {
  state.notice = null;
}

useCredentials({
  token() {
    const current = state.session;
    if (current === null) return null;
    if (current.expiresAt <= Date.now()) {
      signedOut('Your session has expired. Log in again.');
      return null;
    }
    return current.token;
  },
  onTokenRejected() {
    signedOut('Your session has ended (expired or logged out elsewhere). Log in again.');
  },
});
