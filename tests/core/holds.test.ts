// SPEC §11 holds, in core over a real database (both engines): the queue is first come, first
// served; a copy that comes back is set aside for the first reader waiting in the same
// transaction, and nobody else can borrow it; expiry and cancelling pass it on; every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Book } from '../../core/catalogue/books.js';
import { SYSTEM_ACTOR, type UserActor } from '../../core/index.js';
import { addDays } from '../../core/kernel/clock.js';
import { createWorld, makeBook, type World } from '../helpers/world.js';

let w: World;
let staff: UserActor;
let tg = 7_100_000;

beforeAll(async () => {
  w = await createWorld({ env: { MAX_HOLDS: '3', HOLD_PICKUP_HOURS: '48' } });
  staff = await reader(true);
});
afterAll(async () => {
  await w?.close();
});

/** A reader with Telegram (so notices are queued for them), straight in the database. */
async function reader(isStaff = false): Promise<UserActor> {
  const row = await w.db
    .insertInto('users')
    .values({
      email: null,
      password_hash: null,
      first_name: 'Reader',
      last_name: String(++tg),
      is_staff: isStaff ? 1 : 0,
      telegram_user_id: tg,
      language: 'en',
      created_at: w.clock.now().toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, isStaff };
}

const due = (days = 7) => addDays(w.core.borrowings.today(), days);
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

/** A book with `copies`, all of them lent out (so readers can queue), and the loans. */
async function bookOut(copies = 1): Promise<{ book: Book; loans: Array<{ id: number; actor: UserActor }> }> {
  const book = await makeBook(w.core, { inventory: copies });
  const loans = [];
  for (let i = 0; i < copies; i++) {
    const actor = await reader();
    const { borrowing } = await w.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: due() });
    loans.push({ id: borrowing.id, actor });
  }
  return { book: await w.core.books.get(book.id), loans };
}

const holdsOf = (bookId: number) =>
  w.db
    .selectFrom('holds')
    .select(['id', 'user_id', 'status', 'ready_until', 'borrowing_id'])
    .where('book_id', '=', bookId)
    .orderBy('id')
    .execute();
const outboxFor = (kind: string) =>
  w.db.selectFrom('outbox').select(['chat_id', 'kind', 'payload', 'dedup_key']).where('kind', '=', kind).orderBy('id').execute();
const bookRow = (id: number) =>
  w.db.selectFrom('books').select(['inventory', 'held', 'waiting']).where('id', '=', id).executeTakeFirstOrThrow();
const chatOf = async (a: UserActor) =>
  (await w.db.selectFrom('users').select('telegram_user_id').where('id', '=', a.userId).executeTakeFirstOrThrow())
    .telegram_user_id;

