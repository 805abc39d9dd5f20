import { randomBytes, randomUUID } from 'node:crypto';
import { ClientErrorCode, ParleyError } from '../errors.js';
import { ErrorCode, type Envelope } from '../protocol/errors.js';
import type {
  CreateGroupRequest,
  GetTokenRequest,
  GroupIdRequest,
  GroupMembersChangeRequest,
  OpenApiPath,
  OpenApiRoutes,
  RevokeTokensRequest,
  RecallMessageRequest,
  SendMessageRequest,
  SessionMessagesRequest,
  UserSessionsRequest,
} from '../protocol/open-api.js';
import { computeSign, toSignedFields } from './signature.js';

/** Options of {@link ParleyServerApi}. */
export interface ParleyServerApiOptions {
  /** Where the Parley server listens, e.g. `https://im.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  appId: string;
  /** Keep it on your backend: anyone holding it can act as your app. */
  appSecret: string;
  /** Per-attempt timeout in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * How many times a retry-safe request (reads, sends, token and membership changes) is tried
   * again after a network error, a timeout, 429 or 500. Each attempt is signed anew.
   * Default 2; 0 disables retries.
   */
  maxRetries?: number;
  /** Replacement for the global `fetch` (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
  /** Source of the current time in milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** Paths that are safe to send twice: a repeat leaves the same state as one call. */
const RETRY_SAFE: ReadonlySet<OpenApiPath> = new Set<OpenApiPath>([
  '/user/getToken',
  '/user/revokeTokens',
  '/user/sessions',
  '/group/join',
  '/group/remove',
  '/group/members',
  '/group/info',
  '/private/send/message',
  '/group/send/message',
  '/session/messages',
  '/message/recall',
]);

const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 3_000;

/**
 * Signed client of the open API, for tenant backends (Node 18+).
 *
 * Every method signs its request with the app secret, sends it and resolves with the `data` of
 * the envelope, or rejects with a {@link ParleyError} that carries the server's error `code`.
 * Sends get a `clientMsgId` when you give none, so a retried send is stored once.
 *
 * @example
 * ```ts
 * import { ParleyServerApi } from '@parley/sdk/server';
 *
 * const api = new ParleyServerApi({ baseUrl: 'http://127.0.0.1:3000', appId, appSecret });
 * const { token } = await api.getToken({ userId: 'u1', name: 'Alice', avatarUri: '' });
 * await api.sendPrivateMessage({ senderUserId: 'u1', targetId: 'u2', messageType: 1, content: { content: 'hi' } });
 * ```
 */
export class ParleyServerApi {
  readonly #baseUrl: string;
  readonly #appId: string;
  readonly #appSecret: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: ParleyServerApiOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#appId = options.appId;
    this.#appSecret = options.appSecret;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  /** Creates the user (or updates name and avatar) and mints a token for the end-user SDK. */
  getToken(request: GetTokenRequest) {
    return this.request('/user/getToken', request);
  }

  /** Revokes every token of a user: connected devices are refused from now on. */
  revokeTokens(request: RevokeTokensRequest) {
    return this.request('/user/revokeTokens', request);
  }

  /** The user's conversation list, most recent first, with unread counts. */
  getUserSessions(request: UserSessionsRequest) {
    return this.request('/user/sessions', request);
  }

  /** Creates a group; every user in `userIds` must exist. */
  createGroup(request: CreateGroupRequest) {
    return this.request('/group/create', request);
  }

  /** Adds users to a group; users already in it are skipped. */
  joinGroup(request: GroupMembersChangeRequest) {
    return this.request('/group/join', request);
  }

  /** Removes users from a group; removing the owner hands the group to the next admin or member. */
  removeGroupMembers(request: GroupMembersChangeRequest) {
    return this.request('/group/remove', request);
  }

  /** Deletes a group with its members' sessions and its history. */
  dismissGroup(request: GroupIdRequest) {
    return this.request('/group/dismiss', request);
  }

  /** Members of a group with their roles, in join order. */
  getGroupMembers(request: GroupIdRequest) {
    return this.request('/group/members', request);
  }

  /** A group's name, avatar, owner and size. */
  getGroupInfo(request: GroupIdRequest) {
    return this.request('/group/info', request);
  }

