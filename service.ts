// Assembles the whole service: config → db → payment gateway → core → API, bot, jobs (and,
// with no credentials at all or SANDBOX=on, the offline sandbox standing in for Telegram and Stripe).
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerType, serve } from '@hono/node-server';
import type { Config } from './config.js';
import type { Core } from './core/index.js';
import { type Clock, systemClock } from './core/kernel/index.js';
import { type DB, type Engine, getOrCreateSetting, openDatabase, randomSecret } from './db/connection.js';
import { ping } from './db/health.js';
import { type Lease, liveLease } from './db/leases.js';
import type { Jobs } from './jobs/index.js';
import { awaitLease, type HeldLease, holderIsHere, holderLabel, holdLease, leaseHolderId } from './jobs/lease.js';
import type { Logger } from './logger.js';

export interface RunningService {
  /** Where people reach the service (PUBLIC_URL or http://localhost:port). */
  url: string;
  /** The loopback address it listens on (tests, tools). */
  localUrl: string;
  /** The address the server is bound to (127.0.0.1 while the sandbox is on and HOST is unset). */
  host: string;
  core: Core;
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

/** The server could not listen; the message says why and what to do, for a person. */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

function listenError(err: NodeJS.ErrnoException, config: Config): ListenError {
  const { port, host } = config;
  const other = port === 0 || port >= 65535 ? 3001 : port + 1;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(
        `Port ${port} is already in use on ${host}: another program (perhaps another \`npm start\`) is listening there.\n` +
          `Stop it, or choose another port: PORT=${other} npm start (or set PORT in .env).`,
        err.code,
      );
    case 'EACCES':
      return new ListenError(
        `Not allowed to listen on port ${port} (ports below 1024 need privileges). Choose another port: PORT=3000 npm start (or set PORT in .env).`,
        err.code,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(
        `HOST=${host} is not an address of this machine. Leave HOST unset, or use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`,
        err.code,
      );
    default:
      return new ListenError(`Could not listen on ${host}:${port}: ${err.message}`, err.code);
  }
}

/** The lease a long-polling instance holds (db/leases.ts); short, so a crashed poller frees it soon. */
export const POLLING_LEASE = 'telegram-polling';
export const POLLING_LEASE_TTL_MS = 15_000;

/**
 * The lease an instance with the sandbox on holds, its holder naming its URL: the stand-ins keep
 * their chats in memory, so the notices of a second such instance on the same database would
 * reach the first one's web chat, never the one its readers use.
 */
export const SANDBOX_LEASE = 'sandbox';
const SANDBOX_LEASE_TTL_MS = 15_000;
const SANDBOX_ROLE = /^npm start at (\S+) \(/;

/** The sandbox is already served over this database by another live instance; the message names it. */
export class SandboxInUseError extends Error {
  constructor(readonly holder: string) {
    const url = SANDBOX_ROLE.exec(holder)?.[1];
    const who = /\(pid \d+ on [^,)]+/.exec(holder)?.[0].slice(1) ?? holderLabel(holder);
    super(
      `The library is already running on this database with the sandbox on${url ? `, at ${url}/sandbox/` : ''} (${who}): ` +
        'open that one, or stop it before starting another; a second library beside it needs its own DATABASE_PATH (or DATABASE_URL).',
    );
    this.name = 'SandboxInUseError';
  }
}

/** Takes the sandbox lease for `url`, at once from a crashed holder of this machine; refuses beside a live one. */
async function claimSandbox(db: DB, clock: Clock, url: string, logger: Logger): Promise<HeldLease> {
  const holder = leaseHolderId(`npm start at ${url}`);
  for (let attempt = 0; ; attempt++) {
    const held = await holdLease(db, clock, { name: SANDBOX_LEASE, holder, ttlMs: SANDBOX_LEASE_TTL_MS, logger, takeOver: true });
    if (held) return held;
    const current = await liveLease(db, SANDBOX_LEASE, clock.now().getTime());
    // Lapsed between the two reads: ask again rather than name a holder that is gone.
    if (current || attempt > 2) throw new SandboxInUseError(current?.holder ?? 'another instance');
  }
}

/** Said once while this instance waits to long-poll: who polls, and what to do for several instances. */
function pollingWaitMessage(current: Lease): string {
  const who = holderLabel(current.holder);
  const webhook =
    'Telegram hands updates to one long-polling client only: to run several instances, use webhook mode (set TELEGRAM_WEBHOOK_SECRET and PUBLIC_URL on every instance).';
  return holderIsHere(current.holder)
    ? `Another instance on this machine is receiving Telegram updates by long polling (${who}): this one serves the API and the jobs, and starts polling only when that one stops. ${webhook}`
    : `Another instance is receiving Telegram updates by long polling (${who}): this one serves the API and the jobs, and starts polling when that instance stops or its claim lapses (by ${new Date(current.expiresAt).toISOString()} if it has died). ${webhook}`;
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
  const { db, engine, applied } = opts.database ? { ...opts.database, applied: [] } : await openDatabase(config);
  if (applied.length) logger.info({ migrations: applied, database: engine.description }, 'database migrated');
  const webhookMode = Boolean(config.telegram.botToken && config.telegram.webhookSecret && config.publicUrlConfigured);
  const sandboxOn = config.sandbox.telegram || config.sandbox.stripe;
  // Before listening, so that a second `npm start` in the same folder names the first one's
  // address rather than its busy port. With PORT=0 (tests) the address is known only after.
  let sandboxLease: HeldLease | undefined;
  if (sandboxOn && config.port !== 0) {
    sandboxLease = await claimSandbox(db, clock, config.publicUrl, logger).catch(async (err: unknown) => {
      await engine.close();
      throw err;
    });
  }
  const jwtSecret = config.jwtSecret ?? (await getOrCreateSetting(db, 'jwt_secret', randomSecret));
  const stripeWebhookSecret =
    config.stripe.webhookSecret ??
    (await getOrCreateSetting(db, 'sandbox_stripe_webhook_secret', () => `whsec_${randomSecret()}`));

  // Listen first (the port may be 0 in tests): the in-process stand-ins need our address
  // before the bot and the payment gateway are built. Until the app is built, /health answers
  // from the database alone and other requests wait for the app (README, "Running it").
  // The env argument carries @hono/node-server's socket: without it no client has an address
  // and every throttling limit would be one bucket for the whole world.
  type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;
  let fetchApp: Fetch | undefined;
  let appBuilt: (app: Fetch) => void = () => undefined;
  const appReady = new Promise<Fetch>((resolve) => (appBuilt = resolve));
  const early: Fetch = async (req, env) => {
    if (new URL(req.url).pathname === '/health') {
      return ping(db).then(
        () => Response.json({ status: 'ok' }),
        () => Response.json({ status: 'unavailable' }, { status: 503 }),
      );
    }
    const app = await Promise.race([appReady, sleep(30_000, undefined, { ref: false }).then(() => undefined)]);
    return app ? app(req, env) : new Response('starting', { status: 503 });
  };
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: (req, env) => (fetchApp ?? early)(req, env), port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
    s.once('error', (err) => reject(listenError(err as NodeJS.ErrnoException, config)));
  }).catch(async (err: unknown) => {
    await sandboxLease?.release();
    await engine.close();
    throw err;
  });
  const { port, address: boundHost } = server.address() as AddressInfo;
  const localBase = `http://127.0.0.1:${port}`;
  const publicUrl = config.publicUrlConfigured ? config.publicUrl : `http://localhost:${port}`;
  if (sandboxOn && !sandboxLease) {
    sandboxLease = await claimSandbox(db, clock, publicUrl, logger).catch(async (err: unknown) => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
      throw err;
    });
  }
  const effectiveConfig: Config = { ...config, publicUrl };

  // The core, the API and the jobs, loaded only now: their modules take most of a start (a
  // second or more on a busy machine), and a supervisor's health check need not wait for them.
  const [
    { createCore, SYSTEM_ACTOR },
    { createStripeGateway },
    { createApi },
    { createUpdateGate },
    { createNoticeRenderer },
    { createJobs },
    personas,
  ] = await Promise.all([
    import('./core/index.js'),
    import('./gateways/stripe.js'),
    import('./api/app.js'),
    import('./bot/update-gate.js'),
    import('./bot/notice-renderer.js'),
    import('./jobs/index.js'),
    import('./sandbox/personas.js'),
  ]);
  const { SANDBOX_BOT_TOKEN, SANDBOX_LIBRARIAN_TELEGRAM_ID, SANDBOX_STRIPE_KEY } = personas;

  // The stand-ins and their pages are loaded only when the sandbox is on (memory, issue 16).
  const sandbox =
    config.sandbox.telegram || config.sandbox.stripe
      ? (await import('./sandbox/index.js')).createSandbox({
          config: effectiveConfig,
          logger,
          stripeWebhookSecret,
          localBase,
          port,
        })
      : undefined;

  // No key and no Stripe stand-in: payments answer "provider unavailable" and stay renewable.
  const gateway = createStripeGateway({
    secretKey: config.stripe.secretKey ?? SANDBOX_STRIPE_KEY,
    webhookSecret: stripeWebhookSecret,
    apiBase: config.sandbox.stripe
      ? `${localBase}/sandbox/stripe`
      : config.stripe.secretKey
        ? config.stripe.apiBase
        : 'http://127.0.0.1:9',
  });
  const core = createCore({
    db,
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
    const demoted = await core.users.revokeSandboxLibrarian(SYSTEM_ACTOR, SANDBOX_LIBRARIAN_TELEGRAM_ID);
    if (demoted.length) logger.info({ users: demoted }, 'sandbox off: the sandbox librarian account is no longer staff');
  }
  if (sandbox && realCredential) {
    logger.warn(
      {
        telegram: config.telegram.botToken ? 'real' : 'sandbox stand-in',
        stripe: config.stripe.secretKey ? 'real' : 'sandbox stand-in',
      },
      'SANDBOX=on beside a real credential: the sandbox librarian persona has no staff rights (staff commands in the sandbox chat are refused)',
    );
  }

  // A bot runs with a token, or against the sandbox's stand-in. Without one, grammy, its plugins
  // and the bot's screens are never loaded (memory, issue 16); notices still wait in the outbox.
  const botEnabled = Boolean(config.telegram.botToken) || config.sandbox.telegram;
  const botDoor = botEnabled
    ? await Promise.all([
        import('./bot/index.js'),
        import('./bot/storage.js'),
        import('./bot/start.js'),
        import('./bot/run.js'),
        import('./bot/polling-inbox.js'),
      ]).then(([index, storage, start, run, inbox]) => ({
        bot: index.createBot(config.telegram.botToken ?? SANDBOX_BOT_TOKEN, core, {
          storage: storage.databaseStorage(db, clock),
          apiRoot: config.sandbox.telegram ? `${localBase}/sandbox/telegram` : config.telegram.apiRoot,
          staffChatId: config.telegram.staffChatId,
          logger,
        }),
        startBot: start.startBot,
        createPollingInbox: inbox.createPollingInbox,
        webhookHandler: run.webhookHandler,
      }))
    : undefined;
  const bot = botDoor?.bot;

  const app = createApi({
    core,
    jwtSecret,
    logger,
    botUsername: () => (bot?.isInited() ? bot.botInfo.username : undefined),
    // The sandbox's bot is not on Telegram: its deep links open the web chat with /start <code> typed in.
    telegramLink: config.sandbox.telegram ? (_bot, code) => `${publicUrl}/sandbox/?start=${encodeURIComponent(code)}` : undefined,
    chatLink: config.sandbox.telegram ? () => '/sandbox/' : undefined,
    accessTtlSeconds: config.accessTokenTtlSeconds,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
    extraRoutes: (a) => {
      if (webhookMode && botDoor) {
        const gate = createUpdateGate({ db, locks: engine.keyedLocks() });
        a.post('/telegram/webhook', botDoor.webhookHandler(botDoor.bot, config.telegram.webhookSecret!, { gate }));
      }
      if (sandbox) sandbox.mount(a, core);
    },
  });
  fetchApp = app.fetch;
  appBuilt(app.fetch);

  if (sandbox) await sandbox.start(core);

  if (!botDoor) {
    logger.warn(
      config.stripe.secretKey
        ? 'TELEGRAM_BOT_TOKEN is unset: the bot is not started (a Stripe key is set, so the sandbox stand-in for Telegram is off; SANDBOX=on brings it back)'
        : 'TELEGRAM_BOT_TOKEN is unset and SANDBOX=off: the bot is not started',
    );
  }
  // One long-polling instance per library (any engine: two `npm start` on one SQLite file too).
  // A restart after a crash takes its dead predecessor's claim at once; a second live instance
  // serves everything but Telegram and polls only once the claim is free (README, "Several instances").
  const pollingHolder = leaseHolderId('npm start');
  const pollingTurn = async (signal: AbortSignal) => {
    let waited = false;
    const lease = await awaitLease(db, clock, {
      name: POLLING_LEASE,
      holder: pollingHolder,
      ttlMs: POLLING_LEASE_TTL_MS,
      logger,
      signal,
      onBusy: (current) => {
        waited = true;
        logger.warn(
          { lease: POLLING_LEASE, holder: current.holder, until: new Date(current.expiresAt).toISOString() },
          pollingWaitMessage(current),
        );
      },
    });
    if (lease && waited)
      logger.info({ lease: POLLING_LEASE }, 'long-polling claim taken: this instance now receives Telegram updates');
    return lease;
  };
  // In the background: the service serves while Telegram is slow or unreachable.
  const telegram = botDoor
    ? botDoor.startBot(botDoor.bot, {
        logger,
        staffChatId: config.telegram.staffChatId,
        webhook: webhookMode
          ? { url: `${config.publicUrl}/telegram/webhook`, secret: config.telegram.webhookSecret! }
          : undefined,
        attemptTimeoutMs: opts.telegramTimeoutMs,
        pollingTurn: config.telegram.botToken && !webhookMode ? pollingTurn : undefined,
        // Real Telegram only: the sandbox's stand-in keeps its updates in memory and numbers them
        // from 1 again at every start.
        inbox: config.telegram.botToken && !webhookMode ? botDoor.createPollingInbox({ db, logger }) : undefined,
      })
    : undefined;

  // Without a bot, notifications wait in the outbox for one (a token set later) instead of being
  // sent to Telegram with the stand-in's token. The bot renders them; the jobs deliver them.
  const jobs = createJobs({
    core,
    api: bot?.api,
    notices: createNoticeRenderer({ facts: core.payments.noticeFacts, links: core.payments.links }),
    logger,
    clock,
  });
  if (opts.startJobs !== false) jobs.start();

  const url = publicUrl;
  logger.info(
    {
      url,
      listening: `${config.host}:${port}`,
      docs: `${url}/api/docs/`,
      telegram: config.sandbox.telegram
        ? 'sandbox stand-in'
        : !config.telegram.botToken
          ? 'off (no TELEGRAM_BOT_TOKEN)'
          : webhookMode
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

  let stopping: Promise<void> | undefined;
  return {
    url,
    localUrl: localBase,
    host: boundHost,
    core,
    config: effectiveConfig,
    jobs,
    telegramStarted: telegram?.firstAttempt ?? Promise.resolve(),
    stop() {
      stopping ??= (async () => {
        await telegram?.stop();
        await sandboxLease?.release();
        await jobs.stop();
        await sandbox?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Long-lived connections (the sandbox's event stream, keep-alive) would hold close() open.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await engine.close();
      })();
      return stopping;
    },
  };
}
