// The environment, parsed once. Nothing else in the project reads process.env.
import fs from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const intIn = (min: number, max: number, dflt: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(dflt));
const url = (what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .url(`${what} must be a URL such as http://localhost:3000`)
      .refine((u) => /^https?:\/\//.test(u), `${what} must start with http:// or https://`)
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  );
const cronExpr = (dflt: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(dflt)
      .refine((e) => cron.validate(e), 'must be a valid cron expression, e.g. "0 9 * * *"'),
  );
const timeZone = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as UTC or Europe/Kyiv'),
);

const PORT_MESSAGE = 'PORT must be a whole number from 1 to 65535';

const EnvSchema = z.object({
  NODE_ENV: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATABASE_PATH: z.preprocess(emptyToUndefined, z.string().default('./data/library.db')),
  // Set: PostgreSQL (SPEC §12), and DATABASE_PATH is not used.
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^postgres(ql)?:\/\/\S+$/i,
        'must be a PostgreSQL URL such as postgres://user:password@localhost:5432/library (leave it empty for SQLite at DATABASE_PATH)',
      )
      .optional(),
  ),
  // Digits only ("3000.5", "0x50" and "80 80" are mistakes, not ports); 0, any free port, is for tests.
  PORT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('3000')
      .refine((p) => /^\s*\d{1,5}\s*$/.test(p) && Number(p) <= 65535, PORT_MESSAGE)
      .transform(Number),
  ),
  // Unset: 127.0.0.1 while the sandbox is on (its stand-ins trust whoever reaches them), else 0.0.0.0.
  HOST: optionalString,
  PUBLIC_URL: url('PUBLIC_URL'),
  JWT_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters long').optional()),
  ACCESS_TOKEN_TTL_MINUTES: intIn(1, 24 * 60, 15),
  REFRESH_TOKEN_TTL_DAYS: intIn(1, 365, 7),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF… (from @BotFather)')
      .optional(),
  ),
  TELEGRAM_STAFF_CHAT_ID: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().refine(Number.isSafeInteger, 'must be a chat id').optional(),
  ),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT'),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
  ),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: url('STRIPE_API_BASE'),
  LIBRARY_TIMEZONE: timeZone,
  MAX_LOAN_DAYS: intIn(1, 365, 30),
  MAX_ACTIVE_LOANS: intIn(1, 100, 3),
  FINE_MULTIPLIER: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(100).default(2)),
  DUE_SOON_DAYS: intIn(0, 60, 2),
  MAX_HOLDS: intIn(1, 100, 5),
  HOLD_PICKUP_HOURS: intIn(1, 24 * 30, 48),
  MAX_RENEWALS: intIn(0, 100, 2),
  OVERDUE_REPORT_CRON: cronExpr('0 9 * * *'),
  DUE_SOON_CRON: cronExpr('0 9 * * *'),
  // 0: no catalogue cache (every read goes to the database).
  CATALOGUE_CACHE_SECONDS: intIn(0, 3600, 30),
  SANDBOX: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0')),
  AUTH_RATE_LIMIT: z.preprocess(emptyToUndefined, z.enum(['on', 'off'], { error: 'must be on or off' }).default('on')),
});

/** Every variable the service reads (.env.sample lists each one). */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** The staff chat id the offline sandbox uses when TELEGRAM_STAFF_CHAT_ID is unset. */
export const SANDBOX_STAFF_CHAT_ID = -1001000000001;

