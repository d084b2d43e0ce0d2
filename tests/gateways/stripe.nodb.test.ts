/**
 * The payment gateway (gateways/stripe.ts) over the real `stripe` client, talking HTTP to the
 * local fake Stripe API. Nothing is mocked: requests, retries, timeouts, idempotency and
 * webhook signatures all go through stripe-node's own code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CreateSessionInput,
  createStripeGateway,
  type PaymentGateway,
  PaymentGatewayError,
  type StripeGatewayOptions,
  type WebhookEvent,
} from '../../gateways/stripe.js';
import { createFakeStripe, parseStripeForm } from '../../sandbox/stripe/fake-stripe-api.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';

const SECRET_KEY = 'sk_test_gateway_4242424242';
const WEBHOOK_SECRET = 'whsec_test_gateway_secret';

let fake: StartedFakeStripe;
let clockOffsetMs = 0;

function gateway(overrides: Partial<StripeGatewayOptions> = {}): PaymentGateway {
  return createStripeGateway({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    apiBase: fake.apiBase,
    timeoutMs: 2000,
    maxNetworkRetries: 0,
    ...overrides,
  });
}

let seq = 0;
function sessionInput(overrides: Partial<CreateSessionInput> = {}): CreateSessionInput {
  seq++;
  return {
    amountCents: 1234,
    productName: 'Book rent: Dune',
    description: 'Borrowing #7, 2026-01-01 → 2026-01-05',
    successUrl: 'http://localhost:3000/api/payments/success/?session_id={CHECKOUT_SESSION_ID}',
    cancelUrl: 'http://localhost:3000/api/payments/cancel/?session_id={CHECKOUT_SESSION_ID}',
    idempotencyKey: `payment-${seq}-session-1`,
    metadata: { payment_id: String(seq), borrowing_id: '7', type: 'PAYMENT' },
    clientReferenceId: String(seq),
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<PaymentGatewayError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PaymentGatewayError);
    return e as PaymentGatewayError;
  }
  throw new Error('expected the call to fail');
}

const calls = (method: string, pathPrefix: string) =>
  fake.api.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));

// A webhook endpoint that verifies through the gateway, as the API's route does.
interface Received {
  body: string;
  signature: string | undefined;
  status: number;
  event?: WebhookEvent;
}
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let receiverFailuresLeft = 0;

beforeAll(async () => {
  fake = await startFakeStripe({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookRetryDelaysMs: [20, 50],
    now: () => Date.now() + clockOffsetMs,
  });
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const signature = req.headers['stripe-signature'] as string | undefined;
    if (receiverFailuresLeft > 0) {
      receiverFailuresLeft--;
      received.push({ body, signature, status: 503 });
      res.writeHead(503).end();
      return;
    }
    try {
      const event = await gateway().verifyWebhook(body, signature);
      received.push({ body, signature, status: 200, event });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    } catch {
      received.push({ body, signature, status: 400 });
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/payments/webhook/`;
});

afterEach(async () => {
  await fake.api.idle();
  fake.api.reset();
  fake.api.setWebhookUrl(undefined);
  clockOffsetMs = 0;
  received.length = 0;
  receiverFailuresLeft = 0;
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => {
    receiver.close(() => resolve());
    receiver.closeAllConnections();
  });
});

describe('creating a checkout session', () => {
  it('charges the amount in cents as one line item, with metadata and our idempotency key', async () => {
    const input = sessionInput({ amountCents: 1234 });
    const before = Math.floor(Date.now() / 1000);
    const s = await gateway().createCheckoutSession(input);

    expect(s.id).toMatch(/^cs_test_/);
    expect(s.url).toBe(`${fake.apiBase}/checkout/${s.id}`);
    expect(s).toMatchObject({ status: 'open', paid: false, paymentIntentId: null, amountTotal: 1234, metadata: input.metadata });
    expect(s.expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(s.expiresAt).toBeLessThanOrEqual(before + 24 * 3600 + 5);

    const [req] = calls('POST', '/v1/checkout/sessions');
    expect(req).toBeDefined();
    expect(req!.idempotencyKey).toBe(input.idempotencyKey);
    expect(req!.body).toMatchObject({
      mode: 'payment',
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      client_reference_id: input.clientReferenceId,
      metadata: input.metadata,
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: '1234',
            product_data: { name: 'Book rent: Dune', description: input.description },
          },
          quantity: '1',
        },
      ],
    });
    // The hosted page sends the reader back with the session id filled in.
    expect(fake.api.redirectUrl(s.id, 'success')).toBe(`http://localhost:3000/api/payments/success/?session_id=${s.id}`);
    expect(fake.api.lineItems(s.id)).toMatchObject([{ description: 'Book rent: Dune', quantity: 1, amount_total: 1234 }]);
  });

  it('replaying the same idempotency key returns the same session instead of a second one', async () => {
    const input = sessionInput();
    const first = await gateway().createCheckoutSession(input);
    const again = await gateway().createCheckoutSession(input);

    expect(again.id).toBe(first.id);
    expect(calls('POST', '/v1/checkout/sessions')).toHaveLength(2);
    expect(fake.api.sessions()).toHaveLength(1);
  });

  it('reusing an idempotency key for a different amount is refused', async () => {
    const input = sessionInput();
    await gateway().createCheckoutSession(input);
    const err = await rejection(gateway().createCheckoutSession({ ...input, amountCents: 999 }));
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.httpStatus).toBe(400);
    expect(fake.api.sessions()).toHaveLength(1);
  });

  it('refuses an amount below $0.50 as INVALID_REQUEST and accepts exactly $0.50', async () => {
    const err = await rejection(gateway().createCheckoutSession(sessionInput({ amountCents: 49 })));
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.stripeCode).toBe('amount_too_small');
    expect(fake.api.sessions()).toHaveLength(0);

    const ok = await gateway().createCheckoutSession(sessionInput({ amountCents: 50 }));
    expect(ok.amountTotal).toBe(50);
  });

  it('honours an expiry between 30 minutes and 24 hours and refuses one sooner', async () => {
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const s = await gateway().createCheckoutSession(sessionInput({ expiresAt: inAnHour }));
    expect(s.expiresAt).toBe(inAnHour);

    const err = await rejection(gateway().createCheckoutSession(sessionInput({ expiresAt: Math.floor(Date.now() / 1000) + 60 })));
    expect(err.code).toBe('INVALID_REQUEST');
  });
});

describe('reading, expiring and refunding sessions', () => {
  it('reports a session unpaid before the reader pays and paid, with its payment intent, after', async () => {
    const gw = gateway();
    const created = await gw.createCheckoutSession(sessionInput({ amountCents: 700 }));

    const before = await gw.retrieveSession(created.id);
    expect(before).toMatchObject({ id: created.id, status: 'open', paid: false, paymentIntentId: null, amountTotal: 700 });

    await fake.api.pay(created.id);
    const after = await gw.retrieveSession(created.id);
    expect(after).toMatchObject({ status: 'complete', paid: true, amountTotal: 700, metadata: created.metadata });
    expect(after.paymentIntentId).toMatch(/^pi_/);
  });

  it('answers NOT_FOUND for a session Stripe does not know', async () => {
    const err = await rejection(gateway().retrieveSession('cs_test_doesnotexist'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.httpStatus).toBe(404);
  });

  it('expires an open session, and refuses to expire it twice', async () => {
    const gw = gateway();
    const s = await gw.createCheckoutSession(sessionInput());
    const expired = await gw.expireSession(s.id);
    expect(expired).toMatchObject({ id: s.id, status: 'expired', paid: false, url: null });
    expect((await gw.retrieveSession(s.id)).status).toBe('expired');

    const err = await rejection(gw.expireSession(s.id));
    expect(err.code).toBe('INVALID_REQUEST');
  });

  it('reports a session expired once its 24 hours have passed on the clock', async () => {
    const gw = gateway();
    const s = await gw.createCheckoutSession(sessionInput());
    clockOffsetMs = 24 * 3600 * 1000 + 1000;
    expect(await gw.retrieveSession(s.id)).toMatchObject({ status: 'expired', paid: false });
    await expect(fake.api.pay(s.id)).rejects.toThrow(/expired/);
  });

  it('refunds a paid session once; the same key replays, a second refund is refused', async () => {
    const gw = gateway();
    const s = await gw.createCheckoutSession(sessionInput({ amountCents: 1500 }));
    await fake.api.pay(s.id);
    const pi = (await gw.retrieveSession(s.id)).paymentIntentId!;

    const refund = await gw.refund(pi, 'refund-payment-1');
    expect(refund).toMatchObject({ status: 'succeeded', amount: 1500 });
    expect(refund.id).toMatch(/^re_/);
    expect(calls('POST', '/v1/refunds')[0]).toMatchObject({ idempotencyKey: 'refund-payment-1', body: { payment_intent: pi } });

    expect((await gw.refund(pi, 'refund-payment-1')).id).toBe(refund.id);
    expect(fake.api.refunds()).toHaveLength(1);

    const err = await rejection(gw.refund(pi, 'refund-payment-1-again'));
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.stripeCode).toBe('charge_already_refunded');
  });

  it('refuses to refund a payment that was never paid', async () => {
    const gw = gateway();
    const s = await gw.createCheckoutSession(sessionInput());
    const intent = fake.api.paymentIntentFor(s.id)!;
    const err = await rejection(gw.refund(intent.id, 'refund-unpaid'));
    expect(err.code).toBe('INVALID_REQUEST');
    expect(fake.api.refunds()).toHaveLength(0);

    expect((await rejection(gw.refund('pi_unknown', 'refund-unknown'))).code).toBe('NOT_FOUND');
  });
});

describe('when Stripe fails', () => {
  it('a 500 is UNAVAILABLE after 1 + maxNetworkRetries attempts', async () => {
    const gw = gateway({ maxNetworkRetries: 1 });
    const s = await gw.createCheckoutSession(sessionInput());
    fake.api.failNext(2, { status: 500 });

    const err = await rejection(gw.retrieveSession(s.id));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.httpStatus).toBe(500);
    expect(calls('GET', `/v1/checkout/sessions/${s.id}`)).toHaveLength(2);
  });

  it('without retries a 503 fails on the first attempt', async () => {
    fake.api.failNext(1, { status: 503 });
    const err = await rejection(gateway({ maxNetworkRetries: 0 }).createCheckoutSession(sessionInput()));
    expect(err.code).toBe('UNAVAILABLE');
    expect(calls('POST', '/v1/checkout/sessions')).toHaveLength(1);
  });

  it('a transient 500 is retried with the same idempotency key and creates one session', async () => {
    fake.api.failNext(1, { status: 500 });
    const input = sessionInput();
    const s = await gateway({ maxNetworkRetries: 1 }).createCheckoutSession(input);

    const attempts = calls('POST', '/v1/checkout/sessions');
    expect(attempts.map((r) => r.status)).toEqual([500, 200]);
    expect(attempts.map((r) => r.idempotencyKey)).toEqual([input.idempotencyKey, input.idempotencyKey]);
    expect(fake.api.sessions().map((x) => x.id)).toEqual([s.id]);
  });

  it('a Stripe that hangs past the timeout is UNAVAILABLE in bounded time, and nothing is created', async () => {
    // Each attempt hangs 700 ms; the client gives up after 300 ms, so the fake must not act
    // on either request once its delay ends (checked after both delays are over).
    fake.api.delayNext(2, 700);
    const started = Date.now();
    const err = await rejection(gateway({ timeoutMs: 300, maxNetworkRetries: 1 }).createCheckoutSession(sessionInput()));
    const elapsed = Date.now() - started;

    expect(err.code).toBe('UNAVAILABLE');
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(3000);
    expect(calls('POST', '/v1/checkout/sessions')).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.api.sessions()).toHaveLength(0);
  });

  it('an unreachable Stripe is UNAVAILABLE', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const err = await rejection(gateway({ apiBase: `http://127.0.0.1:${port}` }).retrieveSession('cs_test_x'));
    expect(err.code).toBe('UNAVAILABLE');
  });

  it('a wrong API key is refused by Stripe, and the key never appears in the error', async () => {
    const wrongKey = 'sk_test_wrong_key_0000000000';
    const err = await rejection(gateway({ secretKey: wrongKey }).createCheckoutSession(sessionInput()));
    expect(err.httpStatus).toBe(401);
    // Our configuration, not the reader's input: the payment stays renewable.
    expect(err.code).toBe('UNAVAILABLE');
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(wrongKey);
    expect(fake.api.sessions()).toHaveLength(0);
  });
});

describe('webhooks', () => {
  it('a delivered checkout.session.completed verifies and carries the paid session', async () => {
    fake.api.setWebhookUrl(receiverUrl);
    const s = await gateway().createCheckoutSession(sessionInput({ amountCents: 900 }));
    await fake.api.pay(s.id);

    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.status).toBe(200);
    expect(got!.event).toMatchObject({
      type: 'checkout.session.completed',
      session: { id: s.id, status: 'complete', paid: true, amountTotal: 900, metadata: s.metadata },
    });
    expect(got!.event!.id).toMatch(/^evt_/);
    expect(got!.event!.session!.paymentIntentId).toMatch(/^pi_/);
    expect(fake.api.deliveries.map((d) => d.status)).toEqual([200]);
  });

  it('an expired session is announced with checkout.session.expired', async () => {
    fake.api.setWebhookUrl(receiverUrl);
    const s = await gateway().createCheckoutSession(sessionInput());
    await fake.api.expire(s.id);
    expect(received.map((r) => r.event?.type)).toEqual(['checkout.session.expired']);
    expect(received[0]!.event!.session).toMatchObject({ id: s.id, status: 'expired', paid: false });
  });

  it('rejects a tampered body, a wrong secret, a stale timestamp and a missing or garbage header', async () => {
    fake.api.setWebhookUrl(receiverUrl);
    const s = await gateway().createCheckoutSession(sessionInput({ amountCents: 900 }));
    await fake.api.pay(s.id);
    const { body, signature } = received[0]!;
    const gw = gateway();
    await expect(gw.verifyWebhook(body, signature)).resolves.toMatchObject({ type: 'checkout.session.completed' });

    const badSignature = async (p: Promise<unknown>) => expect((await rejection(p)).code).toBe('BAD_SIGNATURE');
    await badSignature(gw.verifyWebhook(body.replace('"amount_total": 900', '"amount_total": 1'), signature));
    await badSignature(gw.verifyWebhook(JSON.stringify(JSON.parse(body)), signature)); // re-serialized ≠ raw
    await badSignature(gateway({ webhookSecret: 'whsec_someone_else' }).verifyWebhook(body, signature));
    await badSignature(gw.verifyWebhook(body, fake.api.sign(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600)));
    await badSignature(gw.verifyWebhook(body, undefined));
    await badSignature(gw.verifyWebhook(body, ''));
    await badSignature(gw.verifyWebhook(body, 'garbage'));
    await badSignature(gw.verifyWebhook('not json', fake.api.sign('not json')));

    await expect(gw.verifyWebhook(body, fake.api.sign(body))).resolves.toMatchObject({ type: 'checkout.session.completed' });
  });

  it('a resent event arrives again with the same id (receivers must apply it once)', async () => {
    fake.api.setWebhookUrl(receiverUrl);
    const s = await gateway().createCheckoutSession(sessionInput());
    await fake.api.pay(s.id);
    const eventId = received[0]!.event!.id;

    const result = await fake.api.resend(eventId);
    expect(result).toMatchObject({ ok: true, attempts: 1, status: 200 });
    expect(received.map((r) => r.event?.id)).toEqual([eventId, eventId]);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it('a failing endpoint is retried until it answers 2xx', async () => {
    fake.api.setWebhookUrl(receiverUrl);
    receiverFailuresLeft = 1;
    const s = await gateway().createCheckoutSession(sessionInput());
    await fake.api.pay(s.id);

    expect(received.map((r) => r.status)).toEqual([503, 200]);
    expect(fake.api.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
  });

  it('an unreachable endpoint is tried a bounded number of times and the failure recorded', async () => {
    fake.api.setWebhookUrl('http://127.0.0.1:1/unreachable');
    const s = await gateway().createCheckoutSession(sessionInput());
    await fake.api.pay(s.id);
    expect(fake.api.deliveries).toHaveLength(3);
    expect(fake.api.deliveries.every((d) => !d.ok && d.status === null && d.error)).toBe(true);
    expect(fake.api.events.map((e) => e.type)).toEqual(['checkout.session.completed']);
  });
});

describe('the fake Stripe API itself', () => {
  it('serves the real client when mounted under a path prefix', async () => {
    const mounted = createFakeStripe({ checkoutUrlBase: 'http://localhost:3000/sandbox/checkout', secretKey: SECRET_KEY });
    const parent = new Hono();
    parent.get('/health', (c) => c.json({ status: 'ok' }));
    parent.route('/sandbox/stripe', mounted.app);
    const server = serve({ fetch: parent.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/stripe`;
    try {
      const gw = gateway({ apiBase: base });
      const s = await gw.createCheckoutSession(sessionInput());
      expect(s.url).toBe(`http://localhost:3000/sandbox/checkout/${s.id}`);
      await mounted.pay(s.id);
      expect(await gw.retrieveSession(s.id)).toMatchObject({ paid: true });
      expect(mounted.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /v1/checkout/sessions',
        `GET /v1/checkout/sessions/${s.id}`,
      ]);
      expect((await rejection(gw.retrieveSession('cs_test_nope'))).code).toBe('NOT_FOUND');

      const unknown = await fetch(`${base}/v1/customers`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    } finally {
      mounted.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });

  it('answers Stripe-shaped errors to a bare HTTP client', async () => {
    const noKey = await fetch(`${fake.apiBase}/v1/checkout/sessions`, { method: 'POST' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^Invalid API Key provided/) },
    });

    const post = (body: string, key?: string) =>
      fetch(`${fake.apiBase}/v1/checkout/sessions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${SECRET_KEY}`,
          'content-type': 'application/x-www-form-urlencoded',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body,
      });
    const unknownParam = await post('mode=payment&colour=blue');
    expect(unknownParam.status).toBe(400);
    expect(await unknownParam.json()).toMatchObject({ error: { code: 'parameter_unknown', param: 'colour' } });

    const noItems = await post('mode=payment&success_url=https%3A%2F%2Fa.test%2Fok&cancel_url=https%3A%2F%2Fa.test%2Fno');
    expect(await noItems.json()).toMatchObject({ error: { code: 'parameter_missing', param: 'line_items' } });

    const valid =
      'mode=payment&success_url=https%3A%2F%2Fa.test%2Fok&cancel_url=https%3A%2F%2Fa.test%2Fno' +
      '&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=500' +
      '&line_items[0][price_data][product_data][name]=Rent&line_items[0][quantity]=2';
    const first = await post(valid, 'raw-key-1');
    const replay = await post(valid, 'raw-key-1');
    expect(first.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const created = (await first.json()) as { id: string; amount_total: number };
    expect(created.amount_total).toBe(1000);
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
    const conflict = await post(valid.replace('unit_amount]=500', 'unit_amount]=501'), 'raw-key-1');
    expect(conflict.status).toBe(400);
    expect(await conflict.json()).toMatchObject({ error: { type: 'idempotency_error' } });
  });

  it('parses stripe-node form encoding into nested objects and arrays', () => {
    expect(
      parseStripeForm(
        'line_items[0][price_data][product_data][name]=A%20book&line_items[0][quantity]=1' +
          '&line_items%5B1%5D%5Bquantity%5D=2&metadata[payment_id]=7&expand[0]=line_items&__proto__[x]=1',
      ),
    ).toEqual({
      line_items: [{ price_data: { product_data: { name: 'A book' } }, quantity: '1' }, { quantity: '2' }],
      metadata: { payment_id: '7' },
      expand: ['line_items'],
    });
  });
});
