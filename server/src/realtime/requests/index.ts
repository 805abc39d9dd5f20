import type { ClientRequestName } from '@parley/sdk/protocol';
import type { Services } from '../../domain/services.js';
import type { MissingNames, SocketRequest } from '../socket-request.js';
import type { TypingThrottle } from '../typing-throttle.js';
import { contactRequests } from './contacts.js';
import { friendRequests } from './friends.js';
import { groupRequests } from './groups.js';
import { messageRequests } from './messages.js';
import { sessionRequests } from './sessions.js';
import { signalRequests } from './signals.js';

function declared(services: Services, throttle: TypingThrottle) {
  return [...sessionRequests(services), ...messageRequests(services), ...signalRequests(services, throttle), ...contactRequests(services), ...friendRequests(services), ...groupRequests(services)];
}

/** Fails the typecheck while a request of the protocol has no declaration. */
const everyRequestDeclared: MissingNames<ClientRequestName, ReturnType<typeof declared>[number]['name']> = true;

/** Every socket request, in reference order, by name. */
export function socketRequests(services: Services, throttle: TypingThrottle): ReadonlyMap<ClientRequestName, SocketRequest> {
  void everyRequestDeclared;
  return new Map(declared(services, throttle).map((request) => [request.name, request]));
}
