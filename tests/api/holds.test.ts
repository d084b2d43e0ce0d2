// REST over real HTTP (SPEC §11): the holds routes and POST /api/borrowings/{id}/extend/, each
// refusal with the code §11 names, and the extra rent's payment with and without Stripe.
import { describe, expect, it } from 'vitest';
import { sessionIdOf, type TestUser, useApiWorld } from '../helpers/api.js';

const { world: w, staff } = useApiWorld({ listen: true, env: { MAX_HOLDS: '2', MAX_RENEWALS: '2' } });

const post = (u: TestUser | undefined, path: string, body?: unknown) => w.http('POST', path, { token: u?.access, body });
const get = (u: TestUser | undefined, path: string) => w.http('GET', path, { token: u?.access });
const borrow = (u: TestUser, bookId: number, days = 3) =>
  post(u, '/api/borrowings/', { book_id: bookId, expected_return_date: w.day(days) });

/** Marks a user's unpaid payments paid through the fake Stripe and the success page, as a reader would. */
async function pay(u: TestUser) {
  const unpaid = await w.db
    .selectFrom('payments')
    .select(['session_id'])
    .where('user_id', '=', u.id)
    .where('status', '=', 'PENDING')
    .execute();
  for (const p of unpaid) {
    await w.stripe.api.pay(p.session_id!);
    expect(
      (await w.http('GET', `/api/payments/success/?session_id=${p.session_id}`, { headers: { accept: 'application/json' } }))
        .status,
    ).toBe(200);
  }
}

/** A book with one copy, lent to a fresh reader (rent paid): the loan and its reader. */
async function lentBook(fee = '1.00') {
  const book = await w.book({ inventory: 1, daily_fee: fee });
  const holder = await w.user();
  const r = await borrow(holder, book.id);
  expect(r.status).toBe(201);
  await pay(holder);
  return { book, holder, loan: r.body as { id: number; expected_return_date: string } };
}

describe('POST /api/holds/ joins the queue', () => {
  it('201 with the hold as §11 shows it: book, WAITING, position, no deadline yet', async () => {
    const { book } = await lentBook();
    const a = await w.user();
    const b = await w.user();
    const ra = await post(a, '/api/holds/', { book_id: book.id });
    expect(ra.status).toBe(201);
    expect(ra.body).toMatchObject({
      user_id: a.id,
      status: 'WAITING',
      position: 1,
      ready_until: null,
      borrowing_id: null,
      book: { id: book.id, available: 0, holds: 1 },
    });
    expect(typeof ra.body.created_at).toBe('string');
    expect((await post(b, '/api/holds/', { book_id: book.id })).body).toMatchObject({ position: 2, book: { holds: 2 } });
    expect((await get(undefined, `/api/books/${book.id}/`)).body).toMatchObject({ inventory: 0, available: 0, holds: 2 });
    const listed = (await get(undefined, `/api/books/?search=${encodeURIComponent(book.title)}`)).body.results.find(
      (x: { id: number }) => x.id === book.id,
    );
    expect(listed).toMatchObject({ available: 0, holds: 2 });
  });

  it('409 COPY_AVAILABLE, ALREADY_HELD, ALREADY_BORROWED, HOLD_LIMIT; 404 for no such book; 400, 401', async () => {
    const a = await w.user();
    const onShelf = await w.book({ inventory: 1 });
    expect((await post(a, '/api/holds/', { book_id: onShelf.id })).body.error.code).toBe('COPY_AVAILABLE');
    const { book, holder } = await lentBook();
    expect((await post(holder, '/api/holds/', { book_id: book.id })).body.error.code).toBe('ALREADY_BORROWED');
    expect((await post(a, '/api/holds/', { book_id: book.id })).status).toBe(201);
    const again = await post(a, '/api/holds/', { book_id: book.id });
    expect([again.status, again.body.error.code]).toEqual([409, 'ALREADY_HELD']);
    expect((await post(a, '/api/holds/', { book_id: (await lentBook()).book.id })).status).toBe(201);
    const limit = await post(a, '/api/holds/', { book_id: (await lentBook()).book.id });
    expect([limit.status, limit.body.error.code]).toEqual([409, 'HOLD_LIMIT']);
    expect((await post(a, '/api/holds/', { book_id: 99_999_999 })).status).toBe(404);
    expect((await post(a, '/api/holds/', { book_id: 'one' })).status).toBe(400);
    expect((await post(undefined, '/api/holds/', { book_id: book.id })).status).toBe(401);
  });
});

