import { ErrorCode } from '@parley/sdk/protocol';
import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import {
  appIdParam,
  changePasswordRequest,
  createAppRequest,
  credentials,
  messageParams,
  messageSearchQuery,
  revealSecretRequest,
  rotateSecretRequest,
  updateAppRequest,
} from '../../schemas/console-api.js';
import {
  appUsageModel,
  consoleAppModel,
  consoleTokenModel,
  createdAppModel,
  messageDetailModel,
  messageSearchPageModel,
  revealedSecretModel,
  rotatedAppModel,
} from '../../schemas/models.js';
import { consoleRoute, publicRoute, type Route } from '../route.js';

const { CONFLICT, CREDENTIALS_INVALID, NOT_FOUND, QUOTA_EXCEEDED, RATE_LIMITED, SERVER_BUSY } = ErrorCode;

/** An app id for the examples; it names no real app. */
const EXAMPLE_APP = { appId: '5f0c3a9e1b2d4c6f' };

/** The console API (DESIGN §3.3): tenant accounts and their apps. */
export function consoleRoutes(services: Services): Route[] {
  const { tenants, apps, usage, messageInsights } = services;
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
        'Issues a new secret, answered this once (afterwards only with the password, `POST /console/apps/:appId/secret`). The previous one keeps working for `graceSeconds` (default: the server\'s `SECRET_ROTATION_GRACE_SECONDS`, 1 day) so backends can switch without downtime; 0 stops it at once. The body may be left out for the default.',
      successMessage: 'secret rotated',
      input: rotateSecretRequest,
      params: appIdParam,
      output: rotatedAppModel,
      body: 'optional',
      errors: [NOT_FOUND],
      example: { graceSeconds: 3600 },
      paramsExample: EXAMPLE_APP,
      handle: (input, tenantId, params) => apps.rotateSecret(tenantId, params.appId, input.graceSeconds),
    }),
    consoleRoute({
      method: 'POST',
      path: '/console/apps/:appId/secret',
      tag: 'Console',
      summary: "Show an app's secret again, with the account's password",
      description:
        'The secret is answered when the app is created and when it is rotated; after that only this route shows it, after checking the password like a login (same limits, same `401 CREDENTIALS_INVALID`), so a console token alone (a browser left open, a token that leaked) cannot read it.',
      successMessage: 'ok',
      input: revealSecretRequest,
      params: appIdParam,
      output: revealedSecretModel,
      errors: [CREDENTIALS_INVALID, NOT_FOUND, RATE_LIMITED, SERVER_BUSY],
      example: { password: 'correct horse battery' },
      paramsExample: EXAMPLE_APP,
      handle: async (input, tenantId, params, caller) => {
        // Ownership first: another tenant's app id must not cost a password hash, nor say it exists.
        await apps.get(tenantId, params.appId);
        await tenants.confirmPassword(tenantId, input.password, caller.ip);
        return apps.secretOf(tenantId, params.appId);
      },
    }),
    consoleRoute({
      method: 'GET',
      path: '/console/apps/:appId/usage',
      tag: 'Console',
      summary: "An app's usage: users, messages per day, sockets online, storage",
      description:
        'Counted when asked, from the store (users, groups, files, one indexed count per day over the last 30 UTC days) and from every server process (sockets). Nothing is cached: two calls a second apart may differ.',
      successMessage: 'ok',
      input: null,
      params: appIdParam,
      output: appUsageModel,
      errors: [NOT_FOUND],
      example: null,
      paramsExample: EXAMPLE_APP,
      handle: async (_input, tenantId, params) => usage.read(await apps.openOwned(tenantId, params.appId)),
    }),
    consoleRoute({
      method: 'GET',
      path: '/console/apps/:appId/messages',
      tag: 'Console',
      summary: "Search an app's messages",
      description:
        'Newest first, by sender, conversation, time range and text (all optional; every one given must match). Page with `cursor` = the previous `nextCursor` until it is null. A search by sender or text examines at most 2000 stored messages per page, so a page may hold fewer than `limit` messages and still have a `nextCursor`.',
      successMessage: 'ok',
      input: messageSearchQuery,
      params: appIdParam,
      output: messageSearchPageModel,
      errors: [NOT_FOUND],
      example: { senderUserId: 'alice', text: 'invoice', limit: 20 },
      paramsExample: EXAMPLE_APP,
      handle: async (input, tenantId, params) => messageInsights.search(await apps.openOwned(tenantId, params.appId), input),
    }),
    consoleRoute({
      method: 'GET',
      path: '/console/apps/:appId/messages/:msgId',
      tag: 'Console',
      summary: 'One message and who it reached',
      description:
        'The stored message, its conversation\'s newest seq, and up to 200 recipients with their read marks (`readSeq`, `read`) and the devices they have online now. Delivery to each device is not recorded: a message is pushed to every device online when it is stored, and a device that was offline fetches it by seq when it reconnects.',
      successMessage: 'ok',
      input: null,
      params: messageParams,
      output: messageDetailModel,
      errors: [NOT_FOUND],
      example: null,
      paramsExample: { ...EXAMPLE_APP, msgId: '65f1c0ffee0123456789abcd' },
      handle: async (_input, tenantId, params) => messageInsights.detail(await apps.openOwned(tenantId, params.appId), params.msgId),
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
