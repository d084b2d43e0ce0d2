// Scenario tests: a reader talks to the real bot (grammY) through the fake Telegram Bot API,
// over a real SQLite database and the real stripe client against the fake Stripe.
import { describe, expect, it, vi } from 'vitest';
import { CATALOGUE_PAGE_SIZE } from '../../bot/features/catalogue.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { addBooks, ann, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels, urlOf, borrowFromCard, payAll, openPayLink } = readerSteps(w);

describe('a reader created from a Telegram identity', () => {
  it('keeps the name as Telegram gives it, less the bidi controls and invisible characters every text field refuses', async () => {
    const eve = {
      id: 1077,
      first_name: '\u202EEve\u200B',
      last_name: 'Mal\u2066lory\u2069\uFEFF',
      username: 'eve_m',
      language_code: 'en',
    };
    await w.send(eve, '/start');
    expect(await w.core.users.findByTelegramId(eve.id)).toMatchObject({ first_name: 'Eve', last_name: 'Mallory' });
    // Nothing left of a name: the default, as for an empty one.
    const blank = { id: 1078, first_name: '\u202E\u200B', language_code: 'en' };
    await w.send(blank, '/start');
    expect(await w.core.users.findByTelegramId(blank.id)).toMatchObject({ first_name: 'Reader', last_name: '' });
  });
});

describe('browse → borrow → pay link → my books → return', () => {
  it('lets a new reader do the whole loan from Telegram, editing one message in place', async () => {
    await addBooks(w.core, 3, (i) => ({
      title: ['Dune', 'Emma', 'Ulysses'][i]!,
      author: ['Frank Herbert', 'Jane Austen', 'James Joyce'][i]!,
      daily_fee: '1.50',
      inventory: 2,
    }));

    await w.send(ann, '/start');
    const greeting = w.last(ann.id);
    expect(greeting.text).toContain('Hello, Ann Reader!');
    expect(labels(ann.id)).toEqual(['📚 Catalogue', '📖 My books', '⏳ My holds', '🌐 Language', '❓ Help']);
    const reader = await w.core.users.findByTelegramId(ann.id);
    expect(reader).toMatchObject({ first_name: 'Ann', last_name: 'Reader', telegram_username: 'ann_reads', email: null });

    await w.press(ann.id, '📚 Catalogue');
    const page = w.last(ann.id);
    expect(page.message_id).toBe(greeting.message_id);
    expect(page.edited).toBe(true);
    expect(page.text).toContain('Catalogue — page 1');
    expect(labels(ann.id)).toEqual(['Dune · Frank Herbert', 'Emma · Jane Austen', 'Ulysses · James Joyce', '« Main menu']);

    await w.press(ann.id, 'Dune · Frank Herbert');
    const card = w.last(ann.id);
    expect(card.message_id).toBe(greeting.message_id);
    expect(card.text).toContain('Dune\nAuthor: Frank Herbert\nCover: Softcover\nDaily fee: 1.50 USD\nAvailable: 2 copies');

    await w.press(ann.id, '📥 Borrow');
    expect(w.last(ann.id).text).toContain('For how many days? (at most 30)');
    expect(labels(ann.id)).toEqual(['3 days', '7 days', '14 days', '30 days', '✖ Cancel']);

    await w.press(ann.id, '7 days');
    expect(w.last(ann.id).text).toContain('for 7 days, until 2026-03-17.\nRent: 10.50 USD. Borrow it?');

    await w.press(ann.id, '✅ Confirm');
    const done = w.last(ann.id);
    expect(done.message_id).toBe(greeting.message_id);
    expect(done.text).toContain('You borrowed “Dune” until 2026-03-17. Rent: 10.50 USD.');
    // Pay is the payment's pay link, which opens its live checkout session.
    const payLink = urlOf('💳 Pay 10.50 USD');
    expect(payLink).toMatch(/^http:\/\/library\.test\/api\/payments\/checkout\/\d+\.[\w-]+\/$/);
    const payUrl = await openPayLink(payLink);
    expect(payUrl).toMatch(/\/checkout\/cs_/);

    // The bot and the core see the same borrowing and inventory.
    const dune = (await w.core.books.list({ search: 'dune' })).results[0]!;
    expect(dune.inventory).toBe(1);
    const loans = await w.core.borrowings.activeFor(SYSTEM_ACTOR, reader!.id);
    expect(loans.map((l) => [l.book.title, l.expected_return_date])).toEqual([['Dune', '2026-03-17']]);
    expect(loans[0]!.payments[0]).toMatchObject({ status: 'PENDING', money_to_pay: '10.50', session_url: payUrl });

    await w.press(ann.id, '📖 My books');
    const mine = w.last(ann.id);
    expect(mine.text).toContain('1. Dune — due 2026-03-17 (in 7 days)');
    expect(mine.text).toContain('Rent 10.50 USD for “Dune” (waiting for payment)');
    expect(urlOf('💳 Pay 10.50 USD — Dune')).toBe(payLink);

    await w.press(ann.id, '↩ Return “Dune”');
    expect(w.last(ann.id).text).toBe('Return “Dune” (due 2026-03-17)?');
    await w.press(ann.id, '✅ Yes, return it');
    expect(w.last(ann.id).text).toContain('Returned “Dune”. Thank you!');
    expect(w.last(ann.id).text).toContain('You have no books on loan.');
    expect((await w.core.books.get(dune.id)).inventory).toBe(2);
    expect(w.last(ann.id).message_id).toBe(greeting.message_id);

    // Everything stayed within Telegram's limits (the fake refuses what Telegram refuses).
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);
    expect(w.errors()).toEqual([]);
  });

  it('shows a paid rent as paid: the Pay button disappears from My books', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await borrowFromCard('Dune', 'Frank Herbert');
    await payAll(ann.id);
    await w.send(ann, '/mybooks');
    expect(w.last(ann.id).text).toContain('1. Dune — due 2026-03-17');
    expect(w.last(ann.id).text).not.toContain('To pay');
    expect(labels(ann.id)).toEqual(['↩ Return “Dune”', '🔁 Extend', '🔄 Refresh', '« Main menu']);
  });
});

