// Assembles the whole service: config → db → payment gateway → core → API, bot, jobs (and,
// with no credentials at all or SANDBOX=on, the offline sandbox standing in for Telegram and Stripe).
// startService is the list of steps; each step below builds one thing and hands on what it made.
import type { Config } from './config.js';
import type { Core } from './core/index.js';
import { type Clock, systemClock } from './core/kernel/index.js';
import { type DB, type Engine, getOrCreateSetting, openDatabase, randomSecret } from './db/connection.js';
import type { Jobs } from './jobs/index.js';
import type { HeldLease } from './jobs/lease.js';
import type { Logger } from './logger.js';
import { claimSandbox, type Listening, listen, pollingTurn } from './service-claims.js';

export {
  ListenError,
  POLLING_LEASE,
  POLLING_LEASE_TTL_MS,
  SANDBOX_LEASE,
  SandboxInUseError,
} from './service-claims.js';

export interface RunningService {
  /** Where people reach the service (PUBLIC_URL or http://localhost:port). */
  url: string;
  /** The loopback address it listens on (tests, tools). */
  localUrl: string;
  /** The address the server is bound to (127.0.0.1 while the sandbox is on and HOST is unset). */
  host: string;
  core: Core;
  /** The database it serves (tests, tools); closed by stop(). */
  db: DB;
  config: Config;
  /** Its scheduled jobs and outbox dispatcher (started unless startJobs is false). */
  jobs: Jobs;
  /**
   * Settles once the bot's first attempt to reach Telegram has succeeded or failed (at once
   * without a bot). The service does not wait for it: it serves while Telegram is slow or away.
   */
  telegramStarted: Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  clock?: Clock;
  startJobs?: boolean;
  /** How long one attempt to reach Telegram may take (default 10 s; tests shorten it). */
  telegramTimeoutMs?: number;
  /**
   * A database already open and migrated, in place of the config's (tests: a PGlite world,
   * which has no URL); the service closes it when it stops.
   */
  database?: { db: DB; engine: Engine };
}

export async function startService(config: Config, opts: StartOptions): Promise<RunningService> {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const store = await openStore(config, opts, clock);
  const http = await listen(config, store.db, async () => {
    await store.sandboxLease?.release();
    await store.engine.close();
  });
  const sandboxLease = store.sandboxLease ?? (await claimSandboxOnceListening(config, store, http, clock, logger));
  const built: Assembly = { config, effectiveConfig: { ...config, publicUrl: http.publicUrl }, clock, logger, store, http };
  const doors = await loadDoors();
  const sandbox = await buildStandIns(built);
  const core = await buildCore(built, doors);
  const botDoor = await buildBot(built, core, doors);
  http.serve(buildApi(built, core, doors, botDoor, sandbox).fetch);
  if (sandbox) await sandbox.start(core);
  const telegram = startTelegram(built, botDoor, opts.telegramTimeoutMs);
  const jobs = startJobs(built, core, doors, botDoor, opts.startJobs !== false);
  logStarted(built, sandbox !== undefined);
  return {
    url: http.publicUrl,
    localUrl: http.localBase,
    host: http.host,
    core,
    db: store.db,
    config: built.effectiveConfig,
    jobs,
    telegramStarted: telegram?.firstAttempt ?? Promise.resolve(),
    stop: stopper({ telegram, sandboxLease, jobs, sandbox, http, store }),
  };
}

const sandboxOn = (config: Config) => config.sandbox.telegram || config.sandbox.stripe;
const webhookMode = (config: Config) =>
  Boolean(config.telegram.botToken && config.telegram.webhookSecret && config.publicUrlConfigured);

interface Store {
  db: DB;
  engine: Engine;
  /** Claimed before listening when the port is known (else once listening). */
  sandboxLease: HeldLease | undefined;
  jwtSecret: string;
  stripeWebhookSecret: string;
}

