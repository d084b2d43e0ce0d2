// How many SQL statements a read answers with, counting every statement the database runs for
// the request, the caller's token check included: a page of loans is a fixed number of
// statements however many loans and payments it holds (issue 16: at most 3). Today it is two —
// the account behind the token, then the page with its books and payments — so a query per row
// or a second query per page (payments fetched apart) fails here. Speed is measured in bench/.
import { beforeAll, describe, expect, it } from 'vitest';
import { watchStatements } from '../../db/statement-log.js';
import { type TestUser, useApiWorld } from '../helpers/api.js';

const { world: w } = useApiWorld();

/** The token check (users) and the page's one statement. */
const PER_READ = 2;

/** The request's answer and the SQL of each statement run while it was answered. */
async function counted(path: string, token: string) {
  const statements: string[] = [];
  const stop = watchStatements(w.db, (s) => statements.push(s));
  try {
    const r = await w.req('GET', path, { token });
    return { r, statements };
  } finally {
    stop();
  }
}

/** `n` loans of `u` straight in the database, each with its rent and every other one a fine too; the newest `active` still out. */
async function loans(u: TestUser, n: number, active: number) {
  for (let i = 0; i < n; i++) {
    const book = await w.book();
    const out = i >= n - active;
    const b = await w.db
      .insertInto('borrowings')
      .values({
        book_id: book.id,
        user_id: u.id,
        borrow_date: w.day(-40 + i),
        expected_return_date: w.day(-30 + i),
        actual_return_date: out ? null : w.day(-31 + i),
        created_at: w.clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const pay = (type: 'PAYMENT' | 'FINE', cents: number) => ({
      borrowing_id: b.id,
      user_id: u.id,
      type,
      status: 'PAID' as const,
      money_to_pay_cents: cents,
      session_id: `cs_stmt_${b.id}_${type}`,
      session_url: `https://checkout.example/${b.id}/${type}`,
      session_expires_at: null,
      payment_intent_id: null,
      created_at: w.clock.now().toISOString(),
      paid_at: w.clock.now().toISOString(),
      refunded_at: null,
    });
    await w.db
      .insertInto('payments')
      .values(i % 2 === 0 ? [pay('PAYMENT', 700), pay('FINE', 150)] : [pay('PAYMENT', 700)])
      .execute();
  }
}

describe("A reader's loans are a fixed number of statements, whatever the page holds", () => {
  let one: TestUser;
  let many: TestUser;
  beforeAll(async () => {
    one = await w.user();
    many = await w.user();
    await loans(one, 1, 1);
    await loans(many, 40, 5);
  });

  it('GET /api/borrowings/?limit=100: the token check and one statement for the page, its books and payments', async () => {
    const small = await counted('/api/borrowings/?limit=100', one.access);
    const big = await counted('/api/borrowings/?limit=100', many.access);
    expect(small.r.status).toBe(200);
    expect(big.r.status).toBe(200);
    expect(small.r.body.results).toHaveLength(1);
    expect(big.r.body.results).toHaveLength(40);
    expect(big.r.body.results.flatMap((b: { payments: unknown[] }) => b.payments)).toHaveLength(60);
    expect(big.statements.length, big.statements.join('\n')).toBe(PER_READ);
    expect(small.statements.length, small.statements.join('\n')).toBe(PER_READ);
  });

  it('paging on with the cursor, a page of one and the active filter cost the same', async () => {
    const first = await counted('/api/borrowings/?limit=15', many.access);
    const second = await counted(`/api/borrowings/?limit=15&cursor=${first.r.body.next_cursor}`, many.access);
    const tiny = await counted('/api/borrowings/?limit=1', many.access);
    const active = await counted('/api/borrowings/?is_active=true&limit=100', many.access);
    expect(second.r.body.results).toHaveLength(15);
    expect(active.r.body.results).toHaveLength(5);
    for (const c of [first, second, tiny, active]) expect(c.statements.length, c.statements.join('\n')).toBe(PER_READ);
  });

  it('one borrowing and "my books" (the active loans) too', async () => {
    const id = (await counted('/api/borrowings/?limit=1', many.access)).r.body.results[0].id;
    const detail = await counted(`/api/borrowings/${id}/`, many.access);
    const mine = await counted('/api/users/me/books/', many.access);
    expect(detail.r.status).toBe(200);
    expect(detail.r.body.payments.length).toBeGreaterThan(0);
    expect(mine.r.status).toBe(200);
    expect(detail.statements.length, detail.statements.join('\n')).toBe(PER_READ);
    expect(mine.statements.length, mine.statements.join('\n')).toBe(PER_READ);
  });
});
