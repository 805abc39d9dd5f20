import { ConversationType } from '@parley/sdk/protocol';
import type { Services } from '../domain/services.js';
import type { Metrics } from './metrics.js';

/** Counts what the domain reports through its events, so services stay free of metrics code. */
export function countDomainEvents(services: Services, metrics: Metrics): void {
  services.events.subscribe('message-stored', ({ message }) => {
    metrics.messagesStored.inc({ conversation_type: message.conversationType === ConversationType.GROUP ? 'group' : 'private' });
  });
}