/** The database (migrated), the sandbox's claim when the port is known, and the secrets kept in it. */
async function openStore(config: Config, opts: StartOptions, clock: Clock): Promise<Store> {
  const { logger } = opts;
  const { db, engine, applied } = opts.database ? { ...opts.database, applied: [] } : await openDatabase(config);
  if (applied.length) logger.info({ migrations: applied, database: engine.description }, 'database migrated');
  // Before listening, so that a second `npm start` in the same folder names the first one's
  // address rather than its busy port. With PORT=0 (tests) the address is known only after.
  let sandboxLease: HeldLease | undefined;
  if (sandboxOn(config) && config.port !== 0) {
    sandboxLease = await claimSandbox(db, clock, config.publicUrl, logger).catch(async (err: unknown) => {
      await engine.close();
      throw err;
    });
  }
  const jwtSecret = config.jwtSecret ?? (await getOrCreateSetting(db, 'jwt_secret', randomSecret));
  const stripeWebhookSecret =
    config.stripe.webhookSecret ??
    (await getOrCreateSetting(db, 'sandbox_stripe_webhook_secret', () => `whsec_${randomSecret()}`));
  return { db, engine, sandboxLease, jwtSecret, stripeWebhookSecret };
}

/** With PORT=0 the sandbox is claimed once listening, for the address known only now. */
async function claimSandboxOnceListening(
  config: Config,
  store: Store,
  http: Listening,
  clock: Clock,
  logger: Logger,
): Promise<HeldLease | undefined> {
  if (!sandboxOn(config)) return undefined;
  return claimSandbox(store.db, clock, http.publicUrl, logger).catch(async (err: unknown) => {
    await new Promise<void>((resolve) => http.server.close(() => resolve()));
    await store.engine.close();
    throw err;
  });
}

/** What the steps after listening build from. */
interface Assembly {
  config: Config;
  /** The config with the public URL as now known (PORT=0 is known only once listening). */
  effectiveConfig: Config;
  clock: Clock;
  logger: Logger;
  store: Store;
  http: Listening;
}

/**
 * The core, the API, the jobs and the notice renderer, loaded only now: their modules take most of
 * a start (a second or more on a busy machine), and a supervisor's health check need not wait.
 */
async function loadDoors() {
  const [core, stripe, api, rateLimitStore, updateGate, noticeRenderer, jobs, personas] = await Promise.all([
    import('./core/index.js'),
    import('./gateways/stripe.js'),
    import('./api/app.js'),
    import('./db/rate-limit-store.js'),
    import('./bot/update-gate.js'),
    import('./bot/notice-renderer.js'),
    import('./jobs/index.js'),
    import('./sandbox/personas.js'),
  ]);
  return { ...core, ...stripe, ...api, ...rateLimitStore, ...updateGate, ...noticeRenderer, ...jobs, ...personas };
}
type Doors = Awaited<ReturnType<typeof loadDoors>>;

/** The stand-ins and their pages, loaded only when the sandbox is on (memory, issue 16). */
async function buildStandIns({ config, effectiveConfig, store, http, logger }: Assembly) {
  if (!sandboxOn(config)) return undefined;
  return (await import('./sandbox/index.js')).createSandbox({
    config: effectiveConfig,
    db: store.db,
    logger,
    stripeWebhookSecret: store.stripeWebhookSecret,
    localBase: http.localBase,
    port: http.port,
  });
}
type StandIns = Awaited<ReturnType<typeof buildStandIns>>;

