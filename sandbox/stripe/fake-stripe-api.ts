/**
 * A local stand-in for the slice of the Stripe API this library uses: Checkout Sessions
 * (payment mode, inline `price_data`), refunds, events and signed webhooks.
 *
 * It serves the offline sandbox (the `/sandbox/checkout/<id>` page calls `pay()` / reads
 * `session()`) and the tests, where the real `stripe` client talks to it over HTTP. It
 * speaks the wire format stripe-node speaks — form-encoded bodies with bracketed keys,
 * `Authorization: Bearer sk_test_…`, `Idempotency-Key`, Stripe-shaped error bodies and
 * status codes — so that a client bug shows up here the way it would against Stripe.
 *
 * The `app` works standalone (`serve({ fetch: fake.app.fetch })`) and mounted under a
 * prefix (`app.route('/sandbox/stripe', fake.app)`); every route lives under `/v1/`.
 *
 * This module puts the parts together: form decoding (form), the objects and their changes
 * (store, checkout-sessions), the HTTP routes (routes) and webhook delivery (webhooks).
 */

import { clone } from './ids.js';
import { createLifetime } from './lifetime.js';
import { createStripeRoutes } from './routes.js';
import { createStripeStore } from './store.js';
import { type FakeStripeController, type FakeStripeOptions, FakeStripeStateError } from './types.js';
import { createWebhooks } from './webhooks.js';

export { parseStripeForm } from './form.js';
export type * from './types.js';
export { FakeStripeStateError } from './types.js';

export function createFakeStripe(options: FakeStripeOptions): FakeStripeController {
  const now = options.now ?? (() => Date.now());
  const apiVersion = options.apiVersion ?? '2026-10-28.endive';
  const logLimit = Math.max(1, options.logLimit ?? 10_000);
  const checkoutUrlBase = options.checkoutUrlBase.replace(/\/+$/, '');

  const lifetime = createLifetime();
  const webhooks = createWebhooks({ options, now, logLimit, lifetime });
  const store = createStripeStore({ now, apiVersion, checkoutUrlBase, webhooks });
  const routes = createStripeRoutes({ options, now, apiVersion, logLimit, store, lifetime });

  const controller: FakeStripeController = {
    app: routes.app,
    sessions: () =>
      [...store.sessions.values()]
        .map((r) => {
          store.refreshExpiry(r);
          return store.publicSession(r);
        })
        .reverse(),
    session: (id) => {
      const rec = store.getSession(id);
      return rec ? store.publicSession(rec) : undefined;
    },
    lineItems: (id) => clone(store.mustGet(id).lineItems),
    paymentIntentFor: (id) => {
      const rec = store.sessions.get(id);
      const pi = rec ? store.intents.get(rec.intentId) : undefined;
      return pi ? clone(pi.intent) : undefined;
    },
    refunds: () => [...store.refunds.values()].map(clone),
    pay: store.pay,
    expire: store.expire,
    expireDue: store.expireDue,

    redirectUrl(id, outcome) {
      const s = store.mustGet(id).session;
      return (outcome === 'success' ? s.success_url : s.cancel_url).replaceAll('{CHECKOUT_SESSION_ID}', encodeURIComponent(id));
    },

    get events() {
      return store.events;
    },
    event: (id) => {
      const ev = store.events.find((e) => e.id === id);
      return ev ? clone(ev) : undefined;
    },

    deliverEvent(event, opts = {}) {
      const target = webhooks.target(opts);
      if (!target) {
        return Promise.reject(new FakeStripeStateError('webhook_not_configured', 'deliverEvent needs a webhook URL and secret'));
      }
      if (!store.events.some((e) => e.id === event.id)) store.events.push(clone(event));
      return webhooks.send(event, target.url, target.secret);
    },

    resend(eventId) {
      const ev = store.events.find((e) => e.id === eventId);
      if (!ev) return Promise.reject(new FakeStripeStateError('not_found', `No such event: '${eventId}'`));
      return controller.deliverEvent(ev);
    },

    sign: webhooks.sign,
    failNext: routes.failNext,
    delayNext: routes.delayNext,

    get requests() {
      return routes.requests;
    },
    get deliveries() {
      return webhooks.deliveries;
    },
    setWebhookUrl: webhooks.setUrl,
    idle: webhooks.idle,

    reset() {
      controller.close();
      lifetime.renew();
      store.reset();
      routes.reset();
      webhooks.reset();
    },

    close() {
      lifetime.close();
    },
  };
  return controller;
}
