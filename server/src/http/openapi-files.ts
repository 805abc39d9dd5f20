import { ErrorCode, Limits } from '@parley/sdk/protocol';
import type { z } from 'zod';
import { EXPIRES_PATTERN, SIGNATURE_PATTERN } from '../domain/files/file-urls.js';
import { uploadedFileModel } from '../schemas/models.js';
import { UPLOAD_FIELD } from './multipart-upload.js';
import { UPLOAD_PATH } from './routes/file-routes.js';

type JsonSchema = Record<string, unknown>;

/**
 * The file routes in the OpenAPI document. They are not zod-declared routes (the upload is a
 * multipart stream, the download raw bytes), so their operations are written here, next to the
 * constants the routes use; the answer of an upload is still the zod model the tests check.
 */
/** What the document builder lends: schemas to JSON (collected as models), the envelope, failure responses. */
export interface OperationTools {
  toJson(schema: z.ZodType): JsonSchema;
  envelope(data: JsonSchema): JsonSchema;
  failures(codes: readonly ErrorCode[]): Record<string, object>;
}

export function fileOperations(tools: OperationTools): Record<string, Record<string, object>> {
  const { toJson, envelope } = tools;
  const failures = (codes: readonly ErrorCode[]) => tools.failures([...codes, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.INTERNAL]);
  const hex = (length: number, description: string) => ({ type: 'string', pattern: `^[0-9a-f]{${length}}$`, description });
  // The same illustrative ids as the other routes' examples; a file of them is not found.
  const exampleAppId = '5f0c3a9e1b2d4c6f';
  const download = {
    tags: ['Files'],
    parameters: [
      { name: 'appId', in: 'path', required: true, schema: hex(16, 'the app the file belongs to'), example: exampleAppId },
      { name: 'fileId', in: 'path', required: true, schema: hex(32, 'the id `/file/upload` answered'), example: '9b1d3f5a7c9e0b2d4f6a8c0e1b3d5f7a' },
      { name: 'expires', in: 'query', required: false, schema: { type: 'string', pattern: EXPIRES_PATTERN.source, description: 'private files: Unix seconds the signed URL works until' } },
      { name: 'signature', in: 'query', required: false, schema: { type: 'string', pattern: SIGNATURE_PATTERN.source, description: 'private files: the URL signature' } },
      { name: 'Range', in: 'header', required: false, schema: { type: 'string', description: 'one byte range, e.g. `bytes=0-1023`; answered 206 with `Content-Range`' } },
    ],
    responses: {
      200: { description: "the file's bytes", content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
      206: { description: 'the range asked for', content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
      302: { description: 'files in a bucket (OSS): the bucket URL that serves them, signed when the app\'s files are private' },
      304: { description: 'unchanged (`If-None-Match`)' },
      416: { description: 'the range is outside the file', content: { 'application/json': { schema: { $ref: '#/components/schemas/Failure' } } } },
      ...failures([ErrorCode.INVALID_PARAMS, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.UNAVAILABLE]),
    },
  };
  const downloadDescription = [
    'Served with the type read from the bytes, `X-Content-Type-Options: nosniff`, a sandboxing `Content-Security-Policy`, and `Content-Disposition: inline` for images, audio and video, `attachment` for everything else (HTML, SVG, scripts, documents), so no upload can run as a page of this server.',
    'Public files are cached for a year (`immutable`: a file never changes); private ones for what is left of their signature. Range requests (one range) are answered for every file.',
  ].join(' ');
  return {
    [UPLOAD_PATH]: {
      post: {
        tags: ['Files'],
        summary: 'Upload a file (a user with a token of the app, or the backend with a signed query)',
        description: [
          `The file is the multipart field \`${UPLOAD_FIELD}\` and nothing else. What it is comes from its bytes: the type (its signature), an image's dimensions and thumbnail, a recording's duration; a name or \`Content-Type\` that contradicts them is refused.`,
          `Limits are the app's: \`maxUploadBytes\` (default ${Limits.UPLOAD_BYTES_DEFAULT} bytes, capped by the server's \`UPLOAD_MAX_BYTES\`), \`uploadCategories\`, \`userUploadsPerMinute\`, \`maxStorageBytes\` (all the app's files together; over it \`QUOTA_EXCEEDED\`). Nothing of a refused or interrupted upload is kept.`,
          'A backend signs the query instead (`app_id`, `time_stamp`, `nonce_str`, `sign` over those four; the file is not part of the signature) and gives no token.',
        ].join(' '),
        operationId: 'postFileUpload',
        parameters: [
          { name: 'appId', in: 'query', required: false, description: 'the app of the user token (user uploads)', schema: hex(16, 'the app of the token'), example: exampleAppId },
          { name: 'token', in: 'query', required: false, description: 'the user token, or send it as `Authorization: Bearer <token>`', schema: { type: 'string', maxLength: 512 }, example: 'a token from /user/getToken' },
        ],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: [UPLOAD_FIELD],
                additionalProperties: false,
                properties: { [UPLOAD_FIELD]: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the file, with its name as the part\'s filename' } },
              },
              example: { [UPLOAD_FIELD]: 'hello, file\n' },
            },
          },
        },
        security: [{ userToken: [] }, { userTokenQuery: [] }, { appSignature: [] }],
        responses: {
          200: { description: 'uploaded', content: { 'application/json': { schema: envelope(toJson(uploadedFileModel)) } } },
          ...failures([
            ErrorCode.INVALID_PARAMS,
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            ErrorCode.FILE_TYPE_MISMATCH,
            ErrorCode.TOKEN_INVALID,
            ErrorCode.UNKNOWN_APP,
            ErrorCode.SIGNATURE_INVALID,
            ErrorCode.SIGNATURE_EXPIRED,
            ErrorCode.NONCE_REUSED,
            ErrorCode.QUOTA_EXCEEDED,
            ErrorCode.FILE_TOO_LARGE,
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            ErrorCode.RATE_LIMITED,
            ErrorCode.SERVER_BUSY,
            ErrorCode.UNAVAILABLE,
          ]),
        },
      },
    },
    '/files/{appId}/{fileId}': { get: { ...download, summary: 'Download a file', description: downloadDescription, operationId: 'getFile' } },
    '/files/{appId}/{fileId}/thumb': {
      get: { ...download, summary: "Download an image's thumbnail (WebP)", description: `At most ${Limits.THUMBNAIL_MAX_SIDE} px on its longest side; otherwise served as the file is.`, operationId: 'getFileThumb' },
    },
  };
}
