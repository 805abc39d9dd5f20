import { LoginPolicy } from '@parley/sdk/protocol';
import { z } from 'zod';

/** Request bodies of the console API. */

export const credentials = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(8, 'must be at least 8 characters').max(128),
});

export const createAppRequest = z.strictObject({
  appName: z.string().trim().min(1, 'must not be empty').max(64),
  description: z.string().max(500).default(''),
});

export const appSettingsPatch = z.strictObject({
  tokenTtlSeconds: z.number().int().min(60).max(365 * 24 * 3600).optional(),
  maxGroupMembers: z.number().int().min(2).max(10_000).optional(),
  recallWindowSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
  adminRecallWindowSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
  loginPolicy: z.enum(Object.values(LoginPolicy)).optional(),
});

export const updateAppRequest = z.strictObject({
  appName: createAppRequest.shape.appName.optional(),
  description: z.string().max(500).optional(),
  settings: appSettingsPatch.optional(),
});

export const rotateSecretRequest = z.strictObject({
  graceSeconds: z.number().int().min(0).max(30 * 24 * 3600).optional(),
});

export const appIdParam = z.strictObject({ appId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a 16-character hex app id') });
