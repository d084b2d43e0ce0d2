// What the service claims before it serves, and how it says why it cannot (service.ts): the port
// (a ListenError a person can act on), the sandbox (one instance with the stand-ins per database)
// and long polling (one poller per library), through the leases of db/leases.ts.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerType, serve } from '@hono/node-server';
import type { Config } from './config.js';
import type { Clock } from './core/kernel/index.js';
import type { DB } from './db/connection.js';
import { ping } from './db/health.js';
import { type Lease, liveLease } from './db/leases.js';
import { awaitLease, type HeldLease, holderIsHere, holderLabel, holdLease, leaseHolderId } from './jobs/lease.js';
import type { Logger } from './logger.js';

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

export function listenError(err: NodeJS.ErrnoException, config: Config): ListenError {
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

type Fetch = (req: Request, env: unknown) => Response | Promise<Response>;

export interface Listening {
  server: ServerType;
  port: number;
  /** The address the server is bound to. */
  host: string;
  localBase: string;
  publicUrl: string;
  /** From now on requests go to the app. */
  serve(app: Fetch): void;
}

/**
 * Listen first (the port may be 0 in tests): the in-process stand-ins need our address before
 * the bot and the payment gateway are built. Until the app is built, /health answers from the
 * database alone and other requests wait for the app (README, "Running it"). The env argument
 * carries @hono/node-server's socket: without it no client has an address and every throttling
 * limit would be one bucket for the whole world.
 */
export async function listen(config: Config, db: DB, giveUp: () => Promise<void>): Promise<Listening> {
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
    await giveUp();
    throw err;
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    server,
    port,
    host: address,
    localBase: `http://127.0.0.1:${port}`,
    publicUrl: config.publicUrlConfigured ? config.publicUrl : `http://localhost:${port}`,
    serve(app) {
      fetchApp = app;
      appBuilt(app);
    },
  };
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
export async function claimSandbox(db: DB, clock: Clock, url: string, logger: Logger): Promise<HeldLease> {
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

/**
 * This instance's turn to long-poll (bot/start.ts): one long-polling instance per library (any
 * engine: two `npm start` on one SQLite file too). A restart after a crash takes its dead
 * predecessor's claim at once; a second live instance serves everything but Telegram and polls
 * only once the claim is free (README, "Several instances").
 */
export function pollingTurn(db: DB, clock: Clock, logger: Logger) {
  const holder = leaseHolderId('npm start');
  return async (signal: AbortSignal) => {
    let waited = false;
    const lease = await awaitLease(db, clock, {
      name: POLLING_LEASE,
      holder,
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
}
