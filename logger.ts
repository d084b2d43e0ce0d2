import pino, { type Logger } from 'pino';

/** Structured logs; anything that could carry a secret is redacted. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'password', '*.password', 'password_hash', '*.password_hash',
        'token', '*.token', 'access', 'refresh', '*.access', '*.refresh',
        'req.headers.authorization', 'req.headers.authorize', 'req.headers.cookie',
        'headers.authorization', 'headers.authorize', 'headers["stripe-signature"]',
        'headers["x-telegram-bot-api-secret-token"]', 'secretKey', 'webhookSecret', 'jwtSecret', 'botToken',
      ],
      censor: '[redacted]',
    },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
export type { Logger };
