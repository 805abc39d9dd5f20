import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Secrets are redacted by key wherever they appear in a logged object, as a
 * second line of defence: code never logs request bodies or headers in the first place.
 */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}