describe('the queue is first come, first served', () => {
  it('readers join a book that is out in order; a returned copy is set aside for the first, who is told', async () => {
    const { book, loans } = await bookOut(1);
    expect(book).toMatchObject({ inventory: 0, available: 0, holds: 0 });
    const [a, b, c] = [await reader(), await reader(), await reader()];
    const ha = await w.core.holds.place(a, { book_id: book.id });
    const hb = await w.core.holds.place(b, { book_id: book.id });
    const hc = await w.core.holds.place(c, { book_id: book.id });
    expect([ha, hb, hc].map((h) => [h.status, h.position, h.ready_until])).toEqual([
      ['WAITING', 1, null],
      ['WAITING', 2, null],
      ['WAITING', 3, null],
    ]);
    expect(hc.book).toMatchObject({ id: book.id, inventory: 0, available: 0, holds: 3 });

    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    const after = await holdsOf(book.id);
    expect(after.map((h) => [h.user_id, h.status])).toEqual([
      [a.userId, 'READY'],
      [b.userId, 'WAITING'],
      [c.userId, 'WAITING'],
    ]);
    expect(after[0]!.ready_until).toBe(new Date(w.clock.now().getTime() + 48 * 3_600_000).toISOString());
    expect(await w.core.books.get(book.id)).toMatchObject({ inventory: 1, available: 0, holds: 2 });
    expect((await w.core.holds.get(b, hb.id)).position).toBe(1);
    expect((await w.core.holds.get(c, hc.id)).position).toBe(2);

    const ready = (await outboxFor('reader.hold_ready')).filter((n) => JSON.parse(n.payload).hold_id === ha.id);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.chat_id).toBe(await chatOf(a));
    expect(JSON.parse(ready[0]!.payload)).toMatchObject({
      book_id: book.id,
      book_title: book.title,
      ready_until: after[0]!.ready_until,
    });
  });

  it('staff raising the inventory set the new copies aside for the next readers in queue order', async () => {
    const { book } = await bookOut(1);
    const readers = [await reader(), await reader(), await reader()];
    for (const r of readers) await w.core.holds.place(r, { book_id: book.id });
    const raised = await w.core.books.setInventory(staff, book.id, 2);
    expect(raised).toMatchObject({ inventory: 2, available: 0, holds: 1 });
    expect((await holdsOf(book.id)).map((h) => h.status)).toEqual(['READY', 'READY', 'WAITING']);
    // More copies than readers: the rest is on the shelf.
    const more = await w.core.books.setInventory(staff, book.id, 5);
    expect(more).toMatchObject({ inventory: 5, available: 2, holds: 0 });
    expect((await holdsOf(book.id)).map((h) => h.status)).toEqual(['READY', 'READY', 'READY']);
  });

  it('a list of books and a borrowing show available and holds from the same counters', async () => {
    const { book, loans } = await bookOut(1);
    await w.core.holds.place(await reader(), { book_id: book.id });
    const listed = (await w.core.books.list({ search: book.title, limit: 100 })).results.find((b) => b.id === book.id);
    expect(listed).toMatchObject({ available: 0, holds: 1 });
    expect((await w.core.borrowings.get(loans[0]!.actor, loans[0]!.id)).book).toMatchObject({ available: 0, holds: 1 });
  });
});

describe('a copy set aside is lent to its reader only', () => {
  it('another reader is told there are no copies; the reader whose hold is READY borrows it and the hold is FULFILLED', async () => {
    const { book, loans } = await bookOut(1);
    const a = await reader();
    const hold = await w.core.holds.place(a, { book_id: book.id });
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    const stranger = await reader();
    expect(await codeOf(w.core.borrowings.borrow(stranger, { book_id: book.id, expected_return_date: due() }))).toBe(
      'NO_COPIES_LEFT',
    );
    // Nor can a stranger queue: no copy is available to them.
    expect((await w.core.holds.place(stranger, { book_id: book.id })).status).toBe('WAITING');
    const { borrowing } = await w.core.borrowings.borrow(a, { book_id: book.id, expected_return_date: due() });
    const done = await w.core.holds.get(a, hold.id);
    expect(done).toMatchObject({ status: 'FULFILLED', borrowing_id: borrowing.id, position: null });
    expect(await bookRow(book.id)).toEqual({ inventory: 0, held: 0, waiting: 1 });
  });

  it('with a copy on the shelf and one set aside, others borrow the free one only', async () => {
    const { book, loans } = await bookOut(2);
    const a = await reader();
    await w.core.holds.place(a, { book_id: book.id });
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id); // → a's
    await w.core.borrowings.returnBook(loans[1]!.actor, loans[1]!.id); // → the shelf
    expect(await w.core.books.get(book.id)).toMatchObject({ inventory: 2, available: 1, holds: 0 });
    expect(await codeOf(w.core.borrowings.borrow(await reader(), { book_id: book.id, expected_return_date: due() }))).toBe('OK');
    expect(await codeOf(w.core.borrowings.borrow(await reader(), { book_id: book.id, expected_return_date: due() }))).toBe(
      'NO_COPIES_LEFT',
    );
    expect(await codeOf(w.core.borrowings.borrow(a, { book_id: book.id, expected_return_date: due() }))).toBe('OK');
    expect(await bookRow(book.id)).toEqual({ inventory: 0, held: 0, waiting: 0 });
  });
});

