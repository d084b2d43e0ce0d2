// REST API: borrowing, listing, returning, fines, and the inventory under concurrent borrowers.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineKind } from '../../db/engine.js';
import { createApiWorld, sessionIdOf, type TestUser, tempDbFile, useApiWorld } from '../helpers/api.js';

const { world: w, staff } = useApiWorld();

const borrow = (u: TestUser, book_id: unknown, ...date: unknown[]) =>
  w.req('POST', '/api/borrowings/', {
    token: u.access,
    body: { book_id, expected_return_date: date.length ? date[0] : w.day(3) },
  });

/** Marks every unpaid payment of a user paid, so the next loan is not blocked. */
const settle = (u: TestUser) =>
  w.db
    .updateTable('payments')
    .set({ status: 'PAID', paid_at: w.clock.now().toISOString() })
    .where('user_id', '=', u.id)
    .where('status', 'in', ['PENDING', 'EXPIRED'])
    .execute();

describe('Borrowing a book answers 201 with the borrowing, its payment and session_url', () => {
  it('takes a copy, charges fee × days through a Stripe Checkout Session and shows it like the detail', async () => {
    const u = await w.user();
    const book = await w.book({ daily_fee: '1.50', inventory: 2 });
    const r = await borrow(u, book.id, w.day(3));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      user_id: u.id,
      borrow_date: w.day(0),
      expected_return_date: w.day(3),
      actual_return_date: null,
      is_active: true,
      book: { ...book, inventory: 1, available: 1 },
    });
    expect(r.body.payments).toHaveLength(1);
    const [p] = r.body.payments;
    expect(p).toMatchObject({ type: 'PAYMENT', status: 'PENDING', money_to_pay: '4.50', borrowing_id: r.body.id });
    expect(r.body.session_url).toBe(p.session_url);
    expect(r.body.session_url).toMatch(new RegExp(`^${w.stripe.apiBase}/checkout/cs_`));
    const session = w.stripe.api.session(sessionIdOf(r.body.session_url))!;
    expect(session.amount_total).toBe(450);
    expect(session.success_url).toBe('http://library.test/api/payments/success/?session_id={CHECKOUT_SESSION_ID}');

    const { session_url: _ignored, session_error, ...detail } = r.body;
    expect(session_error).toBeNull();
    const d = await w.req('GET', `/api/borrowings/${r.body.id}/`, { token: u.access });
    expect(d.body).toEqual(detail);
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
  });

  it('charges a rent below $0.50 as $0.50', async () => {
    const u = await w.user();
    const book = await w.book({ daily_fee: '0.10' });
    const r = await borrow(u, book.id, w.day(2));
    expect(r.status).toBe(201);
    expect(r.body.payments[0].money_to_pay).toBe('0.50');
  });

  it('needs a login (401)', async () => {
    const book = await w.book();
    expect((await w.req('POST', '/api/borrowings/', { body: { book_id: book.id, expected_return_date: w.day(3) } })).status).toBe(
      401,
    );
  });
});

