import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'koa';
import { AppError, invalidParams } from '../domain/errors.js';

/** The one file field of an upload (seed 002). */
export const UPLOAD_FIELD = 'up_file';

export interface ReceivedFile {
  body: Readable;
  name: string | undefined;
  declaredType: string | null;
}

/**
 * Streams the form through busboy and hands its one file to `consume` as it arrives. Anything
 * else in the form (another field, a second file, a malformed part) refuses the upload; so does
 * a client that goes away, and `consume` sees its stream fail and keeps nothing.
 */
export function readUpload<T>(ctx: Context, limit: number, consume: (file: ReceivedFile) => Promise<T>): Promise<T> {
  const req: IncomingMessage = ctx.req;
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers as IncomingHttpHeaders & { 'content-type': string },
        limits: { files: 1, fileSize: limit + 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 16 },
        defParamCharset: 'utf8',
      });
    } catch (error) {
      reject(invalidParams('body', `is not a multipart form: ${(error as Error).message}`));
      return;
    }
    let settled = false;
    let consuming: Promise<T> | null = null;
    let file: Readable | null = null;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      // The upload reading the file stops at once (and removes what it wrote), whatever happens to the request.
      file?.destroy(error);
      // Stop reading; the rest of the body is discarded and the connection closed after the answer.
      req.unpipe(parser);
      req.resume();
      ctx.set('Connection', 'close');
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      if (field !== UPLOAD_FIELD || consuming !== null) {
        stream.resume();
        fail(invalidParams(field, field === UPLOAD_FIELD ? 'send one file per upload' : `is not a field of an upload; send the file as ${UPLOAD_FIELD}`));
        return;
      }
      // Listened to at once: busboy may fail the stream (a form cut short) before the upload
      // has started reading it, and an error nobody listens to would bring the process down.
      let broken: Error | null = null;
      stream.on('error', (error: Error) => (broken = error));
      file = stream;
      consuming = consume({ body: stream, name: info.filename, declaredType: info.mimeType || null });
      consuming.catch((error: unknown) => {
        if (error instanceof AppError) fail(error);
        else if (broken !== null && !settled) fail(invalidParams('body', `is not a complete multipart form (${(broken as Error).message}); nothing was kept`));
        else if (!settled) {
          settled = true;
          reject(error);
        }
      });
    });
    parser.on('field', (field) => fail(invalidParams(field, `is not a field of an upload: the form takes only the file ${UPLOAD_FIELD}; appId and token go in the query`)));
    parser.on('filesLimit', () => fail(invalidParams(UPLOAD_FIELD, 'send one file per upload')));
    parser.on('fieldsLimit', () => fail(invalidParams('body', 'has too many fields')));
    parser.on('partsLimit', () => fail(invalidParams('body', 'has too many parts')));
    parser.on('error', (error: Error) => fail(invalidParams('body', `is not a valid multipart form (${error.message})`)));
    parser.on('close', () => {
      if (settled) return;
      if (consuming === null) {
        fail(invalidParams(UPLOAD_FIELD, 'is required: the file, as a multipart form field'));
        return;
      }
      consuming.then(
        (result) => {
          if (settled) return;
          settled = true;
          resolve(result);
        },
        () => undefined,
      );
    });
    const interrupted = () => fail(invalidParams('body', 'the upload was interrupted; nothing was kept'));
    req.on('aborted', interrupted);
    // A connection that closes before the body is whole, however it happens.
    req.on('close', () => {
      if (!req.complete) interrupted();
    });
    req.pipe(parser);
  });
}