describe('a returned copy waits for the first reader, and only for them', () => {
  it('returned over REST: the first hold is READY; a stranger gets 409 NO_COPIES_LEFT; its reader borrows it and the hold is FULFILLED', async () => {
    const { book, holder, loan } = await lentBook();
    const a = await w.user();
    const hold = (await post(a, '/api/holds/', { book_id: book.id })).body;
    expect((await post(holder, `/api/borrowings/${loan.id}/return/`)).status).toBe(200);
    const ready = (await get(a, `/api/holds/${hold.id}/`)).body;
    expect(ready).toMatchObject({ status: 'READY', position: null, book: { inventory: 1, available: 0, holds: 0 } });
    expect(Date.parse(ready.ready_until)).toBe(w.clock.now().getTime() + 48 * 3_600_000);
    const stranger = await w.user();
    const refused = await borrow(stranger, book.id);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'NO_COPIES_LEFT']);
    const mine = await borrow(a, book.id);
    expect(mine.status).toBe(201);
    expect((await get(a, `/api/holds/${hold.id}/`)).body).toMatchObject({ status: 'FULFILLED', borrowing_id: mine.body.id });
  });
});

describe('GET /api/holds/ and /api/holds/{id}/', () => {
  it('a reader sees their own, newest first; user_id is for staff (403); staff filter by user, book and status', async () => {
    const a = await w.user();
    const b = await w.user();
    const one = (await lentBook()).book;
    const two = (await lentBook()).book;
    const h1 = (await post(a, '/api/holds/', { book_id: one.id })).body;
    const h2 = (await post(a, '/api/holds/', { book_id: two.id })).body;
    const hb = (await post(b, '/api/holds/', { book_id: two.id })).body;
    const mine = await get(a, '/api/holds/');
    expect(mine.body.results.map((h: { id: number }) => h.id)).toEqual([h2.id, h1.id]);
    expect(mine.body.next_cursor).toBeNull();
    expect((await get(a, `/api/holds/?user_id=${b.id}`)).status).toBe(403);
    expect((await get(a, '/api/holds/?status=LOST')).status).toBe(400);
    expect((await get(staff, `/api/holds/?user_id=${b.id}`)).body.results.map((h: { id: number }) => h.id)).toEqual([hb.id]);
    const queue = (await get(staff, `/api/holds/?book_id=${two.id}&status=WAITING`)).body.results;
    expect(queue.map((h: { id: number; position: number }) => [h.id, h.position])).toEqual([
      [hb.id, 2],
      [h2.id, 1],
    ]);
    expect((await get(b, `/api/holds/${h1.id}/`)).status).toBe(404);
    expect((await get(staff, `/api/holds/${h1.id}/`)).status).toBe(200);
    expect((await get(undefined, '/api/holds/')).status).toBe(401);
  });
});

describe('POST /api/holds/{id}/cancel/', () => {
  it("200 CANCELLED; a READY hold's copy goes to the next reader at once; 409 NOT_ACTIVE after; 404 for another reader", async () => {
    const { book, holder, loan } = await lentBook();
    const a = await w.user();
    const b = await w.user();
    const ha = (await post(a, '/api/holds/', { book_id: book.id })).body;
    const hb = (await post(b, '/api/holds/', { book_id: book.id })).body;
    await post(holder, `/api/borrowings/${loan.id}/return/`);
    expect((await post(b, `/api/holds/${ha.id}/cancel/`)).status).toBe(404);
    const cancelled = await post(a, `/api/holds/${ha.id}/cancel/`);
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'CANCELLED']);
    expect((await get(b, `/api/holds/${hb.id}/`)).body.status).toBe('READY');
    const twice = await post(a, `/api/holds/${ha.id}/cancel/`);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'NOT_ACTIVE']);
    expect((await post(staff, `/api/holds/${hb.id}/cancel/`)).status).toBe(200);
    expect((await get(undefined, `/api/books/${book.id}/`)).body).toMatchObject({ available: 1, holds: 0 });
  });
});

