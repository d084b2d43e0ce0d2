// REST API: what a payment's checkout session is worth — why a new payment has none (Stripe
// down, or payments not set up), and a session another provider opened (the sandbox's stand-in
// before a Stripe key was set) counting as dead.
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type ApiWorld, createApiWorld, useApiWorld } from '../helpers/api.js';

const { world: w } = useApiWorld();

const JSON_ACCEPT = { accept: 'application/json' };

/** A reader with one fresh loan (rent 3 × $1.50 = $4.50) and its payment. */
async function loan(world: ApiWorld = w) {
  const u = await world.user();
  const book = await world.book({ daily_fee: '1.50' });
  const r = await world.req('POST', '/api/borrowings/', {
    token: u.access,
    body: { book_id: book.id, expected_return_date: world.day(3) },
  });
  expect(r.status).toBe(201);
  return { u, book, borrowing: r.body, payment: r.body.payments[0] };
}

describe('A payment without a checkout page says why', () => {
  it('says why session_url is null — borrow, extend, a late return and renew alike — and null when there is a page', async () => {
    const REASON = {
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(
        /^Stripe could not be reached, so no checkout page was opened; the payment waits and can be renewed/,
      ),
    };
    const u = await w.user();
    w.stripe.api.failNext(2, { status: 500 });
    const borrowed = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: (await w.book()).id, expected_return_date: w.day(3) },
    });
    expect([borrowed.status, borrowed.body.session_url, borrowed.body.session_error]).toEqual([201, null, REASON]);

    // renew's 503 gives the same reason.
    w.stripe.api.failNext(2, { status: 500 });
    const down = await w.req('POST', `/api/payments/${borrowed.body.payments[0].id}/renew/`, { token: u.access });
    expect([down.status, down.body.error]).toEqual([503, REASON]);
    const renewed = await w.req('POST', `/api/payments/${borrowed.body.payments[0].id}/renew/`, { token: u.access });
    await w.stripe.api.pay(renewed.body.session_id);
    expect(
      (await w.req('GET', `/api/payments/success/?session_id=${renewed.body.session_id}`, { headers: JSON_ACCEPT })).body.status,
    ).toBe('PAID');

    w.stripe.api.failNext(2, { status: 500 });
    const extended = await w.req('POST', `/api/borrowings/${borrowed.body.id}/extend/`, {
      token: u.access,
      body: { expected_return_date: w.day(5) },
    });
    expect([extended.status, extended.body.session_url, extended.body.session_error]).toEqual([200, null, REASON]);
    await w.db
      .updateTable('payments')
      .set({ status: 'PAID', paid_at: w.clock.now().toISOString() })
      .where('user_id', '=', u.id)
      .execute();

    w.clock.advance(7 * 86_400_000);
    w.stripe.api.failNext(2, { status: 500 });
    const late = await w.req('POST', `/api/borrowings/${borrowed.body.id}/return/`, { token: u.access });
    expect(late.status).toBe(200);
    expect(late.body.fine).toMatchObject({ type: 'FINE', status: 'PENDING', session_url: null });
    expect(late.body.session_error).toEqual(REASON);

    // With a page, no reason; an on-time return has neither fine nor reason.
    const ok = await w.req('POST', '/api/borrowings/', {
      token: (await w.user()).access,
      body: { book_id: (await w.book()).id, expected_return_date: w.day(3) },
    });
    expect(ok.body.session_url).toMatch(/\/checkout\/cs_/);
    expect(ok.body.session_error).toBeNull();
  });
});

describe("A session another provider opened (the sandbox's stand-in, before a Stripe key was set) counts as dead", () => {
  it('the expiry job marks it EXPIRED without asking Stripe, which never heard of it', async () => {
    const ew = await createApiWorld();
    try {
      const { payment } = await loan(ew);
      await ew.db
        .updateTable('payments')
        .set({ session_id: 'cs_test_standIn0001', session_url: 'http://localhost:3000/sandbox/checkout/cs_test_standIn0001' })
        .where('id', '=', payment.id)
        .execute();
      ew.clock.advance(25 * 3600_000);
      const asked = ew.stripe.api.requests.length;
      expect(await ew.core.payments.expireDue(SYSTEM_ACTOR)).toEqual({ checked: 1, expired: 1, paid: 0, errors: 0 });
      expect(ew.stripe.api.requests.length).toBe(asked);
      expect(
        (await ew.db.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow()).status,
      ).toBe('EXPIRED');
    } finally {
      await ew.close();
    }
  });
});
