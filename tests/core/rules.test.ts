import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { fineCents, rentCents } from '../../core/kernel/charges.js';
import { addDays, daysBetween, isValidIsoDate } from '../../core/kernel/clock.js';
import { DomainError } from '../../core/kernel/errors.js';
import { chargeableCents, formatCents, parseMoney } from '../../core/kernel/money.js';
import { createDb, MIGRATION_NAMES, migrateToLatest, openDatabase } from '../../db/connection.js';
import { isConstraintViolation, isUniqueViolation } from '../../db/errors.js';
import { codeOf, createWorld, makeBook, makeReader, makeStaff, tempDbFile, type World } from '../helpers/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('migrations', () => {
  it('are numbered 001, 002, … with no gap or repeat, and run in that order', () => {
    expect(MIGRATION_NAMES[0]).toBe('001_initial');
    expect(MIGRATION_NAMES.map((n) => n.slice(0, 4))).toEqual(
      MIGRATION_NAMES.map((_, i) => `${String(i + 1).padStart(3, '0')}_`),
    );
  });

  it('apply to an empty database and a second run applies nothing', async () => {
    const file = tempDbFile();
    const first = await openDatabase(file);
    expect(first.applied).toEqual([...MIGRATION_NAMES]);
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`.execute(
      first.db,
    );
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['books', 'borrowings', 'payments', 'users', 'outbox', 'stripe_events', 'bot_sessions', 'leases']),
    );
    await first.db.destroy();
    const again = await openDatabase(file);
    expect(again.applied).toEqual([]);
    expect(await migrateToLatest(again.db)).toEqual([]);
    await again.db.destroy();
  });

  it('turn on WAL, foreign keys and a busy timeout', async () => {
    const { db, sqlite } = createDb(tempDbFile());
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(sqlite.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(1000);
    await db.destroy();
  });
});

describe('the database itself refuses what SPEC §1 forbids', () => {
  const raw = (w: World, q: string) => w.db.executeQuery(sql.raw(q).compile(w.db));
  // What the database answers, whichever engine: SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's 23xxx.
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => (isUniqueViolation(e) ? 'unique' : isConstraintViolation(e) ? 'constraint' : e),
    );

  it('refuses negative inventory, a zero fee, an unknown cover and an untrimmed title', async () => {
    world = await createWorld();
    const w = world;
    const ok = `INSERT INTO books (title, author, cover, inventory, daily_fee_cents) VALUES ('T', 'A', 'SOFT', 1, 100)`;
    await expect(raw(w, ok)).resolves.toBeDefined();
    expect(
      await refusal(
        raw(w, `INSERT INTO books (title, author, cover, inventory, daily_fee_cents) VALUES ('T', 'A', 'SOFT', -1, 100)`),
      ),
    ).toBe('constraint');
    expect(
      await refusal(
        raw(w, `INSERT INTO books (title, author, cover, inventory, daily_fee_cents) VALUES ('T', 'A', 'SOFT', 1, 0)`),
      ),
    ).toBe('constraint');
    expect(
      await refusal(
        raw(w, `INSERT INTO books (title, author, cover, inventory, daily_fee_cents) VALUES ('T', 'A', 'PAPER', 1, 100)`),
      ),
    ).toBe('constraint');
    expect(
      await refusal(
        raw(w, `INSERT INTO books (title, author, cover, inventory, daily_fee_cents) VALUES (' T', 'A', 'SOFT', 1, 100)`),
      ),
    ).toBe('constraint');
    expect(await refusal(raw(w, `UPDATE books SET inventory = inventory - 5`))).toBe('constraint');
  });

  it('keeps ISBNs unique and emails unique regardless of case', async () => {
    world = await createWorld();
    await makeBook(world.core, { isbn: '978-0-306-40615-7' });
    expect(await codeOf(makeBook(world.core, { isbn: '978-0-306-40615-7' }))).toBe('ISBN_TAKEN');
    await world.core.users.register({ email: 'Same@Example.test', password: 'a fine password', first_name: 'A', last_name: 'B' });
    expect(
      await codeOf(
        world.core.users.register({ email: 'same@example.TEST', password: 'a fine password', first_name: 'A', last_name: 'B' }),
      ),
    ).toBe('EMAIL_TAKEN');
    // SQLite: the case-blind unique index; PostgreSQL: emails are stored lower case (a CHECK) and unique.
    expect(await refusal(raw(world, `INSERT INTO users (email) VALUES ('SAME@EXAMPLE.TEST')`))).not.toBe('accepted');
    expect(await refusal(raw(world, `INSERT INTO users (email) VALUES ('same@example.test')`))).toBe('unique');
  });

  it('refuses a borrowing whose dates are backwards or impossible', async () => {
    world = await createWorld();
    const book = await makeBook(world.core);
    const { user } = await makeReader(world.core);
    const ins = (b: string, e: string, a: string | null) =>
      raw(
        world!,
        `INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date) VALUES (${book.id}, ${user.id}, '${b}', '${e}', ${a ? `'${a}'` : 'NULL'})`,
      );
    await expect(ins('2026-03-01', '2026-03-05', null)).resolves.toBeDefined();
    expect(await refusal(ins('2026-03-05', '2026-03-05', null))).toBe('constraint');
    expect(await refusal(ins('2026-03-05', '2026-03-01', null))).toBe('constraint');
    expect(await refusal(ins('2026-03-05', '2026-03-09', '2026-03-04'))).toBe('constraint');
    expect(await refusal(ins('2026-02-27', '2026-02-30', null))).toBe('constraint');
    expect(
      await refusal(
        raw(
          world,
          `INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date) VALUES (999999, ${user.id}, '2026-03-01', '2026-03-02')`,
        ),
      ),
    ).toBe('constraint');
  });

  it('refuses an unknown payment status or type and a second rent payment for one borrowing', async () => {
    world = await createWorld();
    const book = await makeBook(world.core);
    const { actor } = await makeReader(world.core);
    const { borrowing } = await world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: '2026-03-12' });
    const ins = (type: string, status: string) =>
      raw(
        world!,
        `INSERT INTO payments (borrowing_id, user_id, type, status, money_to_pay_cents) VALUES (${borrowing.id}, ${actor.userId}, '${type}', '${status}', 100)`,
      );
    expect(await refusal(ins('FINE', 'LOST'))).toBe('constraint');
    expect(await refusal(ins('TIP', 'PENDING'))).toBe('constraint');
    expect(await refusal(ins('PAYMENT', 'PENDING'))).toBe('unique');
    await expect(ins('FINE', 'PENDING')).resolves.toBeDefined();
  });
});

describe('money', () => {
  it('parses decimal strings and numbers with up to two places into cents', () => {
    expect(parseMoney('1.50')).toBe(150);
    expect(parseMoney(1.5)).toBe(150);
    expect(parseMoney('2')).toBe(200);
    expect(parseMoney(0.07)).toBe(7);
  });
  it.each(['1.505', 0, -1, '-1.00', 'abc', '', '1e3', null, Number.NaN])('refuses %s', (v) => {
    expect(() => parseMoney(v)).toThrow(DomainError);
  });
  it('renders cents as a string with two places', () => {
    expect(formatCents(150)).toBe('1.50');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(12345)).toBe('123.45');
  });
});

describe('dates', () => {
  it('knows impossible dates', () => {
    expect(isValidIsoDate('2026-02-28')).toBe(true);
    expect(isValidIsoDate('2028-02-29')).toBe(true);
    expect(isValidIsoDate('2026-02-30')).toBe(false);
    expect(isValidIsoDate('2026-13-01')).toBe(false);
    expect(isValidIsoDate('26-01-01')).toBe(false);
  });
  it('counts days across months and years', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
  });
});

describe('rent and fines', () => {
  it('rent is the daily fee times the days of the loan, at least one day', () => {
    expect(rentCents(150, '2026-03-10', '2026-03-17')).toBe(1050);
    expect(rentCents(99, '2026-03-10', '2026-03-11')).toBe(99);
    expect(rentCents(99, '2026-03-10', '2026-03-10')).toBe(99);
  });
  it('a fine is overdue days × fee × multiplier', () => {
    expect(fineCents(100, 1, 2)).toBe(200);
    expect(fineCents(125, 10, 2)).toBe(2500);
    expect(fineCents(33, 3, 1.5)).toBe(149);
  });
  it('charges at least Stripe’s $0.50', () => {
    expect(chargeableCents(10)).toBe(50);
    expect(chargeableCents(51)).toBe(51);
  });
});

describe('borrowing rules', () => {
  it('the loan must end after today and within MAX_LOAN_DAYS', async () => {
    world = await createWorld({ env: { MAX_LOAN_DAYS: '30' } });
    const book = await makeBook(world.core, { inventory: 10 });
    const { actor } = await makeReader(world.core);
    const today = world.core.borrowings.today();
    expect(await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: today }))).toBe(
      'INVALID_LOAN_PERIOD',
    );
    expect(
      await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: addDays(today, 31) })),
    ).toBe('INVALID_LOAN_PERIOD');
    expect(await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: '2026-02-30' }))).toBe(
      'VALIDATION',
    );
    expect(
      await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: addDays(today, 30) })),
    ).toBe('OK');
  });

  it('a reader holds at most MAX_ACTIVE_LOANS books (payments settled in between)', async () => {
    world = await createWorld({ env: { MAX_ACTIVE_LOANS: '2' } });
    const book = await makeBook(world.core, { inventory: 10 });
    const { actor } = await makeReader(world.core);
    const due = addDays(world.core.borrowings.today(), 3);
    for (let i = 0; i < 2; i++) {
      const { borrowing } = await world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: due });
      await world.stripe.api.pay(borrowing.payments[0]!.session_id!);
      await world.core.payments.confirmSession(borrowing.payments[0]!.session_id!);
    }
    expect(await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: due }))).toBe(
      'LOAN_LIMIT_REACHED',
    );
    expect((await world.core.books.get(book.id)).inventory).toBe(8);
  });

  it('an unpaid payment blocks the next borrowing', async () => {
    world = await createWorld();
    const book = await makeBook(world.core, { inventory: 10 });
    const { actor } = await makeReader(world.core);
    const due = addDays(world.core.borrowings.today(), 3);
    await world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: due });
    expect(await codeOf(world.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: due }))).toBe('UNPAID');
  });

  it('a return happens once, by the borrower or staff, and puts the copy back', async () => {
    world = await createWorld();
    const book = await makeBook(world.core, { inventory: 1 });
    const reader = await makeReader(world.core);
    const other = await makeReader(world.core);
    const staff = await makeStaff(world.core);
    const { borrowing } = await world.core.borrowings.borrow(reader.actor, {
      book_id: book.id,
      expected_return_date: addDays(world.core.borrowings.today(), 3),
    });
    expect((await world.core.books.get(book.id)).inventory).toBe(0);
    expect(await codeOf(world.core.borrowings.returnBook(other.actor, borrowing.id))).toBe('NOT_FOUND');
    expect(await codeOf(world.core.borrowings.returnBook(staff.actor, borrowing.id))).toBe('OK');
    expect(await codeOf(world.core.borrowings.returnBook(reader.actor, borrowing.id))).toBe('ALREADY_RETURNED');
    expect((await world.core.books.get(book.id)).inventory).toBe(1);
  });

  it('a book on loan cannot be deleted; once returned it can', async () => {
    world = await createWorld();
    const book = await makeBook(world.core, { inventory: 1 });
    const reader = await makeReader(world.core);
    const { borrowing } = await world.core.borrowings.borrow(reader.actor, {
      book_id: book.id,
      expected_return_date: addDays(world.core.borrowings.today(), 3),
    });
    expect(await codeOf(world.core.books.remove(SYSTEM_ACTOR, book.id))).toBe('BOOK_ON_LOAN');
    await world.core.borrowings.returnBook(reader.actor, borrowing.id);
    expect(await codeOf(world.core.books.remove(SYSTEM_ACTOR, book.id))).toBe('OK');
    expect(await codeOf(world.core.books.get(book.id))).toBe('NOT_FOUND');
    // History keeps pointing at the book.
    expect((await world.core.borrowings.get(reader.actor, borrowing.id)).book.id).toBe(book.id);
  });
});

describe('staff notices name the reader with their current Telegram username', () => {
  it('keeps the @username up to date and puts it into borrow, payment and return notices', async () => {
    world = await createWorld({ env: { TELEGRAM_STAFF_CHAT_ID: '-100500' } });
    const core = world.core;
    const { user } = await core.users.ensureTelegramUser({ id: 4242, first_name: 'Tg', username: 'old_name' });
    expect(
      (await core.users.ensureTelegramUser({ id: 4242, first_name: 'Tg', username: 'new_name' })).user.telegram_username,
    ).toBe('new_name');
    expect((await core.users.findByTelegramId(4242))?.telegram_username).toBe('new_name');
    const book = await makeBook(core);
    const actor = { userId: user.id, isStaff: false };
    const { borrowing } = await core.borrowings.borrow(actor, {
      book_id: book.id,
      expected_return_date: addDays(core.borrowings.today(), 2),
    });
    await world.stripe.api.pay(borrowing.payments[0]!.session_id!);
    await core.payments.confirmSession(borrowing.payments[0]!.session_id!);
    await core.borrowings.returnBook(actor, borrowing.id);
    const staff = await world.db
      .selectFrom('outbox')
      .select(['kind', 'payload'])
      .where('chat_id', '=', -100500)
      .orderBy('id')
      .execute();
    expect(staff.map((r) => r.kind)).toEqual(['staff.borrowing_created', 'staff.payment_received', 'staff.borrowing_returned']);
    for (const r of staff) expect(JSON.parse(r.payload).reader_username).toBe('new_name');
  });
});

describe('the catalogue cache never outlives a write made through core', () => {
  it('lists and details reflect borrows, returns, edits and deletes at once', async () => {
    world = await createWorld();
    const core = createCore({ ...world.coreDeps, catalogueCacheMs: 60_000 });
    const book = await core.books.create(SYSTEM_ACTOR, {
      title: 'Cached',
      author: 'A',
      cover: 'SOFT',
      inventory: 2,
      daily_fee: '1.00',
    });
    const { actor } = await makeReader(core);
    const inventoryInList = async () => (await core.books.list({ search: 'Cached' })).results[0]?.inventory;
    expect(await inventoryInList()).toBe(2);
    expect((await core.books.get(book.id)).inventory).toBe(2);
    const { borrowing } = await core.borrowings.borrow(actor, {
      book_id: book.id,
      expected_return_date: addDays(core.borrowings.today(), 2),
    });
    expect(await inventoryInList()).toBe(1);
    expect((await core.books.get(book.id)).inventory).toBe(1);
    await core.borrowings.returnBook(actor, borrowing.id);
    expect((await core.books.get(book.id)).inventory).toBe(2);
    await core.books.update(SYSTEM_ACTOR, book.id, { title: 'Cached Renamed' }, true);
    expect((await core.books.get(book.id)).title).toBe('Cached Renamed');
    await core.books.remove(SYSTEM_ACTOR, book.id);
    expect(await codeOf(core.books.get(book.id))).toBe('NOT_FOUND');
    expect(await inventoryInList()).toBeUndefined();
  });
});

describe('concurrency on one database file', () => {
  it('20 concurrent borrows in one process serialise on its connection', async () => {
    world = await createWorld({ file: tempDbFile() });
    const book = await makeBook(world.core, { inventory: 5 });
    const readers = await Promise.all(Array.from({ length: 20 }, () => makeReader(world!.core)));
    const due = addDays(world.core.borrowings.today(), 7);
    const results = await Promise.all(
      readers.map((r) => codeOf(world!.core.borrowings.borrow(r.actor, { book_id: book.id, expected_return_date: due }))),
    );
    expect(results.filter((r) => r === 'OK')).toHaveLength(5);
    expect((await world.core.books.get(book.id)).inventory).toBe(0);
  });
});
