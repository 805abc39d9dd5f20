/**
 * Renders docs/reference/socket.md from the socket request and push declarations of the server
 * (name, schemas, reference text, errors, examples) and the narrative in
 * scripts/templates/socket.md. Generated, never edited by hand.
 */
import { readFileSync } from 'node:fs';
import { Limits, Platform, TokenRefusal, TYPING_INTERVAL_MS } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Config } from '../server/src/config.js';
import { PRESENCE_SUBSCRIPTIONS_MAX } from '../server/src/domain/presence/presence-service.js';
import type { SocketPush, SocketRateLimit, SocketRequest } from '../server/src/realtime/socket-request.js';
import { SENDABLE_MESSAGE_TYPE_NAMES } from '../server/src/schemas/common.js';
import { handshakeAuth, SYNC_PAGE_MAX } from '../server/src/schemas/realtime.js';
import { fieldTable, modelRows, objectRows, refName, type Schema } from './schema-markdown.js';

/** What each refusal reason means, for the handshake section. */
const TOKEN_REFUSALS: Record<TokenRefusal, string> = {
  [TokenRefusal.UNKNOWN]: 'no token of this app has this value (mistyped, minted for another app, or its user was deleted)',
  [TokenRefusal.EXPIRED]: 'the token reached its expiry',
  [TokenRefusal.REVOKED]: 'your backend revoked it with `POST /user/revokeTokens`',
};

/** Collects the models (schemas with an id) the rendered schemas point at. */
class Models {
  readonly found = new Map<string, Schema>();

  json(schema: z.ZodType, io: 'input' | 'output'): Schema {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Schema & {
      $defs?: Record<string, Schema>;
      id?: string;
    };
    for (const [id, def] of Object.entries(json.$defs ?? {})) this.found.set(id, def);
    // A schema that is itself a model is shown as a link to it.
    const id = json.id;
    delete json.$defs;
    if (id) {
      this.found.set(id, json);
      return { $ref: `#/$defs/${id}` };
    }
    return json;
  }
}

const json = (value: unknown) => `\`\`\`json\n${JSON.stringify(value)}\n\`\`\``;

/** A value in words: `a [Message](#message)`, `an array of [Session](#session)`, `null`. */
function described(schema: Schema): string {
  if (schema.$ref) return `a [${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if (schema.type === 'null') return '`null`';
  if (schema.type === 'array' && schema.items) return `an array of ${described(schema.items).replace(/^an? /, '')}`;
  return `\`${schema.type ?? 'any'}\``;
}

function payloadText(schema: Schema): string {
  if (schema.oneOf) {
    // One shape per message type: list the fields once.
    const rows = objectRows(schema.oneOf[0]!).map((row) => {
      if (row.name === 'messageType') return { ...row, schema: { type: 'integer', description: SENDABLE_MESSAGE_TYPE_NAMES } };
      if (row.name === 'content') return { ...row, schema: { type: 'object', description: 'fields depend on `messageType`; see [content by message type](../guides/messages.md#content-by-message-type)' } };
      return row;
    });
    return `An object; one shape per \`messageType\`:\n\n${fieldTable(rows)}`;
  }
  if (schema.anyOf) {
    const object = schema.anyOf.find((option) => option.type === 'object');
    const text = schema.anyOf.find((option) => option.type === 'string');
    const first = object?.required?.[0];
    if (object && text && first) return `The \`${first}\` alone as a string, or an object:\n\n${fieldTable(objectRows(object))}`;
  }
  return `An object:\n\n${fieldTable(objectRows(schema))}`;
}

/** The app setting behind each per-user limit, and its default for new apps. */
function rateLimitSetting(limit: SocketRateLimit, config: Config): { setting: string; defaultPerSecond: number; counts: string } {
  return limit === 'send'
    ? { setting: 'userSendsPerSecond', defaultPerSecond: config.userSendsPerSecond, counts: 'sends' }
    : { setting: 'userSignalsPerSecond', defaultPerSecond: config.userSignalsPerSecond, counts: 'typing and presence requests' };
}

function renderRequest(request: SocketRequest, models: Models, config: Config): string {
  const out = [`<a id="${request.name}-request"></a>`, `### \`${request.name}\``, '', request.summary, ''];
  if (request.input === null) {
    out.push(`**Payload**: none; emit the event with the ack callback alone: \`socket.emit('${request.name}', ack)\`.`, '');
  } else {
    out.push(`**Payload**: ${payloadText(models.json(request.input, 'input'))}`, '');
    out.push(json(request.example.payload), '');
  }
  out.push(`**Ack data**: ${described(models.json(request.output, 'output'))}.`, '', json(request.example.data), '');
  if (request.description) out.push(request.description, '');
  const errors = request.errors.map((error) => `- \`${error.code}\`: ${error.when}.`);
  if (request.rateLimit) {
    const { setting, defaultPerSecond, counts } = rateLimitSetting(request.rateLimit, config);
    out.push(
      `**Rate limit**: \`${setting}\` per user (default ${defaultPerSecond}/s), the user's ${counts} on all their devices together; over it the ack is \`RATE_LIMITED\` with \`retryAfterMs\` (see [rate limits](#rate-limits)).`,
      '',
    );
    errors.push(`- \`RATE_LIMITED\`: over \`${setting}\` (\`… at most <n> per 1 s; retry in <s> s\`). Nothing was done; try again after \`retryAfterMs\`.`);
  }
  out.push(`**Errors**${errors.length === 0 ? ': none beyond `INTERNAL`.' : `:\n\n${errors.join('\n')}`}`);
  return out.join('\n');
}