  /** Stores a one-to-one message from `senderUserId` to `targetId` and returns it. */
  sendPrivateMessage(request: SendMessageRequest) {
    return this.request('/private/send/message', withClientMsgId(request));
  }

  /** Stores a message in group `targetId`; the sender must be a member. */
  sendGroupMessage(request: SendMessageRequest) {
    return this.request('/group/send/message', withClientMsgId(request));
  }

  /** A page of history, newest first; pass the last `msgId` as `lastmsgId` for the next page. */
  getSessionMessages(request: SessionMessagesRequest) {
    return this.request('/session/messages', request);
  }

  /** Recalls a message, as `userId` (their rights and windows apply) or as the backend (any message, any time). */
  recallMessage(request: RecallMessageRequest) {
    return this.request('/message/recall', request);
  }

  /**
   * Calls any open-API route by path with typed fields and result. The named methods above are
   * thin wrappers around this.
   */
  async request<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    const attempts = RETRY_SAFE.has(path) ? this.#maxRetries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(path, fields);
      } catch (error) {
        if (!(error instanceof ParleyError) || !error.retryable || attempt >= attempts) throw error;
        // Full-jitter exponential backoff spreads retries of many callers over time.
        const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
        await sleep(Math.random() * ceiling);
      }
    }
  }

  /** Signs `fields` as the open API expects; exposed for callers that send requests themselves. */
  sign(fields: object): Record<string, unknown> {
    const params: Record<string, unknown> = {
      ...(fields as Record<string, unknown>),
      app_id: this.#appId,
      time_stamp: String(Math.floor(this.#now() / 1000)),
      nonce_str: randomBytes(12).toString('hex'),
    };
    params.sign = computeSign(params, this.#appSecret);
    return params;
  }

  async #attempt<P extends OpenApiPath>(path: P, fields: OpenApiRoutes[P]['request']): Promise<OpenApiRoutes[P]['response']> {
    const params = this.sign(fields);
    const method = METHODS[path];
    let url = `${this.#baseUrl}${path}`;
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.#timeoutMs), headers: { accept: 'application/json' } };
    if (method === 'GET') {
      url += `?${toSignedFields(params)}`;
    } else {
      init.body = JSON.stringify(params);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }

    let response: Response;
    try {
      response = await this.#fetch(url, init);
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      throw new ParleyError(
        timedOut ? ClientErrorCode.TIMEOUT : ClientErrorCode.NETWORK_ERROR,
        timedOut ? `${method} ${path} timed out after ${this.#timeoutMs} ms` : `${method} ${path} failed: ${String(cause)}`,
        { cause },
      );
    }
    return readEnvelope(response, `${method} ${path}`);
  }
}

const METHODS: { readonly [P in OpenApiPath]: OpenApiRoutes[P]['method'] } = {
  '/user/getToken': 'POST',
  '/user/revokeTokens': 'POST',
  '/user/sessions': 'GET',
  '/group/create': 'POST',
  '/group/join': 'POST',
  '/group/remove': 'POST',
  '/group/dismiss': 'POST',
  '/group/members': 'GET',
  '/group/info': 'GET',
  '/private/send/message': 'POST',
  '/group/send/message': 'POST',
  '/session/messages': 'GET',
  '/message/recall': 'POST',
};

function withClientMsgId(request: SendMessageRequest): SendMessageRequest {
  return request.clientMsgId === undefined ? { ...request, clientMsgId: randomUUID() } : request;
}

async function readEnvelope<T>(response: Response, what: string): Promise<T> {
  let body: Envelope<T>;
  try {
    body = (await response.json()) as Envelope<T>;
  } catch (cause) {
    throw new ParleyError(ClientErrorCode.BAD_RESPONSE, `${what}: HTTP ${response.status} without a JSON body`, {
      status: response.status,
      cause,
    });
  }
  if (body?.status === 1) return body.data;
  if (body?.status === 0 && typeof body.code === 'string') {
    throw new ParleyError(body.code, body.message, { status: response.status });
  }
  const code = response.status >= 500 ? ErrorCode.INTERNAL : ClientErrorCode.BAD_RESPONSE;
  throw new ParleyError(code, `${what}: HTTP ${response.status} with an unexpected body`, { status: response.status });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
