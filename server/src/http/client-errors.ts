import { ErrorCode, ErrorStatus, type FailureEnvelope } from '@parley/sdk/protocol';
import { maxHeaderSize, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';

/**
 * Requests Node's HTTP parser refuses never reach Koa: without a `clientError` listener Node
 * writes a bare `431` or `400` (no envelope) and resets the connection, which can discard the
 * answer before the client reads it. This answers them in the envelope (DESIGN §3.1):
 * - a request line or headers over `maxHeaderSize` (16 KiB): 431 `HEADERS_TOO_LARGE`;
 * - chunk extensions too large: 413 `PAYLOAD_TOO_LARGE`;
 * - any other parse error (`HPE_INVALID_*`: bad method, header, version, chunk size, both
 *   Content-Length and Transfer-Encoding): 400 `INVALID_PARAMS` naming `request`;
 * - a head that did not arrive within the server's request timeout: a bare 408, as Node sends
 *   (the wire contract has no code for it).
 * Every answer carries `Connection: close`. Socket errors (ECONNRESET, EPIPE, ...) just close.
 */

/** How long a refused connection may stay open after its answer, for the client to read it and close. */
const LINGER_MS = 2000;

/** What Node's parser reports: `code` (`HPE_*`, `ECONNRESET`, ...) and, for parse errors, `reason`. */
type ClientError = Error & { code?: string; reason?: string };

/** The answer for a client error, or null when there is nobody to answer (the connection failed). */
function answerFor(error: ClientError): { status: number; envelope: FailureEnvelope | null } | null {
  const code = error.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return envelope(ErrorCode.HEADERS_TOO_LARGE, `the request line and headers must fit in ${Math.floor(maxHeaderSize / 1024)} KiB`);
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return envelope(ErrorCode.PAYLOAD_TOO_LARGE, 'the chunk extensions are larger than the server reads');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, envelope: null };
  if (code.startsWith('HPE_')) {
    // llhttp's reasons are fixed descriptions ("Invalid header token"), never request content.
    const reason = error.reason ? `: ${error.reason.charAt(0).toLowerCase()}${error.reason.slice(1)}` : '';
    return envelope(ErrorCode.INVALID_PARAMS, `request: is not well-formed HTTP/1.1${reason}`);
  }
  return null;
}

function envelope(code: ErrorCode, message: string): { status: number; envelope: FailureEnvelope } {
  return { status: ErrorStatus[code], envelope: { status: 0, code, message } };
}

/** Writes the answer straight to the socket (there is no response object) and closes it. */
function send(socket: Duplex, status: number, body: FailureEnvelope | null): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = body === null ? '' : JSON.stringify(body);
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    ...(body === null ? [] : ['Content-Type: application/json; charset=utf-8']),
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
  ];
  // end(), not write() then destroy(): a reset right after the write can discard the answer unread.
  socket.end(`${headers.join('\r\n')}\r\n\r\n${text}`);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The response Node is writing on this connection, if any. Node keeps it as `_httpMessage` (its
 * own default handler reads it the same way); no public API exposes it.
 */
function inFlight(socket: Duplex): ServerResponse | null {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? null;
}

/** Answers what the HTTP parser refuses in the envelope (see the module comment). */
export function answerClientErrors(server: Server, logger: Logger): void {
  // The parser reports again for every later chunk of a refused connection: answer once.
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const answer = answerFor(error);
    if (answer === null || !socket.writable) {
      socket.destroy();
      return;
    }
    logger.info({ status: answer.status, parserError: error.code }, 'request refused by the HTTP parser');

    const response = inFlight(socket);
    if (response === null || response.writableFinished) {
      send(socket, answer.status, answer.envelope);
    } else if (response.req.complete) {
      // The error is in a request pipelined after the one being answered: that answer comes first.
      let done = false;
      const after = () => {
        if (done) return;
        done = true;
        if (response.writableFinished) send(socket, answer.status, answer.envelope);
        else socket.destroy();
      };
      response.once('finish', after);
      response.once('close', after);
    } else if (!response.headersSent) {
      // The error is in the body of the request being answered, before its answer began: this is its answer.
      send(socket, answer.status, answer.envelope);
    } else {
      // Its answer is already under way and cannot be replaced: let it finish, then close.
      response.once('close', () => socket.destroy());
    }
  });
}
