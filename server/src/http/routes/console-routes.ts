import { ErrorCode } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import {
  appIdParam,
  changePasswordRequest,
  createAppRequest,
  credentials,
  rotateSecretRequest,
  updateAppRequest,
} from '../../schemas/console-api.js';
import { consoleAppModel, consoleTokenModel, createdAppModel } from '../../schemas/models.js';
import { consoleRoute, publicRoute, type Route } from '../route.js';

const { CONFLICT, CREDENTIALS_INVALID, NOT_FOUND, QUOTA_EXCEEDED, RATE_LIMITED, SERVER_BUSY } = ErrorCode;

/** An app id for the examples; it names no real app. */
const EXAMPLE_APP = { appId: '5f0c3a9e1b2d4c6f' };

/** The console API (DESIGN §3.3): tenant accounts and their apps. */
export function consoleRoutes(services: Services): Route[] {
  const { tenants, apps } = services;
  return [
    publicRoute({
      method: 'POST',
      path: '/console/signup',
      tag: 'Console',
      summary: 'Create a tenant account',
      description: 'Returns a console token right away, as `/console/login` does.',
      successMessage: 'account created',
      input: credentials,
      output: consoleTokenModel,
      errors: [CONFLICT, RATE_LIMITED, SERVER_BUSY],
      example: { email: 'owner@example.com', password: 'correct horse battery' },
      handle: (input, origin) => tenants.signup(input.email, input.password, origin.ip),
    }),
    publicRoute({
      method: 'POST',
      path: '/console/login',
      tag: 'Console',
      summary: 'Log in to the console',
      description: 'Send the token as `Authorization: Bearer <token>` on the other console routes.',
      successMessage: 'logged in',
      input: credentials,
      output: consoleTokenModel,
      errors: [CREDENTIALS_INVALID, RATE_LIMITED, SERVER_BUSY],
      example: { email: 'owner@example.com', password: 'correct horse battery' },
      handle: (input, origin) => tenants.login(input.email, input.password, origin.ip),
    }),
    consoleRoute({
      method: 'POST',
      path: '/console/logout',
      tag: 'Console',
      summary: 'Log out: revoke this console token',
      description: 'The token stops working at once; other browsers stay logged in (change the password to log them all out).',
      successMessage: 'logged out',
      input: null,
      params: null,
      output: null,
      errors: [],
      example: null,
      paramsExample: null,
      handle: async (_input, _tenantId, _params, caller) => {
        await tenants.logout(caller.token);
        return null;
      },
    }),
    consoleRoute({
      method: 'POST',
      path: '/console/password',
      tag: 'Console',
      summary: 'Change the console password',
      description:
        'Checks `currentPassword`, stores the new one and revokes every console token of the account, this one included; the answer carries a fresh token for this browser.',
      successMessage: 'password changed',
      input: changePasswordRequest,
      params: null,
      output: consoleTokenModel,
      errors: [CREDENTIALS_INVALID, RATE_LIMITED, SERVER_BUSY],
      example: { currentPassword: 'correct horse battery', newPassword: 'battery staple horse correct' },
      paramsExample: null,
      handle: (input, tenantId, _params, caller) => tenants.changePassword(tenantId, input.currentPassword, input.newPassword, caller.ip),
    }),
    consoleRoute({
      method: 'POST',
      path: '/app/create',
      tag: 'Console',
      summary: 'Create an app',
      description: 'Returns the new `appId` and `appSecret`. Keep the secret on your backend.',
      successMessage: 'app created',
      input: createAppRequest,
      params: null,
      output: createdAppModel,
      errors: [QUOTA_EXCEEDED],
      example: { appName: 'My chat', description: 'Chat for the web shop' },
      paramsExample: null,
      handle: (input, tenantId) => apps.create(tenantId, input),
    }),
    consoleRoute({
      method: 'GET',
      path: '/console/apps',
      tag: 'Console',
      summary: "The signed-in tenant's apps",
      successMessage: 'ok',
      input: null,
      params: null,
      output: z.array(consoleAppModel),
      errors: [],
      example: null,
      paramsExample: null,
      handle: (_input, tenantId) => apps.list(tenantId),
    }),
    consoleRoute({
      method: 'GET',
      path: '/console/apps/:appId',
      tag: 'Console',
      summary: 'One app',
      successMessage: 'ok',
      input: null,
      params: appIdParam,
      output: consoleAppModel,
      errors: [NOT_FOUND],
      example: null,
      paramsExample: EXAMPLE_APP,
      handle: (_input, tenantId, params) => apps.get(tenantId, params.appId),
    }),
    consoleRoute({
      method: 'PATCH',
      path: '/console/apps/:appId',
      tag: 'Console',
      summary: "Change an app's name, description or settings",
      description: 'Only the fields given change; a request without a body is refused (send `{}` to change nothing).',
      successMessage: 'app updated',
      input: updateAppRequest,
      params: appIdParam,
      output: consoleAppModel,
      errors: [NOT_FOUND],
      example: { appName: 'My chat', settings: { recallWindowSeconds: 300, loginPolicy: 'one-per-platform' } },
      paramsExample: EXAMPLE_APP,
      handle: (input, tenantId, params) => apps.update(tenantId, params.appId, input),
    }),
    consoleRoute({
      method: 'POST',
      path: '/console/apps/:appId/rotate-secret',
      tag: 'Console',
      summary: "Rotate an app's secret",
      description:
        'Issues a new secret. The previous one keeps working for `graceSeconds` (default: the server\'s `SECRET_ROTATION_GRACE_SECONDS`, 1 day) so backends can switch without downtime; 0 stops it at once. The body may be left out for the default.',
      successMessage: 'secret rotated',
      input: rotateSecretRequest,
      params: appIdParam,
      output: consoleAppModel,
      body: 'optional',
      errors: [NOT_FOUND],
      example: { graceSeconds: 3600 },
      paramsExample: EXAMPLE_APP,
      handle: (input, tenantId, params) => apps.rotateSecret(tenantId, params.appId, input.graceSeconds),
    }),
    consoleRoute({
      method: 'DELETE',
      path: '/console/apps/:appId',
      tag: 'Console',
      summary: 'Delete an app with all its data',
      description: 'Its signatures and tokens stop working at once; users, groups and messages are deleted.',
      successMessage: 'app deleted',
      input: null,
      params: appIdParam,
      output: null,
      errors: [NOT_FOUND],
      example: null,
      paramsExample: EXAMPLE_APP,
      handle: async (_input, tenantId, params) => {
        await apps.delete(tenantId, params.appId);
        return null;
      },
    }),
  ];
}
