// The REST door: Hono + zod-openapi over the core. createApi builds the app; main.ts serves
// it with @hono/node-server (and may add its own routes, e.g. the sandbox, to it).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler, NotFoundHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { TrieRouter } from 'hono/router/trie-router';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Core } from '../core/index.js';
import type { CounterStore } from '../db/rate-limit-store.js';
import { redactUrlSecrets } from '../logger.js';
import { createAuth } from './auth.js';
import { registerBookRoutes } from './books.js';
import { registerBorrowingRoutes } from './borrowings.js';
import { registerDocsRoutes } from './docs.js';
import { createErrorHandler, errorResponse, notFoundHandler, validationHook } from './errors.js';
import { registerHealthRoutes } from './health.js';
import { registerHoldRoutes } from './holds.js';
import { registerPaymentRoutes } from './payments.js';
import { type AuthLimits, createAuthThrottle } from './rate-limit.js';
import type { ApiDeps, App, AppEnv } from './types.js';
import { registerUserRoutes } from './users.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** What the API reads of the configuration (config.ts): token lifetimes, throttling, the proxy. */
export type ApiConfig = Pick<Config, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds' | 'authRateLimit' | 'trustProxy'>;

export interface CreateApiOptions {
  core: Core;
  config: ApiConfig;
  /** Where throttling counters live (db/rate-limit-store.ts: counterStoreFor the database). */
  counters: CounterStore;
  /** HS256 secret, at least 32 characters. */
  jwtSecret: string;
  logger: Logger;
  /** The bot's @username once known (for t.me links); undefined → telegram-link answers 503. */
  botUsername?: () => string | undefined;
  /**
   * The link that opens the bot with `/start <code>`: Telegram's deep link by default; the sandbox
   * points it at its web chat, which types the command in (there is no such bot on Telegram).
   */
  telegramLink?: (botUsername: string, code: string) => string;
  /** The chat with the bot, for the success page's way back: its t.me link by default; the sandbox's web chat there. */
  chatLink?: () => string | undefined;
  /** Default: the config's ACCESS_TOKEN_TTL_MINUTES (15 min). */
  accessTtlSeconds?: number;
  /** Default: the config's REFRESH_TOKEN_TTL_DAYS (7 days). */
  refreshTtlSeconds?: number;
  /**
   * Throttling of login, registration, link codes and uncached searches (README, "Security
   * settings"): `false` turns it off, an object changes limits. Default: on with the default
   * limits, unless the config has AUTH_RATE_LIMIT=off.
   */
  rateLimit?: false | Partial<AuthLimits>;
  /** Default: the config's TRUST_PROXY. */
  trustProxy?: boolean;
  /** Milliseconds since the epoch for token issue/expiry (tests). Default Date.now. */
  now?: () => number;
  /**
   * Adds routes that are not part of the REST API (sandbox, Telegram webhook) to the same app,
   * so they share the request log, body limit and error handling.
   */
  extraRoutes?: (app: OpenAPIHono<AppEnv>) => void;
}