/** The payment gateway and the core over the database; books made searchable; the sandbox librarian's rights. */
async function buildCore({ config, effectiveConfig, store, http, clock, logger }: Assembly, doors: Doors): Promise<Core> {
  // No key and no Stripe stand-in: payments answer "provider unavailable" and stay renewable.
  const gateway = doors.createStripeGateway({
    secretKey: config.stripe.secretKey ?? doors.SANDBOX_STRIPE_KEY,
    webhookSecret: store.stripeWebhookSecret,
    apiBase: config.sandbox.stripe
      ? `${http.localBase}/sandbox/stripe`
      : config.stripe.secretKey
        ? config.stripe.apiBase
        : 'http://127.0.0.1:9',
  });
  const core = doors.createCore({
    db: store.db,
    clock,
    config: effectiveConfig,
    gateway,
    logger,
    catalogueCacheMs: config.catalogueCacheSeconds * 1000,
  });
  // Before the first request: a book without its search text (one written before migration 007)
  // cannot be found by search.
  const filled = await core.books.fillSearchText();
  if (filled) logger.info({ books: filled }, 'search text written for books that had none');
  // SANDBOX=on beside a real credential: a web-chat librarian with staff rights could refund
  // real Stripe payments, so the persona stays a reader then (README, Configuration).
  const realCredential = Boolean(config.telegram.botToken || config.stripe.secretKey);
  if (!config.sandbox.telegram || realCredential) {
    // A database once used with the sandbox must not keep a staff account that a real Telegram
    // user with the persona's id would then be.
    const demoted = await core.users.revokeSandboxLibrarian(doors.SYSTEM_ACTOR, doors.SANDBOX_LIBRARIAN_TELEGRAM_ID);
    if (demoted.length) logger.info({ users: demoted }, 'sandbox off: the sandbox librarian account is no longer staff');
  }
  if (sandboxOn(config) && realCredential) {
    logger.warn(
      {
        telegram: config.telegram.botToken ? 'real' : 'sandbox stand-in',
        stripe: config.stripe.secretKey ? 'real' : 'sandbox stand-in',
      },
      'SANDBOX=on beside a real credential: the sandbox librarian persona has no staff rights (staff commands in the sandbox chat are refused)',
    );
  }
  return core;
}

/**
 * A bot runs with a token, or against the sandbox's stand-in. Without one, grammy, its plugins and
 * the bot's screens are never loaded (memory, issue 16); notices still wait in the outbox.
 */
async function buildBot({ config, store, http, clock, logger }: Assembly, core: Core, doors: Doors) {
  if (!config.telegram.botToken && !config.sandbox.telegram) return undefined;
  const [index, storage, start, run, inbox] = await Promise.all([
    import('./bot/index.js'),
    import('./bot/storage.js'),
    import('./bot/start.js'),
    import('./bot/run.js'),
    import('./bot/polling-inbox.js'),
  ]);
  return {
    bot: index.createBot(config.telegram.botToken ?? doors.SANDBOX_BOT_TOKEN, core, {
      storage: storage.databaseStorage(store.db, clock),
      apiRoot: config.sandbox.telegram ? `${http.localBase}/sandbox/telegram` : config.telegram.apiRoot,
      staffChatId: config.telegram.staffChatId,
      logger,
    }),
    startBot: start.startBot,
    createPollingInbox: inbox.createPollingInbox,
    webhookHandler: run.webhookHandler,
  };
}
type BotDoor = Awaited<ReturnType<typeof buildBot>>;

/** The REST API, with the Telegram webhook and the sandbox's pages on the same app. */
function buildApi({ config, store, http, logger }: Assembly, core: Core, doors: Doors, botDoor: BotDoor, sandbox: StandIns) {
  const bot = botDoor?.bot;
  const { publicUrl } = http;
  return doors.createApi({
    core,
    config,
    counters: doors.counterStoreFor(store.db),
    jwtSecret: store.jwtSecret,
    logger,
    botUsername: () => (bot?.isInited() ? bot.botInfo.username : undefined),
    // The sandbox's bot is not on Telegram: its deep links open the web chat with /start <code> typed in.
    telegramLink: config.sandbox.telegram ? (_bot, code) => `${publicUrl}/sandbox/?start=${encodeURIComponent(code)}` : undefined,
    chatLink: config.sandbox.telegram ? () => '/sandbox/' : undefined,
    accessTtlSeconds: config.accessTokenTtlSeconds,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
    extraRoutes: (a) => {
      if (webhookMode(config) && botDoor) {
        const gate = doors.createUpdateGate({ db: store.db, locks: store.engine.keyedLocks() });
        a.post('/telegram/webhook', botDoor.webhookHandler(botDoor.bot, config.telegram.webhookSecret!, { gate }));
      }
      if (sandbox) sandbox.mount(a, core);
    },
  });
}

