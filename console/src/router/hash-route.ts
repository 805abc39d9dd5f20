import { computed, ref } from 'vue';

/**
 * Hash routing (`/console/#/apps/<appId>/messages`): the server answers `/console/apps/...` as
 * JSON API, so real paths below /console would never reach this app on a reload.
 */

export const APP_TABS = ['overview', 'messages', 'settings', 'signature', 'credentials'] as const;
export type AppTab = (typeof APP_TABS)[number];

export type Route =
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'apps' }
  | { name: 'app'; appId: string; tab: AppTab }
  | { name: 'not-found'; path: string };

function isTab(value: string): value is AppTab {
  return (APP_TABS as readonly string[]).includes(value);
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/apps';
  const parts = path.split('/').filter((part) => part !== '');
  const [first, appId, tab] = parts;
  if (parts.length === 1 && first === 'login') return { name: 'login' };
  if (parts.length === 1 && first === 'signup') return { name: 'signup' };
  if (parts.length === 1 && first === 'apps') return { name: 'apps' };
  if (first === 'apps' && appId !== undefined && parts.length <= 3) {
    const chosen = tab ?? 'overview';
    if (isTab(chosen)) return { name: 'app', appId: decodeURIComponent(appId), tab: chosen };
  }
  return { name: 'not-found', path };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'login':
    case 'signup':
    case 'apps':
      return `#/${route.name}`;
    case 'app':
      return route.tab === 'overview' ? `#/apps/${encodeURIComponent(route.appId)}` : `#/apps/${encodeURIComponent(route.appId)}/${route.tab}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

const hash = ref(location.hash);
window.addEventListener('hashchange', () => {
  hash.value = location.hash;
});

export const currentRoute = computed(() => parseHash(hash.value));

export function navigate(route: Route): void {
  const target = hrefFor(route);
  if (location.hash !== target) location.hash = target;
  hash.value = location.hash;
}
