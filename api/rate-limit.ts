// Throttling of the doors a password guesser knocks on (README, "Security settings"). Limits are
// per client address and, for failed logins, per account — without ever locking the owner out:
// after 10 failures for an account within 15 minutes, an address that has not logged in to it
// within 30 days waits before each try (1 s, doubling up to 15 minutes), while an address that
// did is not slowed; only a pair (account, address) with 10 failures is refused outright, for
// 15 minutes. Catalogue searches that cost the database real work are throttled per address
// too. The counters live in a CounterStore (db/rate-limit-store.ts): memory on SQLite,
// shared by every instance on PostgreSQL.
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { BurstyRateLimiter, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError, type ErrorCode, isDomainError } from '../core/kernel/index.js';
import type { Counter, CounterStore } from '../db/rate-limit-store.js';
import type { AppEnv } from './env.js';

export interface AuthLimits {
  /** Login attempts from one address per minute: a class on one school network logs in at once. */
  loginsPerAddressPerMinute: number;
  /** Registrations from one address per minute, for the same class signing up. */
  registrationsPerAddressPerMinute: number;
  /** Failed logins from one address per hour: slow guessing spread over many accounts. */
  failuresPerAddressPerHour: number;
  /** Failed password checks per account (logins, or a wrong current_password)… */
  failuresPerAccount: number;
  /**
   * …within this many seconds. Failed logins: then addresses new to the account are slowed down.
   * A wrong current_password (the caller holds a token): then the account's checks answer 429.
   */
  accountWindowSec: number;
  /** Failed logins for one account from one address within accountWindowSec: then that pair is refused as long. */
  failuresPerAccountAndAddress: number;
  /** The longest wait before each try of a slowed-down login (the wait doubles from 1 s up to it). */
  slowDownMaxSec: number;
  /** Telegram link codes one user may create per 10 minutes. */
  linkCodesPerUser: number;
  /** Searches the catalogue cache cannot answer, from one address at once (a burst)… */
  searchBurst: number;
  /** …and then per second. */
  searchesPerSecond: number;
}

export const DEFAULT_LIMITS: AuthLimits = {
  loginsPerAddressPerMinute: 30,
  registrationsPerAddressPerMinute: 30,
  failuresPerAddressPerHour: 100,
  failuresPerAccount: 10,
  accountWindowSec: 15 * 60,
  failuresPerAccountAndAddress: 10,
  slowDownMaxSec: 15 * 60,
  linkCodesPerUser: 5,
  searchBurst: 30,
  searchesPerSecond: 5,
};

/** The wait (seconds) before each try at the n-th step of a slow-down: 1, 2, 4, … up to maxSec. */
export const slowDownSeconds = (level: number, maxSec: number) => Math.min(maxSec, 2 ** Math.min(Math.max(level, 1) - 1, 30));
/** How long the part of a search burst above the per-second rate takes to come back. */
const SEARCH_BURST_WINDOW_SEC = 60;

export interface AuthThrottle {
  /** The client's address as the limits see it. */
  clientAddress(c: Context): string;
  /** Before registering: per address. */
  registration: MiddlewareHandler<AppEnv>;
  /** After requireUser, before creating a link code: per user. */
  linkCode: MiddlewareHandler<AppEnv>;
  /** Runs a login attempt (INVALID_CREDENTIALS when it fails) under the address and account limits. */
  login<T>(c: Context, email: string, attempt: () => Promise<T>): Promise<T>;
  /** Runs a request that checks the caller's current password under the account limit. */
  passwordCheck<T>(userId: number, attempt: () => Promise<T>): Promise<T>;
  /** Before a search the catalogue cache cannot answer: per address, RATE_LIMITED past the limit. */
  search(c: Context): Promise<void>;
}

export interface AuthThrottleOptions {
  store: CounterStore;
  /** false (AUTH_RATE_LIMIT=off): nothing is ever refused. */
  enabled: boolean;
  /** TRUST_PROXY=1: the address is the last X-Forwarded-For entry (the one our proxy appended). */
  trustProxy: boolean;
  limits?: Partial<AuthLimits>;
  /** Told once when TRUST_PROXY=1 but a request carries no usable X-Forwarded-For. */
  logger?: Pick<Logger, 'warn'>;
  /** Whether this address logged in to the account of this email within 30 days (core.users.loggedInFrom). */
  loggedInFrom?: (email: string, address: string) => Promise<boolean>;
}