/** In the background: the service serves while Telegram is slow or unreachable. */
function startTelegram({ config, store, clock, logger }: Assembly, botDoor: BotDoor, attemptTimeoutMs: number | undefined) {
  if (!botDoor) {
    logger.warn(
      config.stripe.secretKey
        ? 'TELEGRAM_BOT_TOKEN is unset: the bot is not started (a Stripe key is set, so the sandbox stand-in for Telegram is off; SANDBOX=on brings it back)'
        : 'TELEGRAM_BOT_TOKEN is unset and SANDBOX=off: the bot is not started',
    );
    return undefined;
  }
  const polling = Boolean(config.telegram.botToken) && !webhookMode(config);
  return botDoor.startBot(botDoor.bot, {
    logger,
    staffChatId: config.telegram.staffChatId,
    webhook: webhookMode(config)
      ? { url: `${config.publicUrl}/telegram/webhook`, secret: config.telegram.webhookSecret! }
      : undefined,
    attemptTimeoutMs,
    pollingTurn: polling ? pollingTurn(store.db, clock, logger) : undefined,
    // Real Telegram only: the sandbox's stand-in keeps its updates in memory and numbers them
    // from 1 again at every start.
    inbox: polling ? botDoor.createPollingInbox({ db: store.db, logger }) : undefined,
  });
}

/**
 * The schedules and the outbox dispatcher. Without a bot, notifications wait in the outbox for one
 * (a token set later) instead of being sent to Telegram with the stand-in's token. The bot renders
 * them; the jobs deliver them.
 */
function startJobs({ config, store, clock, logger }: Assembly, core: Core, doors: Doors, botDoor: BotDoor, start: boolean): Jobs {
  const jobs = doors.createJobs({
    core,
    db: store.db,
    clock,
    schedules: config.cron,
    api: botDoor?.bot.api,
    notices: doors.createNoticeRenderer({ facts: core.payments.noticeFacts, links: core.payments.links }),
    logger,
  });
  if (start) jobs.start();
  return jobs;
}

function logStarted({ config, http, logger }: Assembly, sandbox: boolean): void {
  const url = http.publicUrl;
  logger.info(
    {
      url,
      listening: `${config.host}:${http.port}`,
      docs: `${url}/api/docs/`,
      telegram: config.sandbox.telegram
        ? 'sandbox stand-in'
        : !config.telegram.botToken
          ? 'off (no TELEGRAM_BOT_TOKEN)'
          : webhookMode(config)
            ? 'real (webhook)'
            : 'real (long polling)',
      stripe: config.sandbox.stripe
        ? 'sandbox stand-in'
        : config.stripe.secretKey
          ? 'real'
          : 'off (no STRIPE_SECRET_KEY: payments unavailable, stay renewable)',
      sandbox: sandbox ? `${url}/sandbox/` : 'off',
    },
    sandbox ? `Library is up. Try it offline: ${url}/sandbox/` : `Library is up at ${url}`,
  );
}

/** The running service's stop, once however often asked: Telegram, the claims, the jobs, the stand-ins, the server, the database. */
function stopper(parts: {
  telegram: ReturnType<typeof startTelegram>;
  sandboxLease: HeldLease | undefined;
  jobs: Jobs;
  sandbox: StandIns;
  http: Listening;
  store: Store;
}): () => Promise<void> {
  const { telegram, sandboxLease, jobs, sandbox, http, store } = parts;
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await telegram?.stop();
      await sandboxLease?.release();
      await jobs.stop();
      await sandbox?.close();
      await new Promise<void>((resolve) => {
        http.server.close(() => resolve());
        // Long-lived connections (the sandbox's event stream, keep-alive) would hold close() open.
        (http.server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store.engine.close();
    })();
    return stopping;
  };
}