describe('placing a hold is refused when it makes no sense', () => {
  it('COPY_AVAILABLE while a copy can be borrowed', async () => {
    const book = await makeBook(w.core, { inventory: 1 });
    expect(await codeOf(w.core.holds.place(await reader(), { book_id: book.id }))).toBe('COPY_AVAILABLE');
  });

  it('ALREADY_HELD for a second hold on the same book, READY or WAITING', async () => {
    const { book, loans } = await bookOut(1);
    const a = await reader();
    await w.core.holds.place(a, { book_id: book.id });
    expect(await codeOf(w.core.holds.place(a, { book_id: book.id }))).toBe('ALREADY_HELD');
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    expect(await codeOf(w.core.holds.place(a, { book_id: book.id }))).toBe('ALREADY_HELD');
  });

  it('ALREADY_BORROWED for a book the reader has on loan', async () => {
    const { book, loans } = await bookOut(1);
    expect(await codeOf(w.core.holds.place(loans[0]!.actor, { book_id: book.id }))).toBe('ALREADY_BORROWED');
  });

  it('HOLD_LIMIT past MAX_HOLDS active holds (3 here); an ended hold no longer counts', async () => {
    const a = await reader();
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await w.core.holds.place(a, { book_id: (await bookOut(1)).book.id }));
    const fourth = (await bookOut(1)).book;
    expect(await codeOf(w.core.holds.place(a, { book_id: fourth.id }))).toBe('HOLD_LIMIT');
    await w.core.holds.cancel(a, held[0]!.id);
    expect(await codeOf(w.core.holds.place(a, { book_id: fourth.id }))).toBe('OK');
  });

  it('NOT_FOUND for a book that does not exist or was removed; the service has no account to queue for', async () => {
    expect(await codeOf(w.core.holds.place(await reader(), { book_id: 99_999_999 }))).toBe('NOT_FOUND');
    const gone = await makeBook(w.core, { inventory: 0 });
    await w.core.books.remove(staff, gone.id);
    expect(await codeOf(w.core.holds.place(await reader(), { book_id: gone.id }))).toBe('NOT_FOUND');
    expect(await codeOf(w.core.holds.place(SYSTEM_ACTOR, { book_id: gone.id }))).toBe('FORBIDDEN');
  });
});

