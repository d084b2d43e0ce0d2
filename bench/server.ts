// A benchmark server in its own process (so the load generator doesn't share its CPU):
//   tsx bench/server.ts bare            → a bare Hono hello-world, the baseline
//   tsx bench/server.ts api <db file>   → the real API over the seeded database, with the
//                                          fake Stripe mounted in-process for borrow/return
//   … api-nocache <db file or postgres://…>   the same without the catalogue cache, on either engine
//   … api-throttled <db file>          the API as served, throttling on (AUTH_RATE_LIMIT=on)
// Prints {"port": N} on stdout once listening.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApi } from '../api/app.js';
import { testConfig } from '../config.js';
import { createCore } from '../core/index.js';
import { systemClock } from '../core/kernel/index.js';
import { createDb, openDatabase } from '../db/connection.js';
import { isPostgresUrl } from '../db/postgres.js';
import { counterStoreFor } from '../db/rate-limit-store.js';
import { createStripeGateway } from '../gateways/stripe.js';
import { silentLogger } from '../logger.js';
import { createFakeStripe } from '../sandbox/stripe/fake-stripe-api.js';
import { BENCH_JWT_SECRET } from './lib.js';

const [mode, file] = process.argv.slice(2);
// The env argument carries the socket: throttling tells clients apart by it.
let fetchApp: (req: Request, env?: unknown) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
const server = serve({ fetch: (req, env) => fetchApp(req, env), port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const port = (server.address() as AddressInfo).port;

if (mode === 'bare') {
  const app = new Hono();
  app.get('/', (c) => c.json({ hello: 'world' }));
  fetchApp = app.fetch;
} else if ((mode === 'api' || mode === 'api-nocache' || mode === 'api-throttled') && file) {
  const { db } = isPostgresUrl(file) ? await openDatabase({ databasePath: '', databaseUrl: file }) : createDb(file);
  const stripe = createFakeStripe({ checkoutUrlBase: `http://127.0.0.1:${port}/checkout` });
  const config = testConfig({ DATABASE_PATH: file, MAX_ACTIVE_LOANS: '100' });
  const gateway = createStripeGateway({
    secretKey: 'sk_test_bench',
    webhookSecret: 'whsec_bench',
    apiBase: `http://127.0.0.1:${port}/stripe`,
  });
  // As in the service; `api-nocache` measures every read going to SQLite.
  const core = createCore({
    db,
    clock: systemClock,
    config,
    gateway,
    logger: silentLogger(),
    catalogueCacheMs: mode === 'api-nocache' ? 0 : 2000,
  });
  const app = createApi({
    core,
    config,
    counters: counterStoreFor(db),
    jwtSecret: BENCH_JWT_SECRET,
    logger: silentLogger(),
    rateLimit: mode === 'api-throttled' ? {} : false,
    botUsername: () => 'bench_bot',
  });
  app.route('/stripe', stripe.app);
  fetchApp = app.fetch;
} else {
  console.error('usage: tsx bench/server.ts bare | api <db file>');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
// A normal exit on SIGTERM, so --cpu-prof / --heap-prof write their profiles.
process.once('SIGTERM', () => process.exit(0));