const limited = (ms: number, message: string) => {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new DomainError('RATE_LIMITED', `${message}; try again in ${seconds} s`, { retry_after: seconds });
};

/** One point for key, or RATE_LIMITED with how long to wait. */
async function take(
  counter: Pick<Counter, 'consume'>,
  key: string,
  message: string,
  options?: { customDuration: number },
): Promise<void> {
  try {
    await counter.consume(key, 1, options);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw limited(e.msBeforeNext, message);
    throw e;
  }
}

const isCode = (e: unknown, code: ErrorCode) => isDomainError(e) && e.code === code;

export function createAuthThrottle(opts: AuthThrottleOptions): AuthThrottle {
  let warned = false;
  // Behind a proxy that sends no X-Forwarded-For every client would share the proxy's address.
  const noForwardedFor = () => {
    if (warned) return;
    warned = true;
    opts.logger?.warn('TRUST_PROXY=1 but a request came without a usable X-Forwarded-For; throttling it by the socket address');
  };
  const clientAddress = (c: Context) => addressOf(c, opts.trustProxy, noForwardedFor);
  if (!opts.enabled) {
    const pass: MiddlewareHandler<AppEnv> = (_c, next) => next();
    return {
      clientAddress,
      registration: pass,
      linkCode: pass,
      login: (_c, _e, attempt) => attempt(),
      passwordCheck: (_u, attempt) => attempt(),
      search: async () => undefined,
    };
  }
  const l = { ...DEFAULT_LIMITS, ...opts.limits };
  const { store } = opts;
  const logins = store.counter({ name: 'login-address', points: l.loginsPerAddressPerMinute, durationSec: 60 });
  const registrations = store.counter({ name: 'register-address', points: l.registrationsPerAddressPerMinute, durationSec: 60 });
  const addressFailures = store.counter({ name: 'login-fail-address', points: l.failuresPerAddressPerHour, durationSec: 3600 });
  const passwordChecks = store.counter({
    name: 'password-check-user',
    points: l.failuresPerAccount,
    durationSec: l.accountWindowSec,
    blockSec: l.accountWindowSec,
  });
  const linkCodes = store.counter({ name: 'link-code-user', points: l.linkCodesPerUser, durationSec: 600 });
  // Failed logins: per account (attempts in flight count until they turn out not to fail)…
  const accountFailures = store.counter({
    name: 'login-failures-account',
    points: l.failuresPerAccount,
    durationSec: l.accountWindowSec,
  });
  // …per account and address, refused once over…
  const pairFailures = store.counter({
    name: 'login-failures-pair',
    points: l.failuresPerAccountAndAddress,
    durationSec: l.accountWindowSec,
    blockSec: l.accountWindowSec,
  });
  // …the slow-down's step per account (kept until accountWindowSec after the last failure)…
  const slowDownLevel = store.counter({
    name: 'login-slowdown-level',
    points: Number.MAX_SAFE_INTEGER,
    durationSec: l.accountWindowSec,
  });
  // …and its gate: one try at a time for addresses new to the account, none until the wait is over.
  const slowDownGate = store.counter({ name: 'login-slowdown-gate', points: 1, durationSec: l.slowDownMaxSec });
  const loggedInFrom = opts.loggedInFrom ?? (async () => false);
  // The steady rate per second; past it, the rest of the burst (which comes back by the minute).
  const searches = new BurstyRateLimiter(
    store.counter({ name: 'search-address', points: l.searchesPerSecond, durationSec: 1 }),
    store.counter({
      name: 'search-address-burst',
      points: Math.max(1, l.searchBurst - l.searchesPerSecond),
      durationSec: SEARCH_BURST_WINDOW_SEC,
    }),
  );

  /**
   * A point is reserved on the account before the password is checked, so parallel guesses
   * cannot all slip past the limit while the hash is computed; it is given back unless the
   * check failed. Giving back only this attempt's point means a success never wipes out
   * failures someone else caused.
   */
  async function guarded<T>(accountKey: string, failure: ErrorCode, attempt: () => Promise<T>): Promise<T> {
    await take(passwordChecks, accountKey, 'Too many failed password attempts for this account');
    try {
      const result = await attempt();
      await passwordChecks.reward(accountKey);
      return result;
    } catch (e) {
      if (!isCode(e, failure)) await passwordChecks.reward(accountKey);
      throw e;
    }
  }

  /** After a failed login: once the account is slowed down, the next try of a new address waits twice as long. */
  async function slowDown(account: string): Promise<void> {
    const failures = (await accountFailures.get(account))?.consumedPoints ?? 0;
    const level = (await slowDownLevel.get(account))?.consumedPoints ?? 0;
    if (failures < l.failuresPerAccount && level === 0) return;
    const wait = slowDownSeconds(level + 1, l.slowDownMaxSec);
    await slowDownLevel.set(account, level + 1, l.accountWindowSec + wait);
    await slowDownGate.block(account, wait);
  }

  async function login<T>(c: Context, email: string, attempt: () => Promise<T>): Promise<T> {
    const address = clientAddress(c);
    await take(logins, address, 'Too many login attempts from your network');
    const failed = await addressFailures.get(address);
    if (failed && failed.consumedPoints >= l.failuresPerAddressPerHour)
      throw limited(failed.msBeforeNext, 'Too many failed logins from your network');
    const normalized = email.trim().toLowerCase();
    const account = `email:${normalized}`;
    const pair = `${account}|${address}`;
    // What this attempt reserved, given back unless it turns out a failed login.
    const reserved: Array<() => Promise<unknown>> = [];
    const giveBack = () => Promise.all(reserved.splice(0).map((undo) => undo()));
    try {
      await take(pairFailures, pair, 'Too many failed logins for this account from your network');
      reserved.push(() => pairFailures.reward(pair));
      const inFlight = await accountFailures.penalty(account);
      reserved.push(() => accountFailures.reward(account));
      const slowed =
        inFlight.consumedPoints > l.failuresPerAccount || ((await slowDownLevel.get(account))?.consumedPoints ?? 0) > 0;
      if (slowed && !(await loggedInFrom(normalized, address))) {
        // Held while this try runs (a minute at most, should the process die meanwhile).
        await take(
          slowDownGate,
          account,
          'This account had many failed logins: from a network it was not used from, wait before each try',
          { customDuration: 60 },
        );
        reserved.push(() => slowDownGate.delete(account));
      }
    } catch (e) {
      await giveBack();
      throw e;
    }
    try {
      const result = await attempt();
      await giveBack();
      return result;
    } catch (e) {
      if (!isCode(e, 'INVALID_CREDENTIALS')) {
        await giveBack();
        throw e;
      }
      reserved.length = 0; // a failure: its points stay
      await addressFailures.penalty(address);
      await slowDown(account);
      throw e;
    }
  }

  return {
    clientAddress,
    registration: async (c, next) => {
      await take(registrations, clientAddress(c), 'Too many registrations from your network');
      await next();
    },
    linkCode: async (c, next) => {
      await take(linkCodes, String(c.get('actor').userId), 'Too many link codes; use the last one');
      await next();
    },
    login,
    passwordCheck: (userId, attempt) => guarded(`user:${userId}`, 'WRONG_PASSWORD', attempt),
    search: (c) => take(searches, clientAddress(c), 'Too many searches from your network'),
  };
}

/**
 * The socket's peer, or behind our proxy (trustProxy) the last X-Forwarded-For entry: earlier
 * entries are whatever the client claimed and prove nothing. IPv6 clients are grouped by /64,
 * the block one host is usually given, so rotating addresses within it gains nothing.
 */
function addressOf(c: Context, trustProxy: boolean, noForwardedFor: () => void): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded === undefined ? undefined : forwardedAddress(forwarded.slice(forwarded.lastIndexOf(',') + 1));
    if (last) return normalizeAddress(last);
    noForwardedFor();
  }
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
  }
  return peer ? normalizeAddress(peer) : 'unknown';
}

/** An X-Forwarded-For entry as an address: some proxies add a port (`1.2.3.4:5678`, `[::1]:443`). */
function forwardedAddress(entry: string): string | undefined {
  let a = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  return isIP(a) ? a : undefined;
}

export function normalizeAddress(address: string): string {
  const a = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(a) !== 6) return a;
  const [head = '', tail] = a.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = right.at(-1)?.includes('.') ? 7 : 8; // an IPv4 tail takes two groups
  const all = tail === undefined ? left : [...left, ...Array<string>(groups - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
