/**
 * The fake Stripe API served over real HTTP on 127.0.0.1 (random port), for tests that
 * point the real `stripe` client at it (`STRIPE_API_BASE` / `apiBase`).
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createFakeStripe, type FakeStripeController, type FakeStripeOptions } from '../../sandbox/stripe/fake-stripe-api.js';

export interface StartedFakeStripe {
  /** e.g. `http://127.0.0.1:54321` */
  apiBase: string;
  api: FakeStripeController;
  close(): Promise<void>;
}

/** Defaults: any `sk_test_…` key, no webhook endpoint, checkout URLs under `${apiBase}/checkout`. */
export async function startFakeStripe(opts: Partial<FakeStripeOptions> = {}): Promise<StartedFakeStripe> {
  let api: FakeStripeController | undefined;
  // The server starts first so the checkout URL base can name its port.
  const server = serve({
    fetch: (req, env) => (api ? api.app.fetch(req, env) : new Response('starting', { status: 503 })),
    hostname: '127.0.0.1',
    port: 0,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const apiBase = `http://127.0.0.1:${port}`;
  api = createFakeStripe({ checkoutUrlBase: `${apiBase}/checkout`, ...opts });
  const controller = api;
  let closing: Promise<void> | undefined;
  return {
    apiBase,
    api: controller,
    close() {
      closing ??= new Promise<void>((resolve) => {
        controller.close();
        server.close(() => resolve());
        // Keep-alive sockets (the stripe client keeps them) would hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
