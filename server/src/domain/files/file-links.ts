import { FileCategory, MessageType, type Message, type MessageContent, type UploadedFile } from '@parley/sdk/protocol';
import type { Clock } from '../../clock.js';
import type { ObjectKey } from '../../files/ports.js';
import type { FileRecord } from '../../store/records.js';
import type { AppContext } from '../app-context.js';
import { forbidden, invalidParams, notFound } from '../errors.js';
import { filePath, fileReferenceOf, signedFileUrl, type FileReference } from './file-urls.js';

/** The content fields of each message type that hold a URL, and the kinds of file each may name. */
const URL_FIELDS: Partial<Record<MessageType, Readonly<Record<string, readonly FileCategory[]>>>> = {
  [MessageType.VOICE]: { url: [FileCategory.AUDIO, FileCategory.VIDEO] },
  [MessageType.IMAGE]: { url: [FileCategory.IMAGE], thumbUrl: [FileCategory.IMAGE] },
  [MessageType.FILE]: { url: Object.values(FileCategory) },
  [MessageType.VIDEO]: { url: [FileCategory.VIDEO, FileCategory.AUDIO], coverUrl: [FileCategory.IMAGE] },
};

type Fields = Record<string, unknown>;

/**
 * How files and messages point at each other: the URLs an upload answers, the check that a
 * message names only its own app's files (or any `https` URL), the facts the server fills in from
 * the file itself, and the signing of URLs for apps whose files are private.
 */
export class FileLinks {
  constructor(
    private readonly clock: Clock,
    /** `PUBLIC_URL`, or null to build URLs on the origin each upload came to. */
    private readonly publicUrl: string | null,
  ) {}

  /** What an upload answers. */
  describe(ctx: AppContext, file: FileRecord, origin: string): UploadedFile {
    const base = this.publicUrl ?? origin;
    const key: ObjectKey = { appId: ctx.app.appId, fileId: file.fileId };
    return {
      fileId: file.fileId,
      url: this.#signed(ctx, `${base}${filePath(key)}`),
      name: file.name,
      size: file.size,
      mimeType: file.mimeType,
      category: file.category,
      ...(file.width === null ? {} : { width: file.width }),
      ...(file.height === null ? {} : { height: file.height }),
      ...(file.duration === null ? {} : { duration: file.duration }),
      ...(file.thumb ? { thumbUrl: this.#signed(ctx, `${base}${filePath({ ...key, variant: 'thumb' })}`) } : {}),
      createdAt: file.createdAt,
    };
  }

  /**
   * The content to store for a send: every URL field must name a file of this app (which must
   * exist, and be of a kind that field takes) or be an `https` URL elsewhere. URLs of own files
   * are stored without a signature, and the facts the server knows (size, dimensions, duration,
   * thumbnail, type) replace what the sender wrote.
   */
  async resolve(ctx: AppContext, messageType: MessageType, content: MessageContent): Promise<MessageContent> {
    const fields = URL_FIELDS[messageType];
    if (!fields) return content;
    const given: Fields = { ...content };
    const references = new Map<string, FileReference>();
    for (const field of Object.keys(fields)) {
      const value = given[field];
      if (typeof value !== 'string') continue;
      const reference = fileReferenceOf(value, this.publicUrl);
      if (reference) references.set(field, reference);
      else if (!value.startsWith('https://')) {
        throw forbidden(`content.${field}: plain http is allowed only for a file uploaded to this app (POST /file/upload); use an https URL`);
      }
    }
    if (references.size === 0) return content;

    const foreign = [...references].find(([, reference]) => reference.key.appId !== ctx.app.appId);
    if (foreign) throw forbidden(`content.${foreign[0]}: names a file of another app; upload the file to this app`);
    const records = await ctx.data.files.getMany([...new Set([...references.values()].map((reference) => reference.key.fileId))]);
    const resolved: Fields = {};
    for (const [field, reference] of references) {
      const record = records.get(reference.key.fileId);
      if (!record) throw notFound(`content.${field}: no file ${reference.key.fileId} in this app; upload it with POST /file/upload first`);
      const takes = fields[field]!;
      if (!takes.includes(record.category)) {
        throw invalidParams(`content.${field}`, `file ${record.fileId} is ${record.mimeType} (${record.category}); this field takes ${takes.join(' or ')}`);
      }
      if (reference.key.variant === 'thumb' && !record.thumb) throw notFound(`content.${field}: file ${record.fileId} has no thumbnail`);
      resolved[field] = reference.canonical;
      if (field === 'url') Object.assign(resolved, factsOf(messageType, record, reference));
    }
    // The fields replaced keep the types the schema checked: URLs, and numbers of the file.
    return Object.assign({}, content, resolved);
  }

  /** A message as a reader gets it: own-file URLs signed when the app's files are private. */
  present<M extends Message>(ctx: AppContext, message: M): M {
    if (!ctx.app.settings.privateFiles || message.recall !== null) return message;
    const fields = URL_FIELDS[message.messageType];
    if (!fields) return message;
    const given: Fields = { ...message.content };
    const signed: Fields = {};
    for (const field of Object.keys(fields)) {
      const value = given[field];
      if (typeof value === 'string') signed[field] = this.#present(ctx, value);
    }
    return { ...message, content: Object.assign({}, message.content, signed) };
  }

  /** `url` signed for the app when its files are private and it names one of them; else as it is. */
  #present(ctx: AppContext, url: string): string {
    if (!ctx.app.settings.privateFiles) return url;
    const reference = fileReferenceOf(url, this.publicUrl);
    if (!reference || reference.key.appId !== ctx.app.appId) return url;
    return this.#signed(ctx, reference.canonical);
  }

  /** A file URL of the app without a signature (`canonical`), signed when the app's files are private. */
  #signed(ctx: AppContext, canonical: string): string {
    if (!ctx.app.settings.privateFiles) return canonical;
    const expires = Math.floor(this.clock.now() / 1000) + ctx.app.settings.fileUrlTtlSeconds;
    return signedFileUrl(canonical, ctx.app.secret, expires);
  }
}

/** What the server knows of the file a message's `url` names, in that type's field names. */
function factsOf(messageType: MessageType, record: FileRecord, reference: FileReference): Fields {
  const facts: Fields = { size: record.size };
  if (messageType === MessageType.IMAGE && reference.key.variant === undefined) {
    Object.assign(facts, { width: record.width, height: record.height });
    if (record.thumb) facts.thumbUrl = reference.canonical + '/thumb';
  }
  if ((messageType === MessageType.VOICE || messageType === MessageType.VIDEO) && record.duration !== null) facts.duration = record.duration;
  if (messageType === MessageType.FILE) facts.mimeType = record.mimeType;
  return facts;
}
