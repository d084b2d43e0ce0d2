// The reader's notices about holds (SPEC §11) as the bot renders them from the outbox payload —
// hold ready (with Borrow), hold expired — and the due-soon line about readers waiting; and
// `npm run job -- expire-holds` queuing them through the outbox.
import { describe, expect, it } from 'vitest';
import { holdBorrowCallback, MAX_CALLBACK_DATA_BYTES } from '../../bot/callbacks.js';
import { createRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { libraryDateTime } from '../../core/kernel/clock.js';
import { runJob } from '../../jobs/index.js';
import { silentLogger } from '../../logger.js';
import { createWorld, makeBook } from '../helpers/world.js';

const { render } = createRenderer();

describe('hold notices', () => {
  it('"ready" names the book and the pick-up deadline, with a Borrow button for that book', () => {
    for (const language of ['en', 'uk']) {
      const m = render({
        kind: 'reader.hold_ready',
        language,
        payload: {
          hold_id: 7,
          book_id: 123456789012345,
          book_title: 'Dune <1>',
          book_author: 'Herbert',
          ready_until: '2026-03-12T10:00:00.000Z',
          ready_until_local: '2026-03-12 10:00 (UTC)',
        },
      });
      expect(m.text).toContain('Dune &lt;1&gt;');
      expect(m.text).toContain('2026-03-12 10:00 (UTC)');
      const button = m.reply_markup!.inline_keyboard[0]![0]! as { text: string; callback_data: string };
      expect(button.callback_data).toBe('hb:123456789012345');
      expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
      expect(holdBorrowCallback.parse(button.callback_data)).toBe(123456789012345);
    }
  });

  it('"expired" names the book; due-soon says how many readers wait, and nothing when none do', () => {
    expect(
      render({
        kind: 'reader.hold_expired',
        language: 'en',
        payload: { hold_id: 7, book_id: 1, book_title: 'Dune', book_author: 'Herbert' },
      }).text,
    ).toMatch(/hold on “Dune” by Herbert has expired/);
    const due = (holds_waiting: number, language = 'en') =>
      render({
        kind: 'reader.due_soon',
        language,
        payload: { book_title: 'Dune', expected_return_date: '2026-03-12', days_left: 1, holds_waiting },
      }).text;
    expect(due(2)).toContain('2 readers are waiting for this book');
    expect(due(1)).toContain('1 reader is waiting');
    expect(due(3, 'uk')).toContain('чекають 3 читачі');
    expect(due(0)).not.toContain('waiting');
  });

  it("a deadline reads in the library's time zone", () => {
    expect(libraryDateTime(new Date('2026-03-12T10:00:00Z'), 'Europe/Kyiv')).toBe('2026-03-12 12:00 (Europe/Kyiv)');
  });
});

describe('npm run job -- expire-holds', () => {
  it('expires READY holds past their deadline and queues the notices through the outbox', async () => {
    const w = await createWorld({ env: { HOLD_PICKUP_HOURS: '24' } });
    try {
      const mk = async (tg: number) => ({
        userId: (
          await w.db
            .insertInto('users')
            .values({
              email: null,
              password_hash: null,
              first_name: 'J',
              last_name: String(tg),
              telegram_user_id: tg,
              created_at: '2026-03-10T10:00:00Z',
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
        isStaff: false,
      });
      const [lender, first, second] = [await mk(61), await mk(62), await mk(63)];
      const book = await makeBook(w.core, { inventory: 1 });
      const { borrowing } = await w.core.borrowings.borrow(lender, { book_id: book.id, expected_return_date: '2026-03-12' });
      await w.core.holds.place(first, { book_id: book.id });
      await w.core.holds.place(second, { book_id: book.id });
      await w.core.borrowings.returnBook(lender, borrowing.id);
      w.clock.advance(24 * 3_600_000);
      expect(await runJob('expire-holds', { core: w.core, db: w.db, clock: w.clock, logger: silentLogger() })).toEqual({
        expired: 1,
        passedOn: 1,
        toShelf: 0,
      });
      const notes = await w.db
        .selectFrom('outbox')
        .select(['chat_id', 'kind'])
        .where('kind', 'like', 'reader.hold%')
        .orderBy('id')
        .execute();
      expect(notes).toEqual([
        { chat_id: 62, kind: 'reader.hold_ready' },
        { chat_id: 62, kind: 'reader.hold_expired' },
        { chat_id: 63, kind: 'reader.hold_ready' },
      ]);
      expect(await runJob('expire-holds', { core: w.core, db: w.db, clock: w.clock, logger: silentLogger() })).toEqual({
        expired: 0,
        passedOn: 0,
        toShelf: 0,
      });
      expect((await w.core.holds.list(SYSTEM_ACTOR, { bookId: book.id })).results.map((h) => h.status)).toEqual([
        'READY',
        'EXPIRED',
      ]);
    } finally {
      await w.close();
    }
  });
});