describe('The return date must be a real date after today, at most MAX_LOAN_DAYS away', () => {
  const cases: [string, () => unknown, string][] = [
    ['today', () => w.day(0), 'INVALID_LOAN_PERIOD'],
    ['yesterday', () => w.day(-1), 'INVALID_LOAN_PERIOD'],
    ['31 days away', () => w.day(31), 'INVALID_LOAN_PERIOD'],
    ['the impossible 2026-02-30', () => '2026-02-30', 'VALIDATION'],
    ['a word', () => 'tomorrow', 'VALIDATION'],
    ['a timestamp', () => `${w.day(3)}T00:00:00Z`, 'VALIDATION'],
    ['a number', () => 20260320, 'VALIDATION'],
    ['nothing', () => undefined, 'VALIDATION'],
  ];
  for (const [name, value, code] of cases) {
    it(`refuses ${name} with 400 ${code} and takes no copy`, async () => {
      const u = await w.user();
      const book = await w.book({ inventory: 1 });
      const r = await borrow(u, book.id, value());
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(code);
      expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
    });
  }

  it("a bad date gets one message, the same on borrow and extend, and the same as core's", async () => {
    const u = await w.user();
    const loan = await borrow(u, (await w.book()).id, w.day(3));
    expect(loan.status).toBe(201);
    for (const bad of ['2026-02-30', 'tomorrow', 5, '', '2026-2-3', null]) {
      const onBorrow = await borrow(u, (await w.book()).id, bad);
      const onExtend = await w.req('POST', `/api/borrowings/${loan.body.id}/extend/`, {
        token: u.access,
        body: { expected_return_date: bad },
      });
      for (const r of [onBorrow, onExtend]) {
        expect(r.status, JSON.stringify(bad)).toBe(400);
        const { message, details } = r.body.error;
        expect(details, JSON.stringify(bad)).toEqual([{ field: 'expected_return_date', message }]);
        expect(message).not.toContain(';');
      }
      expect(onExtend.body.error.message).toBe(onBorrow.body.error.message);
      // The bot reaches core without the API's schema: the same sentence.
      const core = await w.core.borrowings
        .borrow({ userId: u.id, isStaff: false }, { book_id: 1, expected_return_date: bad as string })
        .catch((e: Error) => e.message);
      expect(core).toBe(onBorrow.body.error.message);
    }
    // The document still tells clients the form.
    const doc = (await w.req('GET', '/api/openapi.json')).body;
    for (const name of ['BorrowRequest', 'ExtendRequest']) {
      expect(doc.components.schemas[name].properties.expected_return_date).toMatchObject({
        type: 'string',
        format: 'date',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      });
    }
  });

  it('accepts exactly 30 days', async () => {
    const u = await w.user();
    const book = await w.book();
    expect((await borrow(u, book.id, w.day(30))).status).toBe(201);
  });
});

describe('book_id must name an existing book', () => {
  for (const id of [9007199254740993, '1', 0, -3, 1.5, null]) {
    it(`refuses book_id ${JSON.stringify(id)} with 400`, async () => {
      const u = await w.user();
      const r = await borrow(u, id);
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe('book_id');
    });
  }

  it('answers 404 for a book that does not exist', async () => {
    const u = await w.user();
    const r = await borrow(u, 424242);
    expect(r.status).toBe(404);
  });
});