describe('a READY hold not used in time expires and its copy goes on', () => {
  it('to the next reader waiting, each told; without one, back to the shelf', async () => {
    const { book, loans } = await bookOut(1);
    const [a, b] = [await reader(), await reader()];
    const ha = await w.core.holds.place(a, { book_id: book.id });
    const hb = await w.core.holds.place(b, { book_id: book.id });
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    w.clock.advance(47 * 3_600_000);
    await w.core.holds.expireDue(SYSTEM_ACTOR);
    expect((await w.core.holds.get(a, ha.id)).status).toBe('READY');
    w.clock.advance(1 * 3_600_000);
    // (The world is shared: earlier tests' READY holds expire in the same run.)
    const first = await w.core.holds.expireDue(SYSTEM_ACTOR);
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect(first.passedOn).toBeGreaterThanOrEqual(1);
    expect((await w.core.holds.get(a, ha.id)).status).toBe('EXPIRED');
    expect((await w.core.holds.get(b, hb.id)).status).toBe('READY');
    const expiredNotes = (await outboxFor('reader.hold_expired')).filter((n) => JSON.parse(n.payload).hold_id === ha.id);
    expect(expiredNotes.map((n) => n.chat_id)).toEqual([await chatOf(a)]);
    expect((await outboxFor('reader.hold_ready')).filter((n) => JSON.parse(n.payload).hold_id === hb.id)).toHaveLength(1);
    // a cannot borrow the copy now set aside for b.
    expect(await codeOf(w.core.borrowings.borrow(a, { book_id: book.id, expected_return_date: due() }))).toBe('NO_COPIES_LEFT');

    w.clock.advance(49 * 3_600_000);
    expect((await w.core.holds.expireDue(SYSTEM_ACTOR)).toShelf).toBeGreaterThanOrEqual(1);
    expect((await w.core.holds.get(b, hb.id)).status).toBe('EXPIRED');
    expect(await w.core.books.get(book.id)).toMatchObject({ inventory: 1, available: 1, holds: 0 });
  });

  it("many books at once, set-based: each freed copy goes to that book's own first reader", async () => {
    const books = [];
    for (let i = 0; i < 4; i++) {
      const { book, loans } = await bookOut(2);
      const queue = [await reader(), await reader(), await reader()];
      for (const r of queue) await w.core.holds.place(r, { book_id: book.id });
      for (const l of loans) await w.core.borrowings.returnBook(l.actor, l.id);
      books.push({ book, queue });
    }
    w.clock.advance(49 * 3_600_000);
    const r = await w.core.holds.expireDue(SYSTEM_ACTOR, 3); // small batches: several transactions
    expect(r.expired).toBeGreaterThanOrEqual(8);
    for (const { book, queue } of books) {
      expect((await holdsOf(book.id)).map((h) => [h.user_id, h.status])).toEqual([
        [queue[0]!.userId, 'EXPIRED'],
        [queue[1]!.userId, 'EXPIRED'],
        [queue[2]!.userId, 'READY'],
      ]);
      expect(await bookRow(book.id)).toEqual({ inventory: 2, held: 1, waiting: 0 });
    }
  });

  it("is the staff's or the service's job", async () => {
    expect(await codeOf(w.core.holds.expireDue(await reader()))).toBe('FORBIDDEN');
  });
});

describe('cancelling a hold', () => {
  it('a READY hold passes its copy to the next reader at once; a WAITING one leaves the queue', async () => {
    const { book, loans } = await bookOut(1);
    const [a, b, c] = [await reader(), await reader(), await reader()];
    const ha = await w.core.holds.place(a, { book_id: book.id });
    const hb = await w.core.holds.place(b, { book_id: book.id });
    const hc = await w.core.holds.place(c, { book_id: book.id });
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    expect((await w.core.holds.cancel(b, hb.id)).status).toBe('CANCELLED');
    expect((await w.core.holds.get(c, hc.id)).position).toBe(1);
    expect((await w.core.holds.cancel(a, ha.id)).status).toBe('CANCELLED');
    expect((await w.core.holds.get(c, hc.id)).status).toBe('READY');
    expect(await bookRow(book.id)).toEqual({ inventory: 1, held: 1, waiting: 0 });
    // c cancels too: the copy is back on the shelf.
    await w.core.holds.cancel(staff, hc.id);
    expect(await w.core.books.get(book.id)).toMatchObject({ available: 1, holds: 0 });
  });

  it("NOT_ACTIVE once ended; someone else's hold is NOT_FOUND and stays", async () => {
    const { book } = await bookOut(1);
    const a = await reader();
    const h = await w.core.holds.place(a, { book_id: book.id });
    expect(await codeOf(w.core.holds.cancel(await reader(), h.id))).toBe('NOT_FOUND');
    expect(await codeOf(w.core.holds.get(await reader(), h.id))).toBe('NOT_FOUND');
    await w.core.holds.cancel(a, h.id);
    expect(await codeOf(w.core.holds.cancel(a, h.id))).toBe('NOT_ACTIVE');
  });
});

