import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParleyError, type ParleyServerApi } from '@parley/sdk/server';
import type { Directory } from './directory.js';
import { HttpError, nameField, readJson, sendJson, userIdField, userIdsField } from './http-util.js';

/** Most member ids one group request may name. */
const MAX_MEMBERS_PER_REQUEST = 50;
const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface ApiContext {
  api: ParleyServerApi;
  directory: Directory;
  appId: string;
  parleyPublicUrl: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: { groupId?: string; query: URLSearchParams }) => Promise<void>;

/** Parley's refusal, passed on with its code; anything unexpected becomes a 502. */
function fromParley(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ParleyError) {
    const status = error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 ? error.status : 502;
    return new HttpError(status, error.code, error.message);
  }
  return new HttpError(500, 'INTERNAL', 'the demo backend failed; see its output');
}

/** Only a member may look at or add to a group. */
async function requireMember(ctx: ApiContext, groupId: string, userId: string) {
  const members = await ctx.api.getGroupMembers({ groupId });
  if (!members.some((member) => member.userId === userId)) throw new HttpError(403, 'FORBIDDEN', `${userId} is not a member of this group`);
  return members;
}

function groupIdParam(value: string | undefined): string {
  if (value === undefined || !GROUP_ID.test(value)) throw new HttpError(400, 'INVALID_PARAMS', 'groupId: 1-64 letters, digits, "_" or "-"');
  return value;
}

export function apiRoutes(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const config: Handler = async (_req, res) => sendJson(res, 200, { parleyUrl: ctx.parleyPublicUrl, appId: ctx.appId });

  const users: Handler = async (_req, res) => sendJson(res, 200, { users: ctx.directory.list() });

  const login: Handler = async (req, res) => {
    const body = await readJson(req);
    const userId = userIdField(body['userId'], 'userId');
    const name = ctx.directory.nameFor(userId, nameField(body['name'], 'name', false));
    const { token, expiresAt } = await ctx.api.getToken({ userId, name, avatarUri: '' });
    ctx.directory.remember({ userId, name });
    sendJson(res, 200, { token, userId, name, expiresAt });
  };

  const createGroup: Handler = async (req, res) => {
    const body = await readJson(req);
    const userId = userIdField(body['userId'], 'userId');
    const name = nameField(body['name'], 'name', true)!;
    const memberIds = userIdsField(body['memberIds'], 'memberIds', MAX_MEMBERS_PER_REQUEST);
    const userIds = memberIds.includes(userId) ? memberIds : [userId, ...memberIds];
    const groupId = `g-${randomBytes(6).toString('hex')}`;
    await ctx.api.createGroup({ groupId, name, userIds, ownerId: userId, avatarUri: '' });
    sendJson(res, 200, { groupId, name });
  };

  const listMembers: Handler = async (_req, res, { groupId, query }) => {
    const id = groupIdParam(groupId);
    const userId = userIdField(query.get('userId') ?? undefined, 'userId');
    const members = await requireMember(ctx, id, userId);
    sendJson(res, 200, { members: members.map((m) => ({ userId: m.userId, name: m.name, role: m.role })) });
  };

  const addMembers: Handler = async (req, res, { groupId }) => {
    const id = groupIdParam(groupId);
    const body = await readJson(req);
    const userId = userIdField(body['userId'], 'userId');
    const memberIds = userIdsField(body['memberIds'], 'memberIds', MAX_MEMBERS_PER_REQUEST);
    await requireMember(ctx, id, userId);
    const result = await ctx.api.joinGroup({ groupId: id, userIds: memberIds });
    sendJson(res, 200, { groupId: id, added: result.changed, memberCount: result.memberCount });
  };

  const routes: { pattern: RegExp; methods: Record<string, Handler> }[] = [
    { pattern: /^\/demo-api\/config$/, methods: { GET: config } },
    { pattern: /^\/demo-api\/users$/, methods: { GET: users } },
    { pattern: /^\/demo-api\/login$/, methods: { POST: login } },
    { pattern: /^\/demo-api\/groups$/, methods: { POST: createGroup } },
    { pattern: /^\/demo-api\/groups\/([^/]+)\/members$/, methods: { GET: listMembers, POST: addMembers } },
  ];

  return async (req, res, url) => {
    try {
      const route = routes.find((r) => r.pattern.test(url.pathname));
      if (!route) throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname}`);
      const handler = route.methods[req.method ?? ''];
      if (!handler) {
        res.setHeader('allow', Object.keys(route.methods).join(', '));
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
      }
      const match = route.pattern.exec(url.pathname)!;
      let groupId: string | undefined;
      try {
        groupId = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
      } catch {
        throw new HttpError(400, 'INVALID_PARAMS', 'groupId: malformed');
      }
      await handler(req, res, { ...(groupId === undefined ? {} : { groupId }), query: url.searchParams });
    } catch (error) {
      const refusal = fromParley(error);
      if (refusal.status >= 500) process.stderr.write(`demo: ${req.method} ${url.pathname} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!req.complete) {
        // A body we stopped reading (too large) is not worth waiting for: answer, then hang up.
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
      }
      sendJson(res, refusal.status, { error: { code: refusal.code, message: refusal.message } });
    }
  };
}
