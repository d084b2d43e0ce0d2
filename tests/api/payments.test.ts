import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import type { FakeEvent } from '../../sandbox/stripe/fake-stripe-api.js';
import { type ApiWorld, createApiWorld, sessionIdOf, useApiWorld, WEBHOOK_SECRET } from '../helpers/api.js';

const { world: w, staff } = useApiWorld();

const JSON_ACCEPT = { accept: 'application/json' };
const BROWSER_ACCEPT = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

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
  return {
    u,
    book,
    borrowing: r.body,
    payment,
    sessionId: payment.session_id as string,
    sessionUrl: r.body.session_url as string,
  };
}

const paymentRow = (id: number) => w.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxFor = async (world: ApiWorld, paymentId: number) =>
  (await world.db.selectFrom('outbox').select(['kind', 'payload']).where('kind', 'like', '%payment_received').execute())
    .filter((r) => JSON.parse(r.payload).payment_id === paymentId)
    .map((r) => ({ kind: r.kind }));

const lastEvent = (world: ApiWorld, type: string, sessionId: string): FakeEvent => {
  const ev = [...world.stripe.api.events]
    .reverse()
    .find((e) => e.type === type && (e.data.object as { id: string }).id === sessionId);
  if (!ev) throw new Error(`no ${type} event for ${sessionId}`);
  return ev;
};

const postWebhook = (world: ApiWorld, payload: string, signature?: string) =>
  world.req('POST', '/api/payments/webhook/', {
    raw: payload,
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
  });