export interface Config {
  env: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  databasePath: string;
  /** PostgreSQL's URL when set (SPEC §12); unset: SQLite at databasePath. */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  /** Base URL the outside world reaches us at (success/cancel URLs, webhooks). */
  publicUrl: string;
  publicUrlConfigured: boolean;
  /** Unset → a secret is generated once and kept in the database (see db/settings). */
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  telegram: {
    botToken: string | undefined;
    staffChatId: number | undefined;
    apiRoot: string;
    apiRootConfigured: boolean;
    webhookSecret: string | undefined;
  };
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiBase: string | undefined;
  };
  /**
   * Which stand-ins the offline sandbox provides. SANDBOX=auto: both, and only while neither a
   * Telegram token nor a Stripe key is set; on: one for each part without a real credential.
   */
  sandbox: { telegram: boolean; stripe: boolean };
  rules: {
    timeZone: string;
    maxLoanDays: number;
    maxActiveLoans: number;
    fineMultiplier: number;
    dueSoonDays: number;
    /** Active (WAITING or READY) holds a reader may have at once (SPEC §11). */
    maxHolds: number;
    /** How long a copy set aside for a READY hold waits for its reader. */
    holdPickupHours: number;
    /** How many times one loan may be extended. */
    maxRenewals: number;
  };
  cron: { overdueReport: string; dueSoon: string };
  /**
   * How long catalogue reads (book lists and details) may be kept in memory; 0 = no cache. Every
   * read still checks the database's change token, so a commit anywhere shows at once.
   */
  catalogueCacheSeconds: number;
  /** TRUST_PROXY=1: client addresses come from the proxy's X-Forwarded-For entry. */
  trustProxy: boolean;
  /** AUTH_RATE_LIMIT: throttling of logins, registrations, link codes and uncached searches. */
  authRateLimit: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.') || '(environment)';
        // A message that is a whole sentence about its variable stands as it is.
        return i.message.startsWith(`${name} `) ? i.message : `${name}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    problems.push(
      'STRIPE_WEBHOOK_SECRET: is required when STRIPE_SECRET_KEY is set (whsec_… from the Stripe dashboard or `stripe listen`)',
    );
  }
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_SECRET && !e.PUBLIC_URL) {
    problems.push('PUBLIC_URL: is required when TELEGRAM_WEBHOOK_SECRET is set (Telegram must reach the webhook)');
  }
  if (problems.length) throw new ConfigError(problems);

  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  // A stand-in beside a real credential would serve real readers (an anonymous "Pay" marking real
  // loans paid, a sandbox librarian refunding real payments): auto never mixes them.
  const anyCredential = Boolean(e.TELEGRAM_BOT_TOKEN || e.STRIPE_SECRET_KEY);
  const sandboxOn = e.SANDBOX === 'on' || (e.SANDBOX === 'auto' && !anyCredential);
  const telegramSandbox = sandboxOn && !e.TELEGRAM_BOT_TOKEN;
  const stripeSandbox = sandboxOn && !e.STRIPE_SECRET_KEY;
  return {
    env: e.NODE_ENV ?? 'development',
    logLevel: e.LOG_LEVEL,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST ?? (telegramSandbox || stripeSandbox ? '127.0.0.1' : '0.0.0.0'),
    publicUrl,
    publicUrlConfigured: Boolean(e.PUBLIC_URL),
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_MINUTES * 60,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_DAYS * 24 * 3600,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      // The sandbox's librarian chat stands in when no real staff chat is configured.
      staffChatId: e.TELEGRAM_STAFF_CHAT_ID ?? (telegramSandbox ? SANDBOX_STAFF_CHAT_ID : undefined),
      apiRoot: e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org',
      apiRootConfigured: Boolean(e.TELEGRAM_API_ROOT),
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
    },
    sandbox: { telegram: telegramSandbox, stripe: stripeSandbox },
    rules: {
      timeZone: e.LIBRARY_TIMEZONE,
      maxLoanDays: e.MAX_LOAN_DAYS,
      maxActiveLoans: e.MAX_ACTIVE_LOANS,
      fineMultiplier: e.FINE_MULTIPLIER,
      dueSoonDays: e.DUE_SOON_DAYS,
      maxHolds: e.MAX_HOLDS,
      holdPickupHours: e.HOLD_PICKUP_HOURS,
      maxRenewals: e.MAX_RENEWALS,
    },
    cron: { overdueReport: e.OVERDUE_REPORT_CRON, dueSoon: e.DUE_SOON_CRON },
    catalogueCacheSeconds: e.CATALOGUE_CACHE_SECONDS,
    trustProxy: e.TRUST_PROXY === '1',
    authRateLimit: e.AUTH_RATE_LIMIT === 'on',
  };
}

// A line that is neither NAME=value, a comment nor blank makes Node's parser glue it to the
// next line's name, so that variable silently vanishes: refuse the file instead.
const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=(.*)$/;

/** Line numbers (1-based) of `.env` lines that are not `NAME=value`, a comment or blank. */
export function malformedEnvLines(content: string): number[] {
  const lines = content.split(/\r?\n/);
  const bad: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      bad.push(i + 1);
      continue;
    }
    // A quoted value may run over several lines (Node supports that): skip to its closing quote.
    const value = m[1]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) < 0) {
      const close = lines.findIndex((l, j) => j > i && l.includes(quote));
      if (close > i) i = close;
    }
  }
  return bad;
}

/**
 * Loads `.env` from the working directory into the environment (SPEC §6). Node's loader never
 * overrides a variable that is already set, so the real environment wins. A missing file is
 * fine; a malformed one is a ConfigError naming its lines (never their contents: secrets).
 */
export function loadEnvFile(file = '.env'): boolean {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new ConfigError([`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  const bad = malformedEnvLines(content);
  if (bad.length) {
    throw new ConfigError(bad.map((n) => `${file} line ${n}: expected NAME=value, a # comment or a blank line`));
  }
  process.loadEnvFile(file);
  return true;
}

/**
 * For entry points (npm start, the CLI commands): `.env` loaded, then the config — or a clear
 * message naming each bad variable (or .env line) and exit 1.
 */
export const loadConfigOrExit = (): Config =>
  exitOnConfigError(() => {
    loadEnvFile();
    return loadConfig(process.env);
  });

/** For entry points that read no config themselves (the benchmarks): `.env` loaded, or exit 1. */
export const loadEnvFileOrExit = (): void => exitOnConfigError(() => void loadEnvFile());

function exitOnConfigError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/** A config for tests and tools: defaults plus overrides, never reading process.env. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', SANDBOX: 'off', ...overrides });
}
