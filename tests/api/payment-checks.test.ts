// Stripe's word is checked, not just its signature; the anonymous success and cancel pages name
// no reader or borrowing and ask Stripe at most once every few seconds per session (SPEC §10).

import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type ServerType, serve } from '@hono/node-server';
import pino from 'pino';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_CHECK_INTERVAL_MS } from '../../core/payments/checkout.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { type ApiWorld, createApiWorld, tempDbFile, useApiWorld, WEBHOOK_SECRET } from '../helpers/api.js';

const logs: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  }),
);

const { world: w } = useApiWorld({ logger });

const JSON_ACCEPT = { accept: 'application/json' };
const HTML_ACCEPT = { accept: 'text/html' };
const stripeLib = new Stripe('sk_test_only_for_signing');

/** A reader with one fresh loan (rent 3 × $1.50 = $4.50) and its payment. */
async function loan(world: ApiWorld = w) {
  const u = await world.user();
  const book = await world.book({ daily_fee: '1.50' });
  const r = await world.req('POST', '/api/borrowings/', {
    token: u.access,
    body: { book_id: book.id, expected_return_date: world.day(3) },
  });
  expect(r.status).toBe(201);
  const payment = r.body.payments[0];
  return { u, borrowing: r.body, payment, sessionId: payment.session_id as string, sessionUrl: r.body.session_url as string };
}

