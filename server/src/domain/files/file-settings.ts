import { FileCategory, Limits, type AppSettings } from '@parley/sdk/protocol';

/** The file settings an app starts with (and that an app stored before they existed gets). */
export const FILE_SETTING_DEFAULTS = {
  maxUploadBytes: Limits.UPLOAD_BYTES_DEFAULT,
  uploadCategories: Object.values(FileCategory),
  privateFiles: false,
  fileUrlTtlSeconds: 3600,
  userUploadsPerMinute: 30,
  maxStorageBytes: 10 * 1024 ** 3,
} as const satisfies Partial<AppSettings>;

export type FileSettingName = keyof typeof FILE_SETTING_DEFAULTS;