describe('staff changing a book with holds', () => {
  it('may not lower the inventory below the copies set aside (COPIES_SET_ASIDE); down to them is fine', async () => {
    const { book, loans } = await bookOut(2);
    await w.core.holds.place(await reader(), { book_id: book.id });
    await w.core.holds.place(await reader(), { book_id: book.id });
    for (const l of loans) await w.core.borrowings.returnBook(l.actor, l.id);
    expect(await bookRow(book.id)).toEqual({ inventory: 2, held: 2, waiting: 0 });
    expect(await codeOf(w.core.books.setInventory(staff, book.id, 1))).toBe('COPIES_SET_ASIDE');
    expect(await codeOf(w.core.books.update(staff, book.id, { inventory: 2, title: 'Renamed' }, true))).toBe('OK');
    expect(await bookRow(book.id)).toEqual({ inventory: 2, held: 2, waiting: 0 });
  });

  it('removing a book cancels its queue', async () => {
    const book = await makeBook(w.core, { inventory: 0 });
    const a = await reader();
    const h = await w.core.holds.place(a, { book_id: book.id });
    await w.core.books.remove(staff, book.id);
    expect((await w.core.holds.get(a, h.id)).status).toBe('CANCELLED');
  });
});

describe('reading holds', () => {
  it('a reader lists their own, newest first, with positions; staff filter by user, book and status', async () => {
    const a = await reader();
    const b1 = (await bookOut(1)).book;
    const b2 = (await bookOut(1)).book;
    await w.core.holds.place(await reader(), { book_id: b2.id });
    const h1 = await w.core.holds.place(a, { book_id: b1.id });
    const h2 = await w.core.holds.place(a, { book_id: b2.id });
    const mine = await w.core.holds.list(a);
    expect(mine.results.map((h) => [h.id, h.position])).toEqual([
      [h2.id, 2],
      [h1.id, 1],
    ]);
    const page1 = await w.core.holds.list(a, { limit: 1 });
    expect(page1.results.map((h) => h.id)).toEqual([h2.id]);
    expect((await w.core.holds.list(a, { cursor: page1.next_cursor!, limit: 1 })).results.map((h) => h.id)).toEqual([h1.id]);
    expect(await codeOf(w.core.holds.list(a, { userId: staff.userId }))).toBe('FORBIDDEN');
    expect((await w.core.holds.list(staff, { userId: a.userId, bookId: b2.id })).results.map((h) => h.id)).toEqual([h2.id]);
    expect((await w.core.holds.list(staff, { bookId: b2.id, status: 'WAITING' })).results).toHaveLength(2);
    expect((await w.core.holds.list(staff, { bookId: b2.id, status: 'READY' })).results).toHaveLength(0);
  });

  it("staff see a book's queue in order, READY first; readers may not", async () => {
    const { book, loans } = await bookOut(1);
    const [a, b] = [await reader(), await reader()];
    await w.core.holds.place(a, { book_id: book.id });
    await w.core.holds.place(b, { book_id: book.id });
    await w.core.borrowings.returnBook(loans[0]!.actor, loans[0]!.id);
    const q = await w.core.holds.queue(staff, book.id);
    expect(q.lines.map((l) => [l.user_id, l.status, l.position])).toEqual([
      [a.userId, 'READY', null],
      [b.userId, 'WAITING', 1],
    ]);
    expect(await codeOf(w.core.holds.queue(a, book.id))).toBe('FORBIDDEN');
  });
});

describe('the due-soon reminder says when readers are waiting', () => {
  it('holds_waiting in its payload', async () => {
    const { book, loans } = await bookOut(1);
    await w.db
      .updateTable('borrowings')
      .set({ borrow_date: addDays(w.core.borrowings.today(), -5), expected_return_date: addDays(w.core.borrowings.today(), 1) })
      .where('id', '=', loans[0]!.id)
      .execute();
    await w.core.holds.place(await reader(), { book_id: book.id });
    await w.core.holds.place(await reader(), { book_id: book.id });
    await w.core.notices.dueSoonReminders(SYSTEM_ACTOR);
    const note = (await outboxFor('reader.due_soon')).find((n) => n.dedup_key === `due-soon:${loans[0]!.id}`);
    expect(JSON.parse(note!.payload)).toMatchObject({ borrowing_id: loans[0]!.id, holds_waiting: 2 });
  });
});
