// The REST API over a real database (SQLite in memory or a temp file; PostgreSQL in the
// postgres project, tests/helpers/engine.ts), a ManualClock for library dates,
// and the real stripe client against the local fake Stripe. Requests go through
// app.request() (no socket) or, with `listen: true`, through a real HTTP server.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll } from 'vitest';
import { type CreateApiOptions, createApi } from '../../api/app.js';
import { type Auth, createAuth } from '../../api/auth.js';
import type { AppEnv } from '../../api/types.js';
import { type Config, testConfig } from '../../config.js';
import { hashPassword } from '../../core/accounts/users.js';
import type { Book } from '../../core/catalogue/books.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import type { DB } from '../../db/connection.js';
import { counterStoreFor } from '../../db/rate-limit-store.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { type Logger, silentLogger } from '../../logger.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { openTestDatabase } from './engine.js';
import { live } from './live.js';

export const JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const WEBHOOK_SECRET = 'whsec_test';
export const STAFF_CHAT_ID = -1001234567890;
export const PASSWORD = 'correct horse battery';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the answer is JSON, else undefined. */
  body: T;
}

export interface RequestOptions {
  token?: string;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface TestUser {
  id: number;
  email: string;
  access: string;
  refresh: string;
}

export interface ApiWorldOptions {
  /** A database file (WAL); default an in-memory database. */
  file?: string;
  /** Extra environment for testConfig. */
  env?: Record<string, string>;
  /** The ManualClock's start. */
  start?: string;
  /** Share one fake Stripe between worlds (it is not closed with the world). */
  stripe?: StartedFakeStripe;
  gatewayTimeoutMs?: number;
  gatewayRetries?: number;
  listen?: boolean;
  logger?: Logger;
  /** Turns the catalogue cache on (entry lifetime, ms), as the service runs it. */
  catalogueCacheMs?: number;
  catalogueCacheBytes?: number;
  api?: Partial<Omit<CreateApiOptions, 'core' | 'logger' | 'jwtSecret'>>;
}

export interface ApiWorld {
  app: OpenAPIHono<AppEnv>;
  core: Core;
  db: DB;
  clock: ManualClock;
  config: Config;
  stripe: StartedFakeStripe;
  auth: Auth;
  /** Base URL of the listening server (only with `listen: true`). */
  url?: string;
  req<T = any>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** The same over real HTTP (requires `listen: true`). */
  http<T = any>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** A user straight in the database, with tokens; cheap (no password hashing per user). */
  user(opts?: { staff?: boolean; telegramId?: number }): Promise<TestUser>;
  book(
    over?: Partial<{
      title: string;
      author: string;
      isbn: string | null;
      inventory: number;
      daily_fee: string | number;
      cover: 'HARD' | 'SOFT';
    }>,
  ): Promise<Book>;
  /** Today's date in the library plus n days. */
  day(n: number): string;
  close(): Promise<void>;
}

export function tempDbFile(): { file: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-api-test-'));
  return { file: path.join(dir, 'library.db'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let passwordHash: Promise<string> | undefined;
let seq = 0;

async function toResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let body: unknown;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, body };
}

function init(method: string, opts: RequestOptions = {}): RequestInit {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  if (opts.token) headers.authorization ??= `Bearer ${opts.token}`;
  return { method, headers, body };
}

export async function createApiWorld(opts: ApiWorldOptions = {}): Promise<ApiWorld> {
  const file = opts.file ?? ':memory:';
  const clock = new ManualClock(opts.start ?? '2026-03-10T10:00:00Z');
  const ownStripe = !opts.stripe;
  const stripe = opts.stripe ?? (await startFakeStripe({ webhookSecret: WEBHOOK_SECRET, now: () => clock.now().getTime() }));
  // The key is the one the gateway below uses (against the fake): payments are set up here.
  const config = testConfig({
    DATABASE_PATH: file,
    PUBLIC_URL: 'http://library.test',
    TELEGRAM_STAFF_CHAT_ID: String(STAFF_CHAT_ID),
    STRIPE_SECRET_KEY: 'sk_test_x',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...opts.env,
  });
  const { db } = await openTestDatabase(file);
  const logger = opts.logger ?? silentLogger();
  const gateway = createStripeGateway({
    secretKey: 'sk_test_x',
    webhookSecret: WEBHOOK_SECRET,
    apiBase: stripe.apiBase,
    timeoutMs: opts.gatewayTimeoutMs ?? 3000,
    maxNetworkRetries: opts.gatewayRetries ?? 1,
  });
  const core = createCore({
    db,
    clock,
    config,
    gateway,
    logger,
    catalogueCacheMs: opts.catalogueCacheMs,
    catalogueCacheBytes: opts.catalogueCacheBytes,
  });
  const app = createApi({
    core,
    config,
    counters: counterStoreFor(db),
    jwtSecret: JWT_SECRET,
    logger,
    rateLimit: false,
    botUsername: () => 'library_test_bot',
    ...opts.api,
  });
  // Same secret and claims as the app's own: tokens minted here are the ones the API issues.
  const auth = createAuth(
    { secret: JWT_SECRET, accessTtlSeconds: config.accessTokenTtlSeconds, refreshTtlSeconds: config.refreshTokenTtlSeconds },
    core.users,
  );

  let server: ServerType | undefined;
  let url: string | undefined;
  if (opts.listen) {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  return {
    app,
    core,
    db,
    clock,
    config,
    stripe,
    auth,
    url,
    async req(method, p, o) {
      return toResponse(await app.request(p, init(method, o)));
    },
    async http(method, p, o) {
      if (!url) throw new Error('createApiWorld({ listen: true }) is needed for http()');
      return toResponse(await fetch(`${url}${p}`, init(method, o)));
    },
    async user(o = {}) {
      passwordHash ??= hashPassword(PASSWORD);
      seq++;
      const email = `user${seq}-${process.pid}@example.test`;
      const row = await db
        .insertInto('users')
        .values({
          email,
          password_hash: await passwordHash,
          first_name: o.staff ? 'Staff' : 'Reader',
          last_name: String(seq),
          is_staff: o.staff ? 1 : 0,
          telegram_user_id: o.telegramId ?? null,
          created_at: clock.now().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const tokens = await auth.issueTokens(row.id);
      return { id: row.id, email, ...tokens };
    },
    async book(over = {}) {
      seq++;
      return core.books.create(SYSTEM_ACTOR, {
        title: `Book ${seq}`,
        author: 'Test Author',
        cover: 'SOFT',
        inventory: 3,
        daily_fee: '1.00',
        ...over,
      });
    },
    day(n) {
      const d = new Date(Date.parse(`${core.borrowings.today()}T00:00:00Z`) + n * 86_400_000);
      return d.toISOString().slice(0, 10);
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          (s as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      }
      await db.destroy();
      if (ownStripe) await stripe.close();
    },
  };
}

/** The session id in a Checkout URL the fake handed out (`…/checkout/<id>`). */
export const sessionIdOf = (sessionUrl: string) => sessionUrl.slice(sessionUrl.lastIndexOf('/') + 1);

/**
 * One API world for the whole file (created before its tests, closed after them) and a staff
 * user in it. Both stand for the values the beforeAll hook made.
 */
export function useApiWorld(opts?: ApiWorldOptions): { world: ApiWorld; staff: TestUser } {
  let world: ApiWorld | undefined;
  let staff: TestUser | undefined;
  beforeAll(async () => {
    world = await createApiWorld(opts);
    staff = await world.user({ staff: true });
  });
  afterAll(async () => {
    await world?.close();
  });
  return { world: live(() => world, 'the API world (useApiWorld)'), staff: live(() => staff, 'the staff user (useApiWorld)') };
}

/** A valid ISBN-13 (978 + 9 digits of `n` + its check digit), distinct for each n below 10^9. */
export function isbn13(n: number): string {
  const body = `978${String(Math.trunc(n) % 1e9).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body.slice(0, 3)}-${body.slice(3)}${(10 - (sum % 10)) % 10}`;
}