describe('Circulation rules answer 409', () => {
  it('NO_COPIES_LEFT when the inventory is 0', async () => {
    const u = await w.user();
    const book = await w.book({ inventory: 0 });
    const r = await borrow(u, book.id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('NO_COPIES_LEFT');
  });

  it('LOAN_LIMIT_REACHED for a 4th book while 3 are held', async () => {
    const u = await w.user();
    for (let i = 0; i < 3; i++) {
      expect((await borrow(u, (await w.book()).id)).status).toBe(201);
      await settle(u);
    }
    const book = await w.book({ inventory: 1 });
    const r = await borrow(u, book.id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('LOAN_LIMIT_REACHED');
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
  });

  it('UNPAID while the rent of an earlier loan is unpaid', async () => {
    const u = await w.user();
    const first = await borrow(u, (await w.book()).id);
    expect(first.status).toBe(201);
    const r = await borrow(u, (await w.book()).id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('UNPAID');
    expect(r.body.error.details.payment_id).toBe(first.body.payments[0].id);
  });
});

describe("Reading borrowings: your own, or everyone's for staff", () => {
  let a: TestUser;
  let b: TestUser;
  let aLoan: number;
  let bLoan: number;
  beforeAll(async () => {
    a = await w.user();
    b = await w.user();
    aLoan = (await borrow(a, (await w.book()).id)).body.id;
    bLoan = (await borrow(b, (await w.book()).id)).body.id;
  });

  it('a reader lists only their own borrowings', async () => {
    const r = await w.req('GET', '/api/borrowings/', { token: a.access });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { id: number }) => x.id)).toEqual([aLoan]);
    expect(r.body.next_cursor).toBeNull();
  });

  it('staff see everyone and can filter by user_id', async () => {
    const all = await w.req('GET', '/api/borrowings/?limit=100', { token: staff.access });
    const ids = all.body.results.map((x: { id: number }) => x.id);
    expect(ids).toEqual(expect.arrayContaining([aLoan, bLoan]));
    const onlyB = await w.req('GET', `/api/borrowings/?user_id=${b.id}`, { token: staff.access });
    expect(onlyB.body.results.map((x: { id: number }) => x.id)).toEqual([bLoan]);
  });

  it('a reader filtering by user_id gets 403', async () => {
    const r = await w.req('GET', `/api/borrowings/?user_id=${b.id}`, { token: a.access });
    expect(r.status).toBe(403);
    expect((await w.req('GET', `/api/borrowings/?user_id=${a.id}`, { token: a.access })).status).toBe(403);
  });

  it("another reader's borrowing answers 404, staff read it", async () => {
    const r = await w.req('GET', `/api/borrowings/${bLoan}/`, { token: a.access });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    const s = await w.req('GET', `/api/borrowings/${bLoan}/`, { token: staff.access });
    expect(s.status).toBe(200);
    expect(s.body.user_id).toBe(b.id);
    expect(s.body.book.id).toBeTypeOf('number');
    expect(s.body.payments[0].type).toBe('PAYMENT');
  });

  it('a missing borrowing answers 404 and a bad id 400', async () => {
    expect((await w.req('GET', '/api/borrowings/99999999/', { token: a.access })).status).toBe(404);
    expect((await w.req('GET', '/api/borrowings/9007199254740993/', { token: a.access })).status).toBe(400);
  });

  it('filters by is_active and refuses other values with 400', async () => {
    const u = await w.user();
    const kept = (await borrow(u, (await w.book()).id)).body.id;
    await settle(u);
    const back = (await borrow(u, (await w.book()).id)).body.id;
    await w.req('POST', `/api/borrowings/${back}/return/`, { token: u.access });
    const active = await w.req('GET', '/api/borrowings/?is_active=true', { token: u.access });
    expect(active.body.results.map((x: { id: number }) => x.id)).toEqual([kept]);
    const returned = await w.req('GET', '/api/borrowings/?is_active=false', { token: u.access });
    expect(returned.body.results.map((x: { id: number }) => x.id)).toEqual([back]);
    expect((await w.req('GET', '/api/borrowings/?is_active=maybe', { token: u.access })).status).toBe(400);
  });

  it('needs a login (401)', async () => {
    expect((await w.req('GET', '/api/borrowings/')).status).toBe(401);
  });
});