describe('The success redirect marks a paid session PAID, without a login', () => {
  it('answers "not paid yet" before the reader pays, and leaves the payment PENDING', async () => {
    const { payment, sessionId } = await loan();
    const r = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: BROWSER_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.text).toContain('Not paid yet');
    expect(r.text).toContain('$4.50');
    expect((await paymentRow(payment.id)).status).toBe('PENDING');
    const j = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(j.body.status).toBe('PENDING');
  });

  it('after paying at Stripe, answers a "payment received" page, marks PAID and notifies staff once', async () => {
    const { payment, sessionId, sessionUrl } = await loan();
    expect(sessionIdOf(sessionUrl)).toBe(sessionId);
    await w.stripe.api.pay(sessionId);
    const r = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: BROWSER_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.text).toContain('Payment received');
    expect(r.text).toContain('$4.50');
    const row = await paymentRow(payment.id);
    expect(row.status).toBe('PAID');
    expect(row.payment_intent_id).toMatch(/^pi_/);
    expect(await outboxFor(w, payment.id)).toEqual([{ kind: 'staff.payment_received' }]);

    // Replays (a refresh, the JSON form) change nothing.
    expect((await w.req('GET', `/api/payments/success?session_id=${sessionId}`, { headers: BROWSER_ACCEPT })).text).toContain(
      'Payment received',
    );
    const j = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(j.status).toBe(200);
    // Anyone holding the session id can open this: the receipt names no reader or borrowing (SPEC §10).
    const detail = await w.req('GET', `/api/payments/${payment.id}/`, { token: staff.access });
    expect(j.body).toEqual({
      id: payment.id,
      type: 'PAYMENT',
      status: 'PAID',
      money_to_pay: '4.50',
      paid_at: detail.body.paid_at,
    });
    expect(await outboxFor(w, payment.id)).toHaveLength(1);
    expect((await paymentRow(payment.id)).paid_at).toBe(row.paid_at);
  });

  it('answers 404 for an unknown session (a page for browsers, JSON for clients)', async () => {
    const page = await w.req('GET', '/api/payments/success/?session_id=cs_test_unknown', { headers: BROWSER_ACCEPT });
    expect(page.status).toBe(404);
    expect(page.text).toContain('Payment not found');
    const j = await w.req('GET', '/api/payments/success/?session_id=cs_test_unknown', { headers: JSON_ACCEPT });
    expect(j.status).toBe(404);
    expect(j.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 400 for a missing or malformed session_id', async () => {
    expect((await w.req('GET', '/api/payments/success/', { headers: JSON_ACCEPT })).status).toBe(400);
    const bad = await w.req('GET', `/api/payments/success/?session_id=${encodeURIComponent('<script>alert(1)</script>')}`, {
      headers: BROWSER_ACCEPT,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain('<script>alert');
  });

  it('answers 503 when Stripe cannot be asked, and the payment stays PENDING', async () => {
    const { payment, sessionId } = await loan();
    w.stripe.api.failNext(2, { status: 500 });
    const r = await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect((await paymentRow(payment.id)).status).toBe('PENDING');
  });
});

describe('The cancel redirect says the payment is paused for 24 hours', () => {
  it('answers a page with the amount and a link back to the checkout', async () => {
    const { sessionId, sessionUrl } = await loan();
    const r = await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: BROWSER_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.text).toContain('Payment paused');
    expect(r.text).toContain('24 hours');
    expect(r.text).toContain('$4.50');
    expect(r.text).toContain(`href="${sessionUrl}"`);
  });

  it('answers JSON with the payment for Accept: application/json', async () => {
    const { payment, sessionId } = await loan();
    const r = await w.req('GET', `/api/payments/cancel?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'paused',
      message: expect.any(String),
      payment: { id: payment.id, type: 'PAYMENT', status: 'PENDING', money_to_pay: '4.50', paid_at: null },
    });
  });

  it('still answers the page, without an amount, for an unknown session', async () => {
    const r = await w.req('GET', '/api/payments/cancel/?session_id=cs_test_nope', { headers: BROWSER_ACCEPT });
    expect(r.status).toBe(200);
    expect(r.text).toContain('Payment paused');
    expect(r.text).not.toContain('$');
  });
});

describe('The pages a payer lands on are neither sniffed nor framed', () => {
  it("success, cancel and pay-link pages (HTML, JSON and error pages) send nosniff and frame-ancestors 'none'", async () => {
    const { payment, sessionId } = await loan();
    const link = (await w.core.payments.links.urlFor(payment.id))!.replace('http://library.test', '');
    const answers = [
      await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: BROWSER_ACCEPT }),
      await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT }),
      await w.req('GET', '/api/payments/success/?session_id=cs_test_unknown', { headers: BROWSER_ACCEPT }),
      await w.req('GET', `/api/payments/cancel/?session_id=${sessionId}`, { headers: BROWSER_ACCEPT }),
      await w.req('GET', '/api/payments/cancel/', { headers: JSON_ACCEPT }),
      await w.req('GET', link),
      await w.req('GET', '/api/payments/checkout/1.AAAAAAAAAAAAAAAAAAAAAA/'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 200, 200, 303, 404]);
    for (const r of answers) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('Signed Stripe webhooks are applied once per event', () => {
  it('checkout.session.completed with a good signature marks PAID; a replay adds no second notification', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    const payload = JSON.stringify(lastEvent(w, 'checkout.session.completed', sessionId));
    const r = await postWebhook(w, payload, w.stripe.api.sign(payload, WEBHOOK_SECRET));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: true });
    expect((await paymentRow(payment.id)).status).toBe('PAID');
    expect(await outboxFor(w, payment.id)).toHaveLength(1);

    const again = await postWebhook(w, payload, w.stripe.api.sign(payload, WEBHOOK_SECRET));
    expect(again.status).toBe(200);
    expect(await outboxFor(w, payment.id)).toHaveLength(1);
    const events = await w.db.selectFrom('stripe_events').select('id').where('id', '=', JSON.parse(payload).id).execute();
    expect(events).toHaveLength(1);
  });

  it('a bad or missing signature answers 400 and changes nothing', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    const payload = JSON.stringify(lastEvent(w, 'checkout.session.completed', sessionId));
    const forged = await postWebhook(w, payload, w.stripe.api.sign(payload, 'whsec_wrong'));
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('VALIDATION');
    const tampered = await postWebhook(w, payload.replace('"paid"', '"unpaid"'), w.stripe.api.sign(payload, WEBHOOK_SECRET));
    expect(tampered.status).toBe(400);
    expect((await postWebhook(w, payload)).status).toBe(400);
    expect((await paymentRow(payment.id)).status).toBe('PENDING');
  });

  it('checkout.session.expired marks the payment EXPIRED', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.expire(sessionId);
    const payload = JSON.stringify(lastEvent(w, 'checkout.session.expired', sessionId));
    expect((await postWebhook(w, payload, w.stripe.api.sign(payload, WEBHOOK_SECRET))).status).toBe(200);
    expect((await paymentRow(payment.id)).status).toBe('EXPIRED');
  });

  it('answers 200 {received: true} to event types it does not handle', async () => {
    const payload = JSON.stringify({
      id: 'evt_other_1',
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    const r = await postWebhook(w, payload, w.stripe.api.sign(payload, WEBHOOK_SECRET));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: true });
  });

  it('works end to end when Stripe itself delivers to the listening server, including its resend', async () => {
    const lw = await createApiWorld({ listen: true });
    try {
      lw.stripe.api.setWebhookUrl(`${lw.url}/api/payments/webhook/`);
      const { payment, sessionId } = await loan(lw);
      await lw.stripe.api.pay(sessionId);
      await lw.stripe.api.idle();
      const row = await lw.db.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('PAID');
      const delivered = lw.stripe.api.deliveries.filter((d) => d.eventType === 'checkout.session.completed');
      expect(delivered.at(-1)).toMatchObject({ status: 200, ok: true });
      const result = await lw.stripe.api.resend(delivered.at(-1)!.eventId);
      expect(result.ok).toBe(true);
      expect(await outboxFor(lw, payment.id)).toHaveLength(1);
    } finally {
      await lw.close();
    }
  });
});

describe('An expired payment is renewed with a new session, then paid', () => {
  it('expired → renew → pay → PAID, and the reader may borrow again', async () => {
    const { u, payment, sessionId } = await loan();
    w.clock.advance(25 * 3600_000);
    const summary = await w.core.payments.expireDue(SYSTEM_ACTOR);
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect((await paymentRow(payment.id)).status).toBe('EXPIRED');
    const blocked = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: (await w.book()).id, expected_return_date: w.day(2) },
    });
    expect(blocked.body.error.code).toBe('UNPAID');

    const r = await w.req('POST', `/api/payments/${payment.id}/renew/`, { token: u.access });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: payment.id, status: 'PENDING', money_to_pay: '4.50' });
    expect(r.body.session_id).not.toBe(sessionId);
    expect(r.body.session_url).toContain(r.body.session_id);

    await w.stripe.api.pay(r.body.session_id);
    const ok = await w.req('GET', `/api/payments/success/?session_id=${r.body.session_id}`, { headers: JSON_ACCEPT });
    expect(ok.body.status).toBe('PAID');
    const next = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: (await w.book()).id, expected_return_date: w.day(2) },
    });
    expect(next.status).toBe(201);
  });

  it('refuses to renew a payment whose session is still open, or a paid one, with 409', async () => {
    const { u, payment, sessionId } = await loan();
    const open = await w.req('POST', `/api/payments/${payment.id}/renew/`, { token: u.access });
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe('PAYMENT_NOT_RENEWABLE');
    await w.stripe.api.pay(sessionId);
    await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    expect((await w.req('POST', `/api/payments/${payment.id}/renew/`, { token: u.access })).status).toBe(409);
  });

  it('answers 404 to anyone but the owner, staff included', async () => {
    const { payment } = await loan();
    const other = await w.user();
    expect((await w.req('POST', `/api/payments/${payment.id}/renew/`, { token: other.access })).status).toBe(404);
    expect((await w.req('POST', `/api/payments/${payment.id}/renew/`, { token: staff.access })).status).toBe(404);
    expect((await w.req('POST', `/api/payments/${payment.id}/renew/`)).status).toBe(401);
  });
});

describe('Stripe being down never loses a borrowing', () => {
  it('Stripe answering 500 → 201 with session_url null, the payment PENDING and renewable', async () => {
    const u = await w.user();
    const book = await w.book({ inventory: 1 });
    w.stripe.api.failNext(2, { status: 500 });
    const r = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: book.id, expected_return_date: w.day(3) },
    });
    expect(r.status).toBe(201);
    expect(r.body.session_url).toBeNull();
    expect(r.body.payments[0]).toMatchObject({ status: 'PENDING', session_id: null, session_url: null });
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(0);

    w.stripe.api.failNext(2, { status: 503 });
    const down = await w.req('POST', `/api/payments/${r.body.payments[0].id}/renew/`, { token: u.access });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');

    const renewed = await w.req('POST', `/api/payments/${r.body.payments[0].id}/renew/`, { token: u.access });
    expect(renewed.status).toBe(200);
    expect(renewed.body.session_url).toMatch(/\/checkout\/cs_/);
  });

  it('Stripe timing out → 201 with session_url null within the timeout, and renew works later', async () => {
    const tw = await createApiWorld({ gatewayTimeoutMs: 250, gatewayRetries: 1 });
    try {
      const u = await tw.user();
      const book = await tw.book();
      tw.stripe.api.delayNext(2, 1500);
      const started = Date.now();
      const r = await tw.req('POST', '/api/borrowings/', {
        token: u.access,
        body: { book_id: book.id, expected_return_date: tw.day(3) },
      });
      expect(r.status).toBe(201);
      expect(r.body.session_url).toBeNull();
      expect(Date.now() - started).toBeLessThan(5000);
      const renewed = await tw.req('POST', `/api/payments/${r.body.payments[0].id}/renew/`, { token: u.access });
      expect(renewed.status).toBe(200);
      expect(renewed.body.session_url).not.toBeNull();
    } finally {
      await tw.close();
    }
  });
});

describe('Staff refund a paid payment through Stripe', () => {
  it('refunds: 200 REFUNDED and Stripe holds one refund; a second refund is 409', async () => {
    const { payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    const intent = (await paymentRow(payment.id)).payment_intent_id;
    const r = await w.req('POST', `/api/payments/${payment.id}/refund/`, { token: staff.access });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: payment.id, status: 'REFUNDED' });
    expect(r.body.refunded_at).not.toBeNull();
    expect(w.stripe.api.refunds().filter((x) => x.payment_intent === intent)).toHaveLength(1);
    const again = await w.req('POST', `/api/payments/${payment.id}/refund/`, { token: staff.access });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PAYMENT_NOT_REFUNDABLE');
  });

  it('answers 403 to a reader, even the owner, and refunds nothing', async () => {
    const { u, payment, sessionId } = await loan();
    await w.stripe.api.pay(sessionId);
    await w.req('GET', `/api/payments/success/?session_id=${sessionId}`, { headers: JSON_ACCEPT });
    const refundsBefore = w.stripe.api.refunds().length;
    const r = await w.req('POST', `/api/payments/${payment.id}/refund/`, { token: u.access });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect(w.stripe.api.refunds()).toHaveLength(refundsBefore);
    expect((await paymentRow(payment.id)).status).toBe('PAID');
  });

  it('answers 409 for a payment that is not paid and 404 for one that does not exist', async () => {
    const { payment } = await loan();
    expect((await w.req('POST', `/api/payments/${payment.id}/refund/`, { token: staff.access })).status).toBe(409);
    expect((await w.req('POST', '/api/payments/99999999/refund/', { token: staff.access })).status).toBe(404);
  });
});

describe("Reading payments: your own, or everyone's for staff", () => {
  it('a reader lists their own payments only, newest first; staff filter by user_id and status', async () => {
    const a = await loan();
    const b = await loan();
    const mine = await w.req('GET', '/api/payments/', { token: a.u.access });
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      results: [expect.objectContaining({ id: a.payment.id, money_to_pay: '4.50' })],
      next_cursor: null,
    });
    expect((await w.req('GET', `/api/payments/?user_id=${b.u.id}`, { token: a.u.access })).status).toBe(403);
    const theirs = await w.req('GET', `/api/payments/?user_id=${b.u.id}`, { token: staff.access });
    expect(theirs.body.results.map((p: { id: number }) => p.id)).toEqual([b.payment.id]);
    const pending = await w.req('GET', '/api/payments/?status=PENDING&limit=100', { token: staff.access });
    expect(pending.body.results.every((p: { status: string }) => p.status === 'PENDING')).toBe(true);
    const ids = pending.body.results.map((p: { id: number }) => p.id);
    expect(ids).toEqual([...ids].sort((x: number, y: number) => y - x));
    expect((await w.req('GET', '/api/payments/?status=LOST', { token: staff.access })).status).toBe(400);
  });

  it("another reader's payment answers 404; the owner and staff read it", async () => {
    const a = await loan();
    const other = await w.user();
    expect((await w.req('GET', `/api/payments/${a.payment.id}/`, { token: other.access })).status).toBe(404);
    expect((await w.req('GET', `/api/payments/${a.payment.id}/`, { token: a.u.access })).body).toEqual(a.payment);
    expect((await w.req('GET', `/api/payments/${a.payment.id}`, { token: staff.access })).status).toBe(200);
  });

  it('pages without repeats', async () => {
    const first = await w.req('GET', '/api/payments/?limit=3', { token: staff.access });
    const second = await w.req('GET', `/api/payments/?limit=3&cursor=${first.body.next_cursor}`, { token: staff.access });
    const ids = [...first.body.results, ...second.body.results].map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect((await w.req('GET', '/api/payments/?cursor=@@', { token: staff.access })).status).toBe(400);
  });

  it('needs a login (401) and a sane id (400)', async () => {
    expect((await w.req('GET', '/api/payments/')).status).toBe(401);
    expect((await w.req('GET', '/api/payments/9007199254740993/', { token: staff.access })).status).toBe(400);
  });
});
