/** The demo backend's JSON API (demo-vue/server): config, users, tokens and groups. */

export interface DemoConfig {
  parleyUrl: string;
  appId: string;
}

export interface DemoUser {
  userId: string;
  name: string;
}

export interface LoginResult {
  token: string;
  userId: string;
  name: string;
  expiresAt: number;
}

export interface GroupMemberInfo {
  userId: string;
  name: string;
  role: string;
}

export class DemoApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new DemoApiError('NETWORK_ERROR', 'The demo backend cannot be reached.');
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new DemoApiError('BAD_RESPONSE', `The demo backend answered HTTP ${response.status}.`);
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } }).error;
    throw new DemoApiError(error?.code ?? 'ERROR', error?.message ?? `HTTP ${response.status}`);
  }
  return json as T;
}

export const demoApi = {
  config: () => call<DemoConfig>('GET', '/demo-api/config'),
  users: async () => (await call<{ users: DemoUser[] }>('GET', '/demo-api/users')).users,
  login: (userId: string, name?: string) => call<LoginResult>('POST', '/demo-api/login', name ? { userId, name } : { userId }),
  createGroup: (userId: string, name: string, memberIds: string[]) =>
    call<{ groupId: string; name: string }>('POST', '/demo-api/groups', { userId, name, memberIds }),
  groupMembers: async (groupId: string, userId: string) =>
    (await call<{ members: GroupMemberInfo[] }>('GET', `/demo-api/groups/${encodeURIComponent(groupId)}/members?userId=${encodeURIComponent(userId)}`)).members,
  addMembers: (groupId: string, userId: string, memberIds: string[]) =>
    call<{ groupId: string; added: string[]; memberCount: number }>('POST', `/demo-api/groups/${encodeURIComponent(groupId)}/members`, { userId, memberIds }),
};

/** The same rule as the backend's: 1-32 letters, digits, `_` or `-`. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** "bob, carol dave" -> ['bob', 'carol', 'dave']. */
export function parseUserIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter((id) => id !== ''))];
}