describe('the catalogue menu', () => {
  it('pages forward and back with a keyset cursor, in the same message', async () => {
    await addBooks(w.core, 20);
    await w.send(ann, '/catalogue');
    const first = w.last(ann.id);
    expect(labels(ann.id).slice(0, CATALOGUE_PAGE_SIZE)).toEqual(
      Array.from({ length: 8 }, (_, i) => `Book ${String(i + 1).padStart(3, '0')} · Author ${i + 1}`),
    );
    expect(labels(ann.id).slice(CATALOGUE_PAGE_SIZE)).toEqual(['Next ▶', '« Main menu']);

    await w.press(ann.id, 'Next ▶');
    expect(w.last(ann.id).text).toContain('page 2');
    expect(labels(ann.id)[0]).toBe('Book 009 · Author 9');
    expect(labels(ann.id).slice(CATALOGUE_PAGE_SIZE)).toEqual(['◀ Prev', 'Next ▶', '« Main menu']);

    await w.press(ann.id, 'Next ▶');
    expect(w.last(ann.id).text).toContain('page 3');
    expect(labels(ann.id)).toEqual([
      'Book 017 · Author 17',
      'Book 018 · Author 18',
      'Book 019 · Author 19',
      'Book 020 · Author 20',
      '◀ Prev',
      '« Main menu',
    ]);

    await w.press(ann.id, '◀ Prev');
    await w.press(ann.id, '◀ Prev');
    expect(w.last(ann.id).text).toContain('page 1');
    expect(labels(ann.id)[0]).toBe('Book 001 · Author 1');
    expect(w.last(ann.id).message_id).toBe(first.message_id);
    expect(w.tg.api.transcript(ann.id).filter((m) => m.from === 'bot')).toHaveLength(1);

    const cursor = (
      await w.db.selectFrom('bot_sessions').select('value').where('key', '=', `session:${ann.id}`).executeTakeFirstOrThrow()
    ).value;
    // The first page again, and its buttons as drawn (what a press is matched against).
    expect(JSON.parse(cursor).catalogue).toEqual({
      search: null,
      cursor: null,
      back: [],
      shown: {
        cursor: null,
        books: labels(ann.id)
          .slice(0, CATALOGUE_PAGE_SIZE)
          .map((l, i) => [i + 1, l]),
        next: expect.any(String),
      },
    });
  });

  it('reads one page per press: the page it leads to, never again the one pressed on', async () => {
    await addBooks(w.core, 20);
    await w.send(ann, '/catalogue');
    const list = vi.spyOn(w.core.books, 'list');
    try {
      await w.press(ann.id, 'Next ▶');
      expect(w.last(ann.id).text).toContain('page 2');
      expect(list).toHaveBeenCalledTimes(1);
      expect(list.mock.calls[0]![0]).toMatchObject({ cursor: expect.any(String) });

      // A book's button opens the book (read fresh), with no page read to find the button.
      list.mockClear();
      await w.press(ann.id, 'Book 010 · Author 10');
      expect(w.last(ann.id).text).toContain('Book 010');
      expect(list).not.toHaveBeenCalled();

      // Going back draws the page anew: a renamed book shows its new title.
      await w.db.updateTable('books').set({ title: 'Book 009 renamed' }).where('title', '=', 'Book 009').execute();
      await w.press(ann.id, '« Back');
      expect(list).toHaveBeenCalledTimes(1);
      expect(labels(ann.id)[0]).toBe('Book 009 renamed · Author 9');
      expect(w.errors()).toEqual([]);
    } finally {
      list.mockRestore();
    }
  });

  it('searches for any text sent and shows the results as a menu', async () => {
    await addBooks(w.core, 3, (i) => ({
      title: ['War and Peace', 'Anna Karenina', 'Emma'][i]!,
      author: ['Leo Tolstoy', 'Leo Tolstoy', 'Jane Austen'][i]!,
    }));
    await w.send(ann, 'tolstoy');
    expect(w.last(ann.id).text).toContain('Results for “tolstoy” — page 1');
    expect(labels(ann.id)).toEqual(['Anna Karenina · Leo Tolstoy', 'War and Peace · Leo Tolstoy', '« Main menu']);

    await w.press(ann.id, 'War and Peace · Leo Tolstoy');
    expect(w.last(ann.id).text).toContain('War and Peace\nAuthor: Leo Tolstoy');
    await w.press(ann.id, '« Back');
    expect(w.last(ann.id).text).toContain('Results for “tolstoy”');

    await w.send(ann, 'zzz nothing');
    expect(w.last(ann.id).text).toBe('Nothing found for “zzz nothing”. Try other words.');
    expect(labels(ann.id)).toEqual(['« Main menu']);
  });

  it('escapes titles for HTML so they show exactly as typed', async () => {
    await addBooks(w.core, 1, () => ({ title: '<b>Bold</b> & "Co" <i', author: 'A & B <x>' }));
    await w.send(ann, 'bold');
    await w.press(ann.id, '<b>Bold</b> & "Co" <i · A & B <x>');
    expect(w.last(ann.id).text).toContain('<b>Bold</b> & "Co" <i\nAuthor: A & B <x>');
    await w.send(ann, '<script>');
    expect(w.last(ann.id).text).toBe('Nothing found for “<script>”. Try other words.');
    expect(w.errors()).toEqual([]);
  });

  it('marks a book without copies and offers its queue instead of Borrow', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Gone', author: 'Nobody', inventory: 0 }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, '⛔ Gone · Nobody');
    expect(w.last(ann.id).text).toContain('Available: no copies left');
    expect(w.last(ann.id).text).toContain('No copy is free right now. Join the queue');
    expect(labels(ann.id)).toEqual(['⏳ Join the queue (you would be #1)', '« Back', '« Main menu']);
  });

  it('keeps every callback_data within 64 bytes, even with long titles and large ids', async () => {
    await w.db
      .insertInto('books')
      .values({
        id: 987654321012,
        title: 'L'.repeat(255),
        author: 'A'.repeat(255),
        isbn: null,
        cover: 'HARD',
        inventory: 1,
        daily_fee_cents: 100,
        created_at: new Date().toISOString(),
        deleted_at: null,
      })
      .execute();
    await w.send(ann, '/catalogue');
    await w.press(ann.id, w.buttons(w.last(ann.id))[0]!.text);
    await w.press(ann.id, '📥 Borrow');
    for (const call of w.tg.api.calls.filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText')) {
      const markup = call.params.reply_markup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
      for (const b of markup?.inline_keyboard?.flat() ?? []) {
        if (b.callback_data !== undefined) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
      }
    }
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);
  });
});
