import pino, { type LoggerOptions } from 'pino';
import type { Config } from '../config/index.js';

/** Paths that may hold personal data or secrets: never written to a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["smile-signature"]',
  '*.applicant',
  '*.fullName',
  '*.dateOfBirth',
  '*.email',
  '*.phone',
  '*.userToken',
  '*.accessToken',
  '*.password',
];

/** JSON logs; pretty only when a person is watching a terminal. */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>, name: string): LoggerOptions {
  return {
    name,
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(process.stdout.isTTY && config.env !== 'production'
      ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } }
      : {}),
  };
}

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, name: string) {
  return pino(loggerOptions(config, name));
}
