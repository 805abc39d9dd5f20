import type { EventHub } from '../domain/events.js';
import type { LiveApps } from './live-apps.js';
import type { GatewayServer } from './types.js';

/**
 * Settings changes and deletions of an app reach the connections of every server process, not
 * only of the one whose console request made them: each process forwards its own `app-updated`
 * and `app-deleted` events to the others over the socket.io adapter (`serverSideEmit`, carried by
 * Redis when several processes run; the gateway relays only with such an adapter, since the
 * in-process one has nobody to tell) and applies what the others forward to its own live apps. Kicks need no relay: they are pushes to rooms, which
 * the adapter already carries.
 *
 * Returns a function that stops relaying.
 */
export function relayAppEvents(io: GatewayServer, events: EventHub, apps: LiveApps): () => void {
  io.on('app-updated', ({ appId, settings }) => apps.settingsChanged(appId, settings));
  io.on('app-deleted', ({ appId }) => apps.deleted(appId));
  const stops = [
    events.subscribe('app-updated', ({ appId, settings }) => io.serverSideEmit('app-updated', { appId, settings })),
    events.subscribe('app-deleted', ({ appId }) => io.serverSideEmit('app-deleted', { appId })),
  ];
  return () => stops.forEach((stop) => stop());
}
