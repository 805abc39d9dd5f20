import type { ErrorCode, OpenApiPath, OpenApiRoutes } from '@parley/sdk/protocol';
import type { z } from 'zod';
import type { AppContext } from '../domain/app-context.js';
import { parseInput, parseOptional, type Parsed } from '../schemas/parse.js';

/**
 * A route is declared once, with the schema it validates its input with and the schema of the
 * data it answers; the router, the validator and the OpenAPI document all read the same
 * declaration.
 *
 * The declaration helpers below keep each handler's types tied to its schemas: the handler is
 * wrapped with the parse of its own schema, so what dispatch holds is already type-erased and
 * needs no cast.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What every route says about itself, for the router and the reference. */
interface RouteDocs {
  method: HttpMethod;
  /** Koa-style path, e.g. `/console/apps/:appId`. */
  path: string;
  /** Reference section the route is listed under. */
  tag: string;
  summary: string;
  description?: string;
  /** Text of the envelope's `message` on success. */
  successMessage: string;
  /** Schema of `data` on success; null when the route answers `data: null`. */
  output: z.ZodType | null;
  /**
   * Failures the handler's domain call can answer (NOT_FOUND, FORBIDDEN, CONFLICT, ...). Those of
   * the transport (invalid input, authentication, body size and type, method, INTERNAL) are added
   * by the document from the route's kind, so each operation lists exactly what it can answer.
   */
  errors: readonly ErrorCode[];
}

/** A route's example input, in the reference and the OpenAPI document; a test checks that its schema accepts it. */
type Example<S extends z.ZodType | null> = S extends z.ZodType ? z.input<S> : null;

/** Signed open-API route: input comes from the query (GET) or body (POST). */
export interface SignedRoute extends RouteDocs {
  auth: 'signature';
  path: OpenApiPath;
  input: z.ZodType;
  example: unknown;
  /** Validates `fields` with `input` and runs the handler. */
  execute(fields: unknown, ctx: AppContext): Promise<unknown>;
}

/** Who sent a request, as far as routes need it: the client's address (for per-IP limits). */
export interface RequestOrigin {
  ip: string;
}

/** A console request's caller: the tenant, the console token it came with, and its address. */
export interface ConsoleCaller extends RequestOrigin {
  tenantId: string;
  token: string;
}

/** Console route: `Authorization: Bearer <console token>`; path params validated with `params`. */
export interface ConsoleRoute extends RouteDocs {
  auth: 'console';
  input: z.ZodType | null;
  /** Whether a request without a body is refused (`required`) or read as `{}` (`optional`). */
  body: BodyRule;
  example: unknown;
  params: z.ZodType | null;
  paramsExample: unknown;
  execute(fields: unknown, caller: ConsoleCaller, params: unknown): Promise<unknown>;
}

/** Route without authentication (sign-up, login). */
export interface PublicRoute extends RouteDocs {
  auth: 'none';
  input: z.ZodType | null;
  body: BodyRule;
  example: unknown;
  execute(fields: unknown, origin: RequestOrigin): Promise<unknown>;
}

export type Route = SignedRoute | ConsoleRoute | PublicRoute;

/**
 * A body is `required` unless the route says otherwise: a POST or PATCH that arrives without
 * one is more likely a client bug (wrong content type, lost body) than a request for defaults.
 */
export type BodyRule = 'required' | 'optional';

/** Declaration of a signed route: path and method from the protocol's route table, data of its response type. */
export interface SignedRouteDeclaration<P extends OpenApiPath, S extends z.ZodType<OpenApiRoutes[P]['request']>>
  extends Omit<RouteDocs, 'method' | 'path' | 'output'> {
  method: OpenApiRoutes[P]['method'];
  path: P;
  input: S;
  example: z.input<S>;
  output: OpenApiRoutes[P]['response'] extends null ? null : z.ZodType<OpenApiRoutes[P]['response']>;
  handle(input: z.output<S>, ctx: AppContext): Promise<OpenApiRoutes[P]['response']>;
}

export function signedRoute<P extends OpenApiPath, S extends z.ZodType<OpenApiRoutes[P]['request']>>(
  declaration: SignedRouteDeclaration<P, S>,
): SignedRoute {
  const { handle, ...docs } = declaration;
  return { ...docs, auth: 'signature', execute: (fields, ctx) => handle(parseInput(declaration.input, fields), ctx) };
}

export interface ConsoleRouteDeclaration<S extends z.ZodType | null, P extends z.ZodType | null, T>
  extends Omit<RouteDocs, 'output'> {
  input: S;
  /** Default `required` when there is an input schema. */
  body?: BodyRule;
  example: Example<S>;
  params: P;
  paramsExample: Example<P>;
  output: z.ZodType<T> | null;
  handle(input: Parsed<S>, tenantId: string, params: Parsed<P>, caller: ConsoleCaller): Promise<T>;
}

export function consoleRoute<S extends z.ZodType | null, P extends z.ZodType | null, T>(
  declaration: ConsoleRouteDeclaration<S, P, T>,
): ConsoleRoute {
  const { handle, ...docs } = declaration;
  return {
    ...docs,
    auth: 'console',
    body: declaration.body ?? 'required',
    execute: (fields, caller, params) =>
      handle(parseOptional(declaration.input, fields), caller.tenantId, parseOptional(declaration.params, params), caller),
  };
}

export interface PublicRouteDeclaration<S extends z.ZodType | null, T> extends Omit<RouteDocs, 'output'> {
  input: S;
  body?: BodyRule;
  example: Example<S>;
  output: z.ZodType<T> | null;
  handle(input: Parsed<S>, origin: RequestOrigin): Promise<T>;
}

export function publicRoute<S extends z.ZodType | null, T>(declaration: PublicRouteDeclaration<S, T>): PublicRoute {
  const { handle, ...docs } = declaration;
  return { ...docs, auth: 'none', body: declaration.body ?? 'required', execute: (fields, origin) => handle(parseOptional(declaration.input, fields), origin) };
}
