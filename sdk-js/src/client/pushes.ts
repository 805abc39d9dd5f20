import type { ServerEventName, ServerEvents } from '../protocol/realtime.js';
import type { TypedEmitter } from './emitter.js';
import type { ParleySocket } from './socket.js';
import type { ParleyClientEvents } from './types.js';

/** Pushes the connection itself consumes: `ready` opens a session, `kicked` ends one. */
type ConnectionPush = 'ready' | 'kicked';

/** Every other server push: each reaches {@link ParleyClientEvents} through one handler. */
export type ForwardedPush = Exclude<ServerEventName, ConnectionPush>;

/**
 * One handler per forwarded push. A mapped type rather than a list of `socket.on` calls, so a push
 * added to the protocol without a handler here fails the typecheck instead of being dropped.
 */
export type PushHandlers = { [K in ForwardedPush]: (payload: ServerEvents[K]) => void };

/** What the table needs of the socket: a listener per push name. */
interface PushSource {
  on<K extends ForwardedPush>(name: K, handler: (payload: ServerEvents[K]) => void): unknown;
}
/** A handler that hands push `name` to the client's listeners unchanged. */
export function forwardTo(events: TypedEmitter<ParleyClientEvents>): <K extends ForwardedPush>(name: K) => (payload: ParleyClientEvents[K]) => void {
  return (name) => (payload) => {
    events.emit(name, payload);
  };
}

/** Registers every handler of the table on the socket. */
export function listenToPushes(socket: ParleySocket, handlers: PushHandlers): void {
  const source: PushSource = socket;
  for (const name of Object.keys(handlers) as ForwardedPush[]) listenTo(source, name, handlers[name]);
}

function listenTo<K extends ForwardedPush>(source: PushSource, name: K, handler: PushHandlers[K]): void {
  source.on(name, handler);
}