const statusOf = async (world: ApiWorld, id: number) =>
  (await world.db.selectFrom('payments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const receivedNotes = async (world: ApiWorld, paymentId: number) =>
  (await world.db.selectFrom('outbox').select(['kind', 'payload']).where('kind', 'like', '%payment_received').execute())
    .filter((r) => JSON.parse(r.payload).payment_id === paymentId)
    .map((r) => ({ kind: r.kind }));
const retrieves = (stripe: StartedFakeStripe, sessionId: string) =>
  stripe.api.requests.filter((r) => r.method === 'GET' && r.path === `/v1/checkout/sessions/${sessionId}`).length;

/** A `checkout.session.completed` event around `session`, signed as Stripe signs it. */
function signedCompleted(session: Record<string, unknown>) {
  const payload = JSON.stringify({
    id: `evt_test_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    api_version: '2025-01-01',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: { object: session },
  });
  return { payload, signature: stripeLib.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
}

const postWebhook = (world: ApiWorld, { payload, signature }: { payload: string; signature: string }) =>
  world.req('POST', '/api/payments/webhook/', {
    raw: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });

describe('A signed checkout.session.completed marks PAID only when it pays the payment', () => {
  /** The session as Stripe holds it once paid, with one field changed. */
  async function paidSessionWith(change: Record<string, unknown>) {
    const l = await loan();
    await w.stripe.api.pay(l.sessionId);
    const session = { ...w.stripe.api.session(l.sessionId)!, ...change };
    return { ...l, event: signedCompleted(session) };
  }

  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['a wrong amount_total', { amount_total: 50 }, { reason: 'amount', expected: 450, got: 50 }],
    ['a wrong currency', { currency: 'eur' }, { reason: 'currency', expected: 'usd', got: 'eur' }],
    ['payment_status unpaid', { payment_status: 'unpaid' }, { reason: 'not_paid', payment_status: 'unpaid' }],
    ['payment_status no_payment_required', { payment_status: 'no_payment_required', amount_total: 0 }, { reason: 'not_paid' }],
  ];
  for (const [name, change, logged] of cases) {
    it(`with ${name}: answers 200, leaves the payment PENDING, notifies nobody, and logs why without secrets`, async () => {
      const { payment, sessionId, sessionUrl, event } = await paidSessionWith(change);
      logs.length = 0;
      const r = await postWebhook(w, event);
      expect(r.status).toBe(200);
      expect(await statusOf(w, payment.id)).toBe('PENDING');
      expect(await receivedNotes(w, payment.id)).toEqual([]);
      const line = logs.find((l) => l.msg === 'Stripe session does not pay this payment; left unpaid');
      expect(line).toMatchObject({ paymentId: payment.id, ...logged });
      const all = JSON.stringify(logs);
      expect(all).not.toContain(sessionId);
      expect(all).not.toContain(sessionUrl);
      expect(all).not.toContain(WEBHOOK_SECRET);
    });
  }

  it('with everything right (the control): marks PAID and notifies once', async () => {
    const { payment, event } = await paidSessionWith({});
    expect((await postWebhook(w, event)).status).toBe(200);
    expect(await statusOf(w, payment.id)).toBe('PAID');
    expect(await receivedNotes(w, payment.id)).toHaveLength(1);
  });
});

describe('The success redirect checks what Stripe answers, too', () => {
  it('a paid session whose amount differs from money_to_pay leaves the payment PENDING', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    await w.db.updateTable('payments').set({ money_to_pay_cents: 451 }).where('id', '=', payment.id).execute();
    const r = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('PENDING');
    expect(await statusOf(w, payment.id)).toBe('PENDING');
  });

  describe('when Stripe answers a wrong currency or a completed but unpaid session', () => {
    // A Stripe that answers what the fake holds, with the retrieve answer changed on the way.
    let fake: StartedFakeStripe;
    let proxy: ServerType;
    let pw: ApiWorld;
    let change: Record<string, unknown> = {};
    beforeAll(async () => {
      fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
      proxy = await new Promise<ServerType>((resolve) => {
        const s = serve(
          {
            hostname: '127.0.0.1',
            port: 0,
            fetch: async (req) => {
              const url = new URL(req.url);
              const body = req.method === 'GET' ? undefined : await req.text();
              const res = await fetch(`${fake.apiBase}${url.pathname}${url.search}`, {
                method: req.method,
                headers: req.headers,
                body,
              });
              const text = await res.text();
              const doctor = req.method === 'GET' && url.pathname.startsWith('/v1/checkout/sessions/') && res.ok;
              const out = doctor ? JSON.stringify({ ...JSON.parse(text), ...change }) : text;
              return new Response(out, {
                status: res.status,
                headers: { 'content-type': 'application/json', 'request-id': res.headers.get('request-id') ?? 'req_x' },
              });
            },
          },
          () => resolve(s),
        );
      });
      const apiBase = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      pw = await createApiWorld({ stripe: { ...fake, apiBase }, gatewayRetries: 0 });
    });
    afterAll(async () => {
      await pw?.close();
      await new Promise<void>((resolve) => {
        proxy?.close(() => resolve());
        (proxy as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
      });
      await fake?.close();
    });

    for (const [name, c] of [
      ['currency eur', { currency: 'eur' }],
      ['status complete, payment_status unpaid', { status: 'complete', payment_status: 'unpaid' }],
    ] as const) {
      it(`${name}: the payment stays PENDING and the page says "Not paid yet"`, async () => {
        const { payment, sessionId } = await loan(pw);
        await fake.api.pay(sessionId);
        change = c;
        try {
          const r = await pw.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
          expect(r.status).toBe(200);
          expect(r.text).toContain('Not paid yet');
          expect(await statusOf(pw, payment.id)).toBe('PENDING');
          // The same session answered truthfully, a check later, is paid.
          change = {};
          pw.clock.advance(SESSION_CHECK_INTERVAL_MS);
          const ok = await pw.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
          expect(ok.body.status).toBe('PAID');
        } finally {
          change = {};
        }
      });
    }
  });
});

describe('The anonymous success and cancel pages name no reader or borrowing', () => {
  const RECEIPT_KEYS = ['id', 'money_to_pay', 'paid_at', 'status', 'type'];

  it('success JSON carries only id, type, status, money_to_pay and paid_at, before and after paying', async () => {
    const { payment, sessionId } = await loan();
    const before = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(Object.keys(before.body).sort()).toEqual(RECEIPT_KEYS);
    expect(before.body).toEqual({ id: payment.id, type: 'PAYMENT', status: 'PENDING', money_to_pay: '4.50', paid_at: null });
    await w.stripe.api.pay(sessionId);
    w.clock.advance(SESSION_CHECK_INTERVAL_MS);
    const after = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(Object.keys(after.body).sort()).toEqual(RECEIPT_KEYS);
    expect(after.body).toMatchObject({ status: 'PAID', paid_at: expect.any(String) });
  });

  it('cancel JSON carries the same receipt, and null for an unknown session', async () => {
    const { sessionId } = await loan();
    const r = await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(Object.keys(r.body).sort()).toEqual(['message', 'payment', 'status']);
    expect(Object.keys(r.body.payment).sort()).toEqual(RECEIPT_KEYS);
    expect(
      (await w.req('GET', '/api/payments/cancel/?session_id=cs_test_unknown', { headers: JSON_ACCEPT })).body.payment,
    ).toBeNull();
  });

  it('the HTML pages show no user or borrowing id', async () => {
    const { u, payment, sessionId } = await loan();
    for (const p of ['success', 'cancel']) {
      const r = await w.req('GET', `/api/payments/${p}/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
      expect(r.status).toBe(200);
      expect(r.text).not.toMatch(/borrowing\s*#/i);
      expect(r.text).not.toMatch(/user|reader\s*#/i);
      expect(r.text).not.toContain(u.email);
      // The one number shown is the payment's own (for a question to the library).
      expect(r.text.match(/\w+ #\d+/g)).toEqual([`Payment #${payment.id}`]);
    }
  });
});

describe('The pages ask Stripe at most once every few seconds per session', () => {
  it('20 rapid hits of the success page (in parallel and one after another) make one Stripe retrieve', async () => {
    const { sessionId } = await loan();
    const hit = () => w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    const parallel = await Promise.all(Array.from({ length: 10 }, hit));
    for (let i = 0; i < 10; i++) expect((await hit()).status).toBe(200);
    expect(parallel.every((r) => r.status === 200 && r.body.status === 'PENDING')).toBe(true);
    expect(retrieves(w.stripe, sessionId)).toBe(1);

    // A few seconds later it asks again, and that answer counts.
    w.clock.advance(SESSION_CHECK_INTERVAL_MS - 1);
    await hit();
    expect(retrieves(w.stripe, sessionId)).toBe(1);
    await w.stripe.api.pay(sessionId);
    w.clock.advance(1);
    expect((await hit()).body.status).toBe('PAID');
    expect(retrieves(w.stripe, sessionId)).toBe(2);
    // Paid: the database answers from then on.
    w.clock.advance(SESSION_CHECK_INTERVAL_MS);
    await hit();
    expect(retrieves(w.stripe, sessionId)).toBe(2);
  });

  it('the cancel page never asks Stripe', async () => {
    const { sessionId } = await loan();
    for (let i = 0; i < 5; i++) await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: HTML_ACCEPT });
    expect(retrieves(w.stripe, sessionId)).toBe(0);
  });

  it('holds across two instances on one database: their hits together make one retrieve', async () => {
    const db = tempDbFile();
    const stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
    const a = await createApiWorld({ file: db.file, stripe });
    const b = await createApiWorld({ file: db.file, stripe });
    try {
      const { sessionId } = await loan(a);
      const hits = [a, b, a, b, b, a].map((x) =>
        x.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT }),
      );
      expect((await Promise.all(hits)).every((r) => r.status === 200)).toBe(true);
      expect(retrieves(stripe, sessionId)).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await stripe.close();
      db.cleanup();
    }
  });
});
