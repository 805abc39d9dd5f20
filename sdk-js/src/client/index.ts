export { ParleyClient } from './parley-client.js';
export { ParleyFriends, type FriendUpdate } from './friends.js';
export { ParleyGroups, type GroupMemberPage, type GroupUpdate } from './groups.js';
export { conversationKeyOf, type MessageAddress } from './conversation.js';
export type { FileSendOptions, MessageTarget, VideoSendOptions, VoiceSendOptions } from './rich-content.js';
export type { UploadInput, UploadOptions, UploadProgress } from './upload.js';
export type {
  ConnectionState,
  GetMessagesOptions,
  ParleyClientEvents,
  ParleyClientOptions,
  ParleySocketOptions,
  SendMessageInput,
  StateChange,
} from './types.js';