describe('Borrowings are paged newest first', () => {
  it('walks disjoint pages covering every borrowing, ids descending', async () => {
    const pw = await createApiWorld();
    try {
      const s = await pw.user({ staff: true });
      const book = await pw.book({ inventory: 100 });
      const made: number[] = [];
      for (let i = 0; i < 23; i++) {
        const u = await pw.user();
        const r = await pw.req('POST', '/api/borrowings/', {
          token: u.access,
          body: { book_id: book.id, expected_return_date: pw.day(2) },
        });
        made.push(r.body.id);
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: { results: { id: number }[]; next_cursor: string | null } } = await pw.req(
          'GET',
          `/api/borrowings/?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
          { token: s.access },
        );
        expect(r.status).toBe(200);
        seen.push(...r.body.results.map((x) => x.id));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...made].sort((x, y) => y - x));
      expect((await pw.req('GET', '/api/borrowings/?cursor=bad!', { token: s.access })).status).toBe(400);
      expect((await pw.req('GET', '/api/borrowings/?limit=500', { token: s.access })).body.results).toHaveLength(23);
    } finally {
      await pw.close();
    }
  });
});

describe('Returning a book', () => {
  it('the borrower returns it: 200, the copy is back on the shelf, no fine when on time', async () => {
    const u = await w.user();
    const book = await w.book({ inventory: 1 });
    const loan = (await borrow(u, book.id, w.day(5))).body;
    const r = await w.req('POST', `/api/borrowings/${loan.id}/return/`, { token: u.access });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: loan.id, actual_return_date: w.day(0), is_active: false, fine: null });
    expect(r.body.payments).toHaveLength(1);
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
  });

  it('a second return answers 409 ALREADY_RETURNED and the inventory rises only once', async () => {
    const u = await w.user();
    const book = await w.book({ inventory: 1 });
    const loan = (await borrow(u, book.id)).body;
    expect((await w.req('POST', `/api/borrowings/${loan.id}/return`, { token: u.access })).status).toBe(200);
    const again = await w.req('POST', `/api/borrowings/${loan.id}/return/`, { token: u.access });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_RETURNED');
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
  });

  it('another reader cannot return it (404) and nothing changes; staff can', async () => {
    const owner = await w.user();
    const other = await w.user();
    const book = await w.book({ inventory: 1 });
    const loan = (await borrow(owner, book.id)).body;
    const r = await w.req('POST', `/api/borrowings/${loan.id}/return/`, { token: other.access });
    expect(r.status).toBe(404);
    expect((await w.req('GET', `/api/borrowings/${loan.id}/`, { token: owner.access })).body.is_active).toBe(true);
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(0);
    const s = await w.req('POST', `/api/borrowings/${loan.id}/return/`, { token: staff.access });
    expect(s.status).toBe(200);
    expect(s.body.is_active).toBe(false);
  });

  it('needs a login (401)', async () => {
    expect((await w.req('POST', '/api/borrowings/1/return/')).status).toBe(401);
  });
});

describe('A late return creates a FINE of overdue days × daily fee × 2', () => {
  for (const late of [1, 10]) {
    it(`charges ${late} day(s) late with its own checkout session`, async () => {
      const u = await w.user();
      const book = await w.book({ daily_fee: '1.50' });
      const loan = (await borrow(u, book.id, w.day(1))).body;
      await settle(u);
      w.clock.advanceDays(1 + late);
      const r = await w.req('POST', `/api/borrowings/${loan.id}/return/`, { token: u.access });
      expect(r.status).toBe(200);
      const expected = (late * 150 * 2) / 100;
      expect(r.body.fine).toMatchObject({
        type: 'FINE',
        status: 'PENDING',
        money_to_pay: expected.toFixed(2),
        borrowing_id: loan.id,
      });
      expect(r.body.fine.session_url).toMatch(/\/checkout\/cs_/);
      expect(w.stripe.api.session(r.body.fine.session_id)!.amount_total).toBe(late * 300);
      expect(r.body.payments.map((p: { type: string }) => p.type)).toEqual(['PAYMENT', 'FINE']);
      // The fine is unpaid, so it blocks the next loan.
      const next = await borrow(u, (await w.book()).id, w.day(2));
      expect(next.status).toBe(409);
      expect(next.body.error.code).toBe('UNPAID');
    });
  }
});

describe('Concurrent borrowers can never push the inventory below zero', () => {
  it('20 readers at once on a book with 5 copies over a file database: exactly 5 × 201 and 15 × 409 NO_COPIES_LEFT', async () => {
    const tmp = tempDbFile();
    const fw = await createApiWorld({ file: tmp.file, listen: true });
    try {
      if (engineKind(fw.db) === 'sqlite') {
        const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(fw.db);
        expect(mode.rows[0]!.journal_mode).toBe('wal');
      }
      const book = await fw.book({ inventory: 5 });
      const readers = await Promise.all(Array.from({ length: 20 }, () => fw.user()));
      const answers = await Promise.all(
        readers.map((u) =>
          fw.http('POST', '/api/borrowings/', { token: u.access, body: { book_id: book.id, expected_return_date: fw.day(7) } }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(15);
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'NO_COPIES_LEFT')).toBe(true);
      expect((await fw.http('GET', `/api/books/${book.id}/`)).body.inventory).toBe(0);
      const loans = await fw.db.selectFrom('borrowings').select('user_id').where('book_id', '=', book.id).execute();
      expect(loans).toHaveLength(5);
      const winners = answers
        .filter((a) => a.status === 201)
        .map((a) => a.body.user_id)
        .sort();
      expect(loans.map((l) => l.user_id).sort()).toEqual(winners);
    } finally {
      await fw.close();
      tmp.cleanup();
    }
  });
});