function renderPush(push: SocketPush, models: Models): string {
  const payload = models.json(push.payload, 'output');
  const out = [`<a id="${push.name}-push"></a>`, `### \`${push.name}\``, '', push.summary, ''];
  out.push(`**Payload**: ${described(payload)}.`, '', json(push.example), '');
  if (push.description) out.push(push.description, '');
  return out.join('\n').trimEnd();
}

function renderModel(name: string, schema: Schema): string {
  const rows = modelRows(schema);
  return `### ${name}\n\n${rows.length > 0 ? fieldTable(rows) : schema.type ? `\`${schema.type}\`` : 'any JSON value'}`;
}

/** The rate-limited requests, one row per limit: `send-private-message`, `send-group-message`. */
function limitedRequests(requests: readonly SocketRequest[], config: Config) {
  return (['send', 'signal'] as const).flatMap((limit) => {
    const names = requests.filter((request) => request.rateLimit === limit).map((request) => `\`${request.name}\``);
    return names.length === 0 ? [] : [{ ...rateLimitSetting(limit, config), names: names.join(', ') }];
  });
}

function renderLimits(requests: readonly SocketRequest[], config: Config): string {
  const handshake = handshakeAuth.shape;
  const rows: [string, string][] = [
    ['one socket.io packet (payload)', `\`MAX_BODY_BYTES\` (default ${config.maxBodyBytes / 1024 / 1024} MiB). A larger packet closes the connection with no ack; socket.io-client then reconnects by itself`],
    ['message `content`', `\`MAX_MESSAGE_BYTES\` (default ${config.maxMessageBytes / 1024} KiB) as UTF-8 JSON; larger is \`INVALID_PARAMS\` on \`content\``],
    ['`session-message-list` page', `1-${Limits.MESSAGE_PAGE_MAX} messages, default ${Limits.MESSAGE_PAGE_DEFAULT}`],
    ['`sync-messages` page', `1-${SYNC_PAGE_MAX} messages, default ${SYNC_PAGE_MAX}`],
    ['`userIds` per presence request', `1-${Limits.USER_IDS_PER_REQUEST_MAX}`],
    ['presence subscriptions per connection', `${PRESENCE_SUBSCRIPTIONS_MAX}, contacts included`],
    ['`typing`', `one relayed per ${TYPING_INTERVAL_MS / 1000} s per device and conversation`],
    ...limitedRequests(requests, config).map(({ setting, defaultPerSecond, names }): [string, string] => [
      names,
      `\`${setting}\` per user, all devices together (default ${defaultPerSecond}/s, a per-app setting); over it \`RATE_LIMITED\` with \`retryAfterMs\``,
    ]),
    ['userId, groupId', `1-${Limits.ID_MAX_LENGTH} characters from \`A-Z a-z 0-9 _ - . @ = +\``],
    ['`clientMsgId`', `1-${Limits.ID_MAX_LENGTH} printable ASCII characters, no spaces`],
    ['`msgId`, `sid`', '24 hex characters'],
    ['handshake `appId` / `token`', `up to ${handshake.appId.maxLength} / ${handshake.token.maxLength} characters`],
  ];
  return ['| what | limit |', '| --- | --- |', ...rows.map(([what, limit]) => `| ${what} | ${limit} |`)].join('\n');
}

const anchorList = (names: readonly string[], suffix: string) => names.map((name) => `[\`${name}\`](#${name}${suffix})`).join(', ');

export function renderSocketReference(
  requests: readonly SocketRequest[],
  pushes: readonly SocketPush[],
  config: Config,
): string {
  const template = readFileSync(new URL('./templates/socket.md', import.meta.url), 'utf8');
  const models = new Models();
  const requestText = requests.map((request) => renderRequest(request, models, config)).join('\n\n');
  const pushText = pushes.map((push) => renderPush(push, models)).join('\n\n');
  // `__schemaN` are zod's names for recursive parts (any JSON value), not models worth a section.
  const modelNames = [...models.found.keys()].filter((name) => !name.startsWith('__')).sort();
  const values: Record<string, string> = {
    requests: requestText,
    pushes: pushText,
    models: modelNames.map((name) => renderModel(name, models.found.get(name)!)).join('\n\n'),
    limits: renderLimits(requests, config),
    'rate-limits': limitedRequests(requests, config)
      .map(({ setting, defaultPerSecond, names }) => `| ${names} | \`${setting}\` | ${defaultPerSecond} |`)
      .join('\n'),
    'toc-requests': anchorList(requests.map((request) => request.name), '-request'),
    'toc-pushes': anchorList(pushes.map((push) => push.name), '-push'),
    'toc-models': modelNames.map((name) => `[${name}](#${name.toLowerCase()})`).join(', '),
    platforms: Object.values(Platform).map((platform) => `\`${platform}\``).join(', '),
    'token-refusals': Object.entries(TOKEN_REFUSALS).map(([reason, meaning]) => `\`${reason}\` (${meaning})`).join(', '),
  };
  const text = template.replace(/\{\{([a-z-]+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`scripts/templates/socket.md: unknown placeholder ${match}`);
    return value;
  });
  return `${text.trimEnd()}\n`;
}
