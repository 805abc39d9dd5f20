import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * What the log may hold in memory while stdout is slower than the lines it is sent (a stalled
 * pipe or terminal); lines beyond it are dropped rather than held.
 */
const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

/** Lines are written in batches of about this many bytes... */
const LOG_BATCH_BYTES = 32 * 1024;
/** ...or after this long, whichever comes first. */
const LOG_FLUSH_MS = 200;

/**
 * JSON logs on stdout, written asynchronously and in batches: lines are queued and handed to the
 * kernel up to {@link LOG_BATCH_BYTES} at a time, or within {@link LOG_FLUSH_MS} when fewer come,
 * instead of one blocking `write` per line on the event loop (one per request: about 6 % of a
 * signed request's time). Lines still queued are written synchronously when the process exits.
 *
 * Secrets are redacted by key wherever they appear in a logged object, as a second line of
 * defence: code never logs request bodies or headers in the first place.
 */
export function createLogger(level: string): Logger {
  const { destination, noteLine } = stdoutDestination();
  return pino({
    hooks: {
      streamWrite: (line) => {
        noteLine();
        return line;
      },
    },
    level,
    base: { service: 'parley' },
    redact: {
      paths: [
        'appSecret',
        '*.appSecret',
        'secret',
        '*.secret',
        'previousSecret',
        '*.previousSecret',
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        '*.headers.authorization',
      ],
      censor: '[redacted]',
    },
  }, destination);
}

interface StdoutDestination {
  destination: ReturnType<typeof pino.destination>;
  /** Tells the flush timer that a line is waiting. */
  noteLine(): void;
}

let stdout: StdoutDestination | undefined;

/**
 * One batching writer for the process, whatever number of loggers share it (tests compose many
 * servers in one process): two writers on the same descriptor could split a line between their
 * batches, and each would keep a timer.
 */
function stdoutDestination(): StdoutDestination {
  if (stdout) return stdout;
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, maxWrite: 2 * LOG_BATCH_BYTES, maxLength: LOG_BUFFER_MAX_BYTES });
  let unwritten = false;
  setInterval(() => {
    if (!unwritten) return;
    unwritten = false;
    destination.flush();
  }, LOG_FLUSH_MS).unref();
  stdout = { destination, noteLine: () => (unwritten = true) };
  return stdout;
}