describe('PATCH /api/books/{id}/ below the copies set aside', () => {
  it('409 COPIES_SET_ASIDE', async () => {
    const { book, holder, loan } = await lentBook();
    await post(await w.user(), '/api/holds/', { book_id: book.id });
    await post(holder, `/api/borrowings/${loan.id}/return/`);
    const r = await w.http('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { inventory: 0 } });
    expect([r.status, r.body.error.code]).toEqual([409, 'COPIES_SET_ASIDE']);
  });
});

describe('POST /api/borrowings/{id}/extend/', () => {
  it('200 with the borrowing as its detail, renewals counted, the extra days charged as a new PAYMENT with its own session', async () => {
    const { holder, loan } = await lentBook('1.50');
    const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(7) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: loan.id, expected_return_date: w.day(7), renewals: 1, is_active: true });
    expect(
      r.body.payments.map((p: { type: string; renewal: number; status: string; money_to_pay: string }) => [
        p.type,
        p.renewal,
        p.status,
        p.money_to_pay,
      ]),
    ).toEqual([
      ['PAYMENT', 0, 'PAID', '4.50'],
      ['PAYMENT', 1, 'PENDING', '6.00'],
    ]);
    expect(r.body.session_url).toBe(r.body.payments[1].session_url);
    expect(w.stripe.api.session(sessionIdOf(r.body.session_url))!.amount_total).toBe(600);
    const { session_url: _ignored, session_error, ...detail } = r.body;
    expect(session_error).toBeNull();
    expect((await get(holder, `/api/borrowings/${loan.id}/`)).body).toEqual(detail);
  });

  it('with Stripe down the extension stands: session_url null, the payment PENDING without a session, and renewable', async () => {
    const { holder, loan } = await lentBook();
    w.stripe.api.failNext(2, { status: 500 });
    const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(5) });
    expect(r.status).toBe(200);
    expect(r.body.session_url).toBeNull();
    const extra = r.body.payments[1];
    expect(extra).toMatchObject({ renewal: 1, status: 'PENDING', session_id: null, money_to_pay: '2.00' });
    const renewed = await post(holder, `/api/payments/${extra.id}/renew/`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.session_url).toMatch(/\/checkout\/cs_/);
  });

  it('409 HOLDS_WAITING while a reader waits for the book', async () => {
    const { book, holder, loan } = await lentBook();
    await post(await w.user(), '/api/holds/', { book_id: book.id });
    const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(5) });
    expect([r.status, r.body.error.code]).toEqual([409, 'HOLDS_WAITING']);
  });

  it('409 RENEWAL_LIMIT after MAX_RENEWALS extensions', async () => {
    const { holder, loan } = await lentBook();
    for (const day of [5, 6]) {
      expect((await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(day) })).status).toBe(200);
      await pay(holder);
    }
    const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(8) });
    expect([r.status, r.body.error.code]).toEqual([409, 'RENEWAL_LIMIT']);
  });

  it("409 UNPAID while the reader owes anything (here: the loan's own rent)", async () => {
    const book = await w.book({ inventory: 1 });
    const holder = await w.user();
    const loan = (await borrow(holder, book.id)).body;
    const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(5) });
    expect([r.status, r.body.error.code]).toEqual([409, 'UNPAID']);
  });

  it('409 OVERDUE once past the due date; 409 NOT_ACTIVE once returned', async () => {
    const overdue = await lentBook();
    const returned = await lentBook();
    expect((await post(returned.holder, `/api/borrowings/${returned.loan.id}/return/`)).status).toBe(200);
    const r2 = await post(returned.holder, `/api/borrowings/${returned.loan.id}/extend/`, { expected_return_date: w.day(5) });
    expect([r2.status, r2.body.error.code]).toEqual([409, 'NOT_ACTIVE']);
    w.clock.advance(4 * 86_400_000);
    const r = await post(overdue.holder, `/api/borrowings/${overdue.loan.id}/extend/`, { expected_return_date: w.day(5) });
    expect([r.status, r.body.error.code]).toEqual([409, 'OVERDUE']);
  });

  it('400 for a date not after the current one, beyond MAX_LOAN_DAYS from today, or no date; 404 for another reader; staff may extend', async () => {
    const { holder, loan } = await lentBook();
    for (const date of [loan.expected_return_date, w.day(1), w.day(31), '2026-02-30', undefined]) {
      const r = await post(holder, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: date });
      expect(r.status, String(date)).toBe(400);
    }
    expect((await post(await w.user(), `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(5) })).status).toBe(
      404,
    );
    const byStaff = await post(staff, `/api/borrowings/${loan.id}/extend/`, { expected_return_date: w.day(30) });
    expect([byStaff.status, byStaff.body.expected_return_date, byStaff.body.user_id]).toEqual([200, w.day(30), holder.id]);
  });
});
