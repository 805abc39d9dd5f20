import type { ClientRequestName, ClientRequests, ErrorCode, ServerEventName, ServerEvents } from '@parley/sdk/protocol';
import type { z } from 'zod';
import type { AppContext } from '../domain/app-context.js';
import { refuseUnsafeJson } from '../schemas/json-limits.js';
import { parseOptional, type Parsed } from '../schemas/parse.js';
import type { DeviceSocket } from './types.js';

/**
 * A socket request is declared once: name, input and output schemas, handler and its reference
 * text. The gateway registers, validates and answers from the declaration; the schemas are
 * checked against the protocol's types both ways, so a protocol change the server does not follow
 * fails the typecheck; `docs/reference/socket.md` is generated from the same table.
 */

/** One request from one device: the app (with this connection as `origin`), the user, the socket. */
export interface DeviceRequest {
  ctx: AppContext;
  userId: string;
  socket: DeviceSocket;
}

/** A documented failure of a request. */
export interface ErrorDoc {
  code: ErrorCode;
  /** When it happens; quote the message where it helps. */
  when: string;
}

/**
 * Which per-user rate limit a request spends one point of, before its handler runs: `send` is the
 * app setting `userSendsPerSecond`, `signal` is `userSignalsPerSecond`. Counted per user of the
 * app, over all their devices; over it the ack is `RATE_LIMITED` with `retryAfterMs`.
 */
export type SocketRateLimit = 'send' | 'signal';

/** Reference text of a request or push. */
export interface SocketDocs {
  /** One sentence: what it does. */
  summary: string;
  /** Markdown paragraphs shown after the summary. */
  description?: string;
}

type Payload<K extends ClientRequestName> = ClientRequests[K]['payload'];
type Result<K extends ClientRequestName> = ClientRequests[K]['result'];

/** True when schema `S` yields only `T`s and accepts every `T`. */
type Matches<S extends z.ZodType, T> = [T] extends [z.input<S>] ? ([z.output<S>] extends [T] ? true : false) : false;

/**
 * Nothing when the schemas match the protocol both ways; otherwise a required property whose
 * name says what is wrong, so the declaration fails to compile with a readable message.
 */
type ProtocolCheck<K extends ClientRequestName, S extends z.ZodType | null, O extends z.ZodType> = (
  Payload<K> extends void ? (S extends null ? true : false) : S extends z.ZodType ? Matches<S, Payload<K>> : false
) extends true
  ? Matches<O, Result<K>> extends true
    ? unknown
    : { 'output schema differs from the protocol result': Result<K> }
  : { 'input schema differs from the protocol payload': Payload<K> };

export interface SocketRequestDeclaration<K extends ClientRequestName, S extends z.ZodType | null, O extends z.ZodType>
  extends SocketDocs {
  name: K;
  /** The payload's schema; null for a request without payload (`payload: void`). */
  input: S;
  /** The ack data's schema. */
  output: O;
  errors: readonly ErrorDoc[];
  /** The per-user rate limit the request counts against; none when omitted. The gateway applies it, the reference shows it. */
  rateLimit?: SocketRateLimit;
  /** A sample payload (omitted for `payload: void`) and ack data, for the reference. */
  example: { payload?: Payload<K>; data: Result<K> };
  handle(input: Parsed<S>, request: DeviceRequest): Promise<Result<K>>;
}

/** A declared request as the gateway holds it: validation and handler folded into `execute`. */
export interface SocketRequest extends SocketDocs {
  name: ClientRequestName;
  input: z.ZodType | null;
  output: z.ZodType;
  errors: readonly ErrorDoc[];
  rateLimit?: SocketRateLimit;
  example: { payload?: unknown; data: unknown };
  /** Validates `payload` and runs the handler; resolves with the ack data. */
  execute(payload: unknown, request: DeviceRequest): Promise<unknown>;
}

export function socketRequest<K extends ClientRequestName, S extends z.ZodType | null, O extends z.ZodType>(
  declaration: SocketRequestDeclaration<K, S, O> & ProtocolCheck<K, S, O>,
): SocketRequest & { readonly name: K } {
  const { handle, ...docs } = declaration;
  return {
    ...docs,
    execute: async (payload, request) => {
      // Before validation, which recurses: the HTTP bodies' nesting and number rules hold here too.
      refuseUnsafeJson(payload);
      return handle(parseOptional(declaration.input, payload), request);
    },
  };
}


/** A push, declared once: its payload schema (checked against the protocol) and reference text. */
export interface PushDeclaration<K extends ServerEventName, S extends z.ZodType> extends SocketDocs {
  name: K;
  payload: S;
  example: ServerEvents[K];
}

type PushCheck<K extends ServerEventName, S extends z.ZodType> =
  Matches<S, ServerEvents[K]> extends true ? unknown : { 'payload schema differs from the protocol push': ServerEvents[K] };

export interface SocketPush extends SocketDocs {
  name: ServerEventName;
  payload: z.ZodType;
  example: unknown;
}

export function socketPush<K extends ServerEventName, S extends z.ZodType>(
  declaration: PushDeclaration<K, S> & PushCheck<K, S>,
): SocketPush & { readonly name: K } {
  return declaration;
}

/** `true` when `Declared` names every one of `All`; otherwise the names that are missing (a type error where it is assigned `true`). */
export type MissingNames<All extends string, Declared extends string> = [Exclude<All, Declared>] extends [never] ? true : Exclude<All, Declared>;
