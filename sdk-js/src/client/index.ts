export { ParleyClient } from './parley-client.js';
export { conversationKeyOf, type MessageAddress } from './conversation.js';
export type {
  ConnectionState,
  GetMessagesOptions,
  ParleyClientEvents,
  ParleyClientOptions,
  ParleySocketOptions,
  SendMessageInput,
  StateChange,
} from './types.js';
