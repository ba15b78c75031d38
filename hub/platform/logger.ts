import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'hub' },
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', 'headers.cookie', '*.password', '*.token', 'password', 'token'],
      censor: '[redacted]',
    },
  }, destination);
}
