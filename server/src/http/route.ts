import type { z } from 'zod';
import type { AppContext } from '../domain/app-context.js';

/**
 * A route is declared once, with the schema it validates its input with and the schema of the
 * data it answers; the router, the validator and the OpenAPI document all read the same
 * declaration.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

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
}

/** Signed open-API route: input comes from the query (GET) or body (POST). */
export interface SignedRoute<S extends z.ZodType = z.ZodType> extends RouteDocs {
  auth: 'signature';
  input: S;
  handle(input: z.output<S>, app: AppContext): Promise<unknown>;
}

/** Console route: `Authorization: Bearer <console token>`; path params validated with `params`. */
export interface ConsoleRoute<S extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> extends RouteDocs {
  auth: 'console';
  input: S | null;
  params: P | null;
  handle(input: z.output<S>, tenantId: string, params: z.output<P>): Promise<unknown>;
}

/** Route without authentication (sign-up, login, health, the OpenAPI document). */
export interface PublicRoute<S extends z.ZodType = z.ZodType> extends RouteDocs {
  auth: 'none';
  input: S | null;
  handle(input: z.output<S>): Promise<unknown>;
}

export type Route = SignedRoute | ConsoleRoute | PublicRoute;

/**
 * Identity helpers that tie a handler's input type to its schema. The cast widens the handler to
 * what dispatch calls it with: input already validated by that same schema.
 */
export function signedRoute<S extends z.ZodType>(route: Omit<SignedRoute<S>, 'auth'>): SignedRoute {
  return { ...route, auth: 'signature' } as unknown as SignedRoute;
}

export function consoleRoute<S extends z.ZodType, P extends z.ZodType>(
  route: Omit<ConsoleRoute<S, P>, 'auth'>,
): ConsoleRoute {
  return { ...route, auth: 'console' } as unknown as ConsoleRoute;
}

export function publicRoute<S extends z.ZodType>(route: Omit<PublicRoute<S>, 'auth'>): PublicRoute {
  return { ...route, auth: 'none' } as unknown as PublicRoute;
}
