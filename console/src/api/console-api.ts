import type {
  AppSettings,
  AppUsage,
  ConsoleApp,
  ConsoleLoginResult,
  CreateAppResult,
  MessageDetail,
  MessageSearchPage,
  MessageSearchQuery,
  RevealedSecret,
  RotatedApp,
  UpdateAppRequest,
} from '@parley/sdk/protocol';
import { request } from './client';

/** One function per console route (docs/guides/console.md); all typed by the SDK's protocol. */

const app = (appId: string) => `/console/apps/${encodeURIComponent(appId)}`;

export const signup = (email: string, password: string) => request<ConsoleLoginResult>('POST', '/console/signup', { email, password });
export const login = (email: string, password: string) => request<ConsoleLoginResult>('POST', '/console/login', { email, password });
export const logout = () => request<null>('POST', '/console/logout');

export const listApps = () => request<ConsoleApp[]>('GET', '/console/apps');
export const getApp = (appId: string) => request<ConsoleApp>('GET', app(appId));
export const createApp = (appName: string, description: string) => request<CreateAppResult>('POST', '/app/create', { appName, description });
export const updateApp = (appId: string, changes: UpdateAppRequest) => request<ConsoleApp>('PATCH', app(appId), changes);
export const updateSettings = (appId: string, settings: Partial<AppSettings>) => updateApp(appId, { settings });
export const deleteApp = (appId: string) => request<null>('DELETE', app(appId));

export const rotateSecret = (appId: string, graceSeconds: number) => request<RotatedApp>('POST', `${app(appId)}/rotate-secret`, { graceSeconds });
export const revealSecret = (appId: string, password: string) => request<RevealedSecret>('POST', `${app(appId)}/secret`, { password });

export const getUsage = (appId: string) => request<AppUsage>('GET', `${app(appId)}/usage`);

export function searchMessages(appId: string, query: MessageSearchQuery): Promise<MessageSearchPage> {
  const fields = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') fields.set(key, String(value));
  }
  const search = fields.toString();
  return request<MessageSearchPage>('GET', `${app(appId)}/messages${search === '' ? '' : `?${search}`}`);
}
export const getMessage = (appId: string, msgId: string) => request<MessageDetail>('GET', `${app(appId)}/messages/${encodeURIComponent(msgId)}`);