export function createApi(opts: CreateApiOptions): OpenAPIHono<AppEnv> {
  const { core, config, logger } = opts;
  const auth = createAuth(
    {
      secret: opts.jwtSecret,
      accessTtlSeconds: opts.accessTtlSeconds ?? config.accessTokenTtlSeconds,
      refreshTtlSeconds: opts.refreshTtlSeconds ?? config.refreshTokenTtlSeconds,
      now: opts.now,
    },
    core.users,
  );
  const throttle = createAuthThrottle({
    store: opts.counters,
    enabled: opts.rateLimit !== false && config.authRateLimit,
    trustProxy: opts.trustProxy ?? config.trustProxy,
    limits: opts.rateLimit || undefined,
    logger,
    loggedInFrom: (email, address) => core.users.loggedInFrom(email, address),
  });
  const deps: ApiDeps = {
    core,
    auth,
    logger,
    botUsername: opts.botUsername ?? (() => undefined),
    telegramLink: opts.telegramLink ?? ((bot, code) => `https://t.me/${encodeURIComponent(bot)}?start=${code}`),
    chatLink:
      opts.chatLink ??
      (() => {
        const bot = opts.botUsername?.()?.replace(/^@/, '');
        return bot ? `https://t.me/${encodeURIComponent(bot)}` : undefined;
      }),
    throttle,
  };

  // strict: false → "/api/books" and "/api/books/" are the same route (no redirect, POST included).
  const app: App = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });

  // The caller's X-Request-Id when sane (word characters, '-', '=', at most 64), else a new
  // UUID; echoed in the response, set before the handler runs so error answers carry it too.
  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', requestLog(logger));
  // 64 KiB per body (SPEC §6), by Content-Length when given, else by counting the stream. Only
  // methods that carry a body pay for the check.
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    '*',
    bodyLimit({
      maxSize: BODY_LIMIT_BYTES,
      onError: (c) => errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`),
    }),
  );

  registerHealthRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerBookRoutes(app, deps);
  registerBorrowingRoutes(app, deps);
  registerHoldRoutes(app, deps);
  registerPaymentRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from POST /api/users/token/. The header `Authorize: Bearer <token>` is accepted as well.',
  });

  let openapiJson: string | undefined;
  app.get('/api/openapi.json', (c) => {
    openapiJson ??= JSON.stringify(openApiDocument(app));
    return c.body(openapiJson, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });
  registerDocsRoutes(app);

  opts.extraRoutes?.(app);

  app.notFound(methodNotAllowed(app));
  app.onError(createErrorHandler(logger));
  return app;
}

/** The OpenAPI 3.1 document, with the /api paths written the way the spec writes them (trailing slash). */
export function openApiDocument(app: App) {
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Library API',
      version: '1.0.0',
      description:
        'The REST door of the Telegram lending library. Every path works with or without a trailing slash. ' +
        'Errors answer `{"error": {"code", "message", "details"?}}`; lists are keyset-paged `{"results", "next_cursor"}`.',
    },
    tags: [
      { name: 'users', description: 'Accounts and tokens' },
      { name: 'books', description: 'The catalogue' },
      { name: 'borrowings', description: 'Loans' },
      { name: 'holds', description: 'Queues for books that are out' },
      { name: 'payments', description: 'Rent and fines through Stripe Checkout' },
      { name: 'health', description: 'Liveness' },
    ],
  });
  const paths: typeof doc.paths = {};
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    paths[path.startsWith('/api/') && !path.endsWith('/') ? `${path}/` : path] = item;
  }
  return { ...doc, paths };
}

/**
 * A known path asked with a method it does not take answers 405 with `Allow` (every method its
 * routes take), in the error shape; any other unmatched request is a 404. The routes are read
 * from the app itself on first use, so every route added (the sandbox's too) counts. Patterns
 * that end in `*` are middleware (the request log, the body limit), not routes.
 */
function methodNotAllowed(app: App): NotFoundHandler<AppEnv> {
  let router: TrieRouter<string> | undefined;
  let known = -1;
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return (c) => {
    if (known !== app.routes.length) {
      router = new TrieRouter<string>();
      for (const r of app.routes) if (r.method !== 'ALL' && !r.path.endsWith('*')) router.add(r.method, r.path, r.method);
      known = app.routes.length;
    }
    // Hono answers HEAD with the GET route.
    const allowed = METHODS.filter((m) => router!.match(m === 'HEAD' ? 'GET' : m, c.req.path)[0].length > 0);
    if (allowed.length === 0 || allowed.includes(c.req.method)) return notFoundHandler(c);
    c.header('Allow', allowed.join(', '));
    return errorResponse(
      c,
      405,
      'METHOD_NOT_ALLOWED',
      `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`,
    );
  };
}

/**
 * One log line per request, with its request id, at `debug`: at the default `info` the start-up
 * line stays on screen, and LOG_LEVEL=debug shows every request. A 5xx is logged at `error` (the
 * service failed; the error handler logs the cause too). A 4xx is the client's mistake, answered
 * with its reason, so it stays at `debug`; what the operator must see about clients (throttling
 * behind a proxy, webhook signatures) is logged as a warning where it is decided. Nothing from
 * headers or bodies is logged.
 */
function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    const id = c.get('requestId');
    await next();
    const status = c.res.status;
    const level = status >= 500 ? 'error' : 'debug';
    if (logger.isLevelEnabled(level)) {
      // A bot token (the sandbox's Bot API), a pay link or a session id can sit in a path.
      logger[level](
        {
          reqId: id,
          method: c.req.method,
          path: redactUrlSecrets(rawPath(c.req.url)),
          status,
          ms: Math.round((performance.now() - start) * 10) / 10,
        },
        'request',
      );
    }
  };
}

/** The path as the client sent it (no query string: it is not ours to keep). */
function rawPath(url: string): string {
  const from = url.indexOf('/', url.indexOf('//') + 2);
  if (from < 0) return '/';
  const q = url.indexOf('?', from);
  return q < 0 ? url.slice(from) : url.slice(from, q);
}
