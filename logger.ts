import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs; anything that could carry a secret is redacted. `human`: each entry as one line
 * for people (time, level, message, then its fields), for a terminal; else JSON lines.
 */
export function createLogger(level: string = 'info', destination?: DestinationStream, opts: { human?: boolean } = {}): Logger {
  // Lines for people are written at once, so they stay in order with what the program prints.
  const out = destination ?? (opts.human ? pino.destination({ dest: 1, sync: true }) : pino.destination(1));
  return pino(
    {
      level,
      base: undefined,
      // An error is logged by what it is, never by what it carried (see errorForLog).
      serializers: { err: (e: unknown) => (e instanceof Error ? errorForLog(e) : e) },
      redact: {
        paths: [
          'password',
          '*.password',
          'password_hash',
          '*.password_hash',
          'token',
          '*.token',
          'access',
          'refresh',
          '*.access',
          '*.refresh',
          'req.headers.authorization',
          'req.headers.authorize',
          'req.headers.cookie',
          'headers.authorization',
          'headers.authorize',
          'headers["stripe-signature"]',
          'headers["x-telegram-bot-api-secret-token"]',
          'secretKey',
          'webhookSecret',
          'jwtSecret',
          'botToken',
        ],
        censor: '[redacted]',
      },
    },
    opts.human ? { write: (line: string) => out.write(humanLine(line)) } : out,
  );
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const pad = (n: number) => String(n).padStart(2, '0');

/** One pino JSON line as a line for people: `14:03:07 INFO  Library is up …  url=… sandbox=…`. */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, ...fields } = entry;
  const at = new Date(typeof time === 'number' ? time : Date.now());
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const rest = Object.entries(fields)
    .map(([k, v]) => {
      const text =
        typeof v === 'string'
          ? v
          : JSON.stringify(k === 'err' && v && typeof v === 'object' && 'message' in v ? (v as { message: unknown }).message : v);
      return `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : text}`;
    })
    .join(' ');
  return `${clock} ${LEVELS[level as number] ?? String(level)} ${typeof msg === 'string' ? msg : ''}${rest ? `  ${rest}` : ''}\n`;
}

const first8 = (s: string) => (s.length > 8 ? `${s.slice(0, 8)}…` : s);

/**
 * A path, URL or message with its capabilities cut down: a bot token out entirely, a pay link's
 * token (`/payments/checkout/<token>`) and a Checkout Session id (`cs_…`, which opens the
 * anonymous pages) to their first 8 characters — enough to tell two apart in a log, not to use.
 */
export function redactUrlSecrets(text: string): string {
  return text
    .replace(/\/bot\d+:[^/\s'"]+/g, '/bot<redacted>')
    .replace(/(\/payments\/checkout\/)([^/?#\s'"]+)/gi, (_m, at: string, token: string) => at + first8(token))
    .replace(/\bcs_[A-Za-z0-9_]+/g, first8);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

/**
 * An error as a log may keep it. A grammY GrammyError carries the whole request it failed
 * (texts, checkout URLs, keyboards) in `payload`, and an HttpError the fetch error, whose
 * message can hold the Bot API URL with the bot token: only the method, the code and the
 * description are kept. Anything else: its type, message and stack.
 */
export function errorForLog(err: unknown): Record<string, unknown> {
  if (!err || typeof err !== 'object') return { message: String(err) };
  const e = err as {
    name?: unknown;
    message?: unknown;
    stack?: unknown;
    method?: unknown;
    error_code?: unknown;
    description?: unknown;
    parameters?: { retry_after?: unknown };
    error?: unknown;
  };
  // grammY's BotError (bot.catch) wraps what the middleware threw.
  if (e.name === 'BotError' && e.error !== undefined) return errorForLog(e.error);
  if (typeof e.method === 'string' && typeof e.error_code === 'number') {
    const out: Record<string, unknown> = {
      type: 'GrammyError',
      method: e.method,
      error_code: e.error_code,
      description: e.description,
    };
    if (e.parameters?.retry_after !== undefined) out.retry_after = e.parameters.retry_after;
    return out;
  }
  const message = redactUrlSecrets(typeof e.message === 'string' ? e.message : String(err));
  if (e.name === 'HttpError') {
    const cause = e.error as { name?: unknown; code?: unknown } | undefined;
    return {
      type: 'HttpError',
      message,
      cause: cause && typeof cause === 'object' ? { type: cause.name, code: cause.code } : undefined,
    };
  }
  return {
    type: typeof e.name === 'string' ? e.name : 'Error',
    message,
    stack: typeof e.stack === 'string' ? redactUrlSecrets(e.stack) : undefined,
  };
}
export type { Logger };
