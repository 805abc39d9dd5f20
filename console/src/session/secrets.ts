import { shallowReactive } from 'vue';

/**
 * Secrets the tenant revealed with their password, per appId, so the signature debugger and the
 * credentials page can share one reveal. Memory only: never written to storage, dropped on
 * logout, on rotation and when the tab closes.
 */
const revealed = shallowReactive(new Map<string, string>());

export function revealedSecret(appId: string): string | null {
  return revealed.get(appId) ?? null;
}

export function rememberSecret(appId: string, secret: string): void {
  revealed.set(appId, secret);
}

export function forgetSecret(appId: string): void {
  revealed.delete(appId);
}

export function forgetSecrets(): void {
  revealed.clear();
}
