import { FileCategory, LoginPolicy, MessagePolicy, PresenceScope, type AppSettings } from '@parley/sdk/protocol';
import { formatBytes, formatCount, formatDuration } from '../format/format';

/**
 * The settings form, one entry per AppSettings field. The ranges are the API's
 * (server/src/schemas/console-api.ts, docs/guides/console.md), so the form refuses what the
 * server would, with a message before the round trip; the server's own message still shows if
 * it refuses anyway (a cap such as UPLOAD_MAX_BYTES is the operator's, not in this list).
 */

export type NumericKey = { [K in keyof AppSettings]: AppSettings[K] extends number ? K : never }[keyof AppSettings];

export type Unit = 'seconds' | 'bytes' | 'count';

export interface NumberField {
  key: NumericKey;
  label: string;
  /** Shown after the label, so the tenant knows what the number counts. */
  unitLabel: string;
  unit: Unit;
  min: number;
  max: number;
  help: string;
}

export interface NumberGroup {
  title: string;
  fields: NumberField[];
}

const DAY = 86400;
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

export const NUMBER_GROUPS: NumberGroup[] = [
  {
    title: 'Users and tokens',
    fields: [
      { key: 'tokenTtlSeconds', label: 'User token lifetime', unitLabel: 'seconds', unit: 'seconds', min: 60, max: 365 * DAY, help: 'Tokens minted from now on by /user/getToken.' },
      { key: 'maxUsers', label: 'Most users', unitLabel: 'users', unit: 'count', min: 1, max: 100_000_000, help: 'A new user beyond it gets QUOTA_EXCEEDED.' },
    ],
  },
  {
    title: 'Groups and messages',
    fields: [
      { key: 'maxGroupMembers', label: 'Largest group', unitLabel: 'members', unit: 'count', min: 2, max: 10_000, help: 'Members one group may have.' },
      { key: 'maxGroups', label: 'Most groups', unitLabel: 'groups', unit: 'count', min: 1, max: 10_000_000, help: 'Groups the app may have at once.' },
      { key: 'recallWindowSeconds', label: 'Sender recall window', unitLabel: 'seconds', unit: 'seconds', min: 0, max: 7 * DAY, help: 'How long after sending the sender may recall a message.' },
      { key: 'adminRecallWindowSeconds', label: 'Admin recall window', unitLabel: 'seconds', unit: 'seconds', min: 0, max: 7 * DAY, help: "How long a group owner or admin may recall any member's message." },
    ],
  },
  {
    title: 'Rate limits',
    fields: [
      { key: 'apiRequestsPerSecond', label: 'Backend API requests', unitLabel: 'per second', unit: 'count', min: 1, max: 100_000, help: 'Signed REST requests of your backend, all processes together.' },
      { key: 'userSendsPerSecond', label: 'Messages per user', unitLabel: 'per second', unit: 'count', min: 1, max: 10_000, help: 'Socket sends of one user, all devices together.' },
      { key: 'userSignalsPerSecond', label: 'Typing and presence per user', unitLabel: 'per second', unit: 'count', min: 1, max: 10_000, help: 'Typing and presence requests of one user.' },
      { key: 'userUploadsPerMinute', label: 'Uploads per user', unitLabel: 'per minute', unit: 'count', min: 1, max: 10_000, help: 'Files one user may upload, all devices together.' },
    ],
  },
  {
    title: 'Files',
    fields: [
      { key: 'maxUploadBytes', label: 'Largest upload', unitLabel: 'bytes', unit: 'bytes', min: KIB, max: 4 * GIB, help: "The server's UPLOAD_MAX_BYTES may cap it lower." },
      { key: 'maxStorageBytes', label: 'Storage for all files', unitLabel: 'bytes', unit: 'bytes', min: MIB, max: 2 ** 50, help: 'Thumbnails included.' },
      { key: 'fileUrlTtlSeconds', label: 'Signed file URL lifetime', unitLabel: 'seconds', unit: 'seconds', min: 60, max: 7 * DAY, help: 'Used when private files is on.' },
    ],
  },
];

export const NUMBER_FIELDS: NumberField[] = NUMBER_GROUPS.flatMap((group) => group.fields);

export function formatValue(unit: Unit, value: number): string {
  if (unit === 'seconds') return formatDuration(value);
  if (unit === 'bytes') return formatBytes(value);
  return formatCount(value);
}

/** The error for a typed value, in the words the form shows, or null when the API accepts it. */
export function numberError(field: NumberField, text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return `${field.label} is required.`;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || !Number.isInteger(value)) return `${field.label} must be a whole number of ${field.unitLabel}.`;
  if (value < field.min || value > field.max) {
    return `${field.label} must be between ${formatCount(field.min)} and ${formatCount(field.max)} ${field.unitLabel} (${formatValue(field.unit, field.min)} to ${formatValue(field.unit, field.max)}).`;
  }
  return null;
}

export const LOGIN_POLICIES: { value: LoginPolicy; label: string }[] = [
  { value: LoginPolicy.MULTI_DEVICE, label: 'Any number of devices per user' },
  { value: LoginPolicy.ONE_PER_PLATFORM, label: 'One device per platform (a new login replaces the older one)' },
];

export const PRESENCE_SCOPES: { value: PresenceScope; label: string }[] = [
  { value: PresenceScope.CONTACTS, label: 'Contacts: friends, and users sharing a private chat or group' },
  { value: PresenceScope.APP, label: 'Anyone in the app' },
];

export const MESSAGE_POLICIES: { value: MessagePolicy; label: string }[] = [
  { value: MessagePolicy.ANYONE, label: 'Anyone in the app' },
  { value: MessagePolicy.FRIENDS, label: 'Friends only' },
];

export const UPLOAD_CATEGORIES: { value: FileCategory; label: string }[] = [
  { value: FileCategory.IMAGE, label: 'Images' },
  { value: FileCategory.AUDIO, label: 'Audio' },
  { value: FileCategory.VIDEO, label: 'Video' },
  { value: FileCategory.FILE, label: 'Other files' },
];
