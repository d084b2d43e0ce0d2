// Holds in the bot (issue 14, SPEC §11), driven as readers do it through the fake Bot API with the
// real grammY client: a book card with no copy available offers "Join the queue (you would be #N)"
// and then the reader's place; a copy set aside is borrowable only by its reader; My holds with
// positions and pick-up deadlines (LIBRARY_TIMEZONE), Borrow and Cancel with its outcome; the
// "hold ready" notice's Borrow runs the whole borrow conversation; each refusal in a sentence.
import { describe, expect, it } from 'vitest';
import { MAX_CALLBACK_DATA_BYTES } from '../../bot/callbacks.js';
import { domainErrorText } from '../../bot/errors.js';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type DomainErrorData, ERROR_STATUS, type ErrorCode } from '../../core/kernel/errors.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, type BotWorld, bob, olena, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w, recreate } = useBotWorld({ env: { LIBRARY_TIMEZONE: 'Europe/Kyiv' } });
const { labels, urlOf, readerId, payAll } = readerSteps(w);

const dispatch = () =>
  dispatchOutbox(
    {
      db: w.db,
      api: w.bot.api,
      clock: w.clock,
      logger: silentLogger(),
      notices: createNoticeRenderer({ facts: w.core.payments.noticeFacts, links: w.core.payments.links }),
    },
    { perChatIntervalMs: 0, globalPerSecond: 1000 },
  );
const actor = async (who: typeof ann) => ({ userId: await readerId(who.id), isStaff: false });

/** A book with one copy, lent to `holder` over REST (rent paid), so no copy is available. */
async function bookOut(world: BotWorld, holder: typeof ann, title = 'Moby-Dick', author = 'Herman Melville') {
  await world.send(holder, '/start');
  const [book] = await addBooks(world.core, 1, () => ({ title, author, inventory: 1, daily_fee: '1.00' }));
  const { borrowing } = await world.core.borrowings.borrow(await actor(holder), {
    book_id: book!.id,
    expected_return_date: '2026-03-17',
  });
  await payAll(holder.id);
  return { book: book!, borrowing };
}

/** Opens the book's card from the catalogue, as a reader does. */
async function openCard(who: typeof ann, label: string) {
  await w.send(who, '/catalogue');
  await w.press(who.id, label);
}

/** Every press so far answered exactly once: no second answer, none refused by Telegram. */
function expectEachPressAnsweredOnce() {
  const ids = w.tg.api.callbacksAnswered.map((a) => a.id);
  expect(new Set(ids).size, 'no press answered twice').toBe(ids.length);
  expect(
    w.tg.api.calls.filter((c) => c.method === 'answerCallbackQuery' && !c.ok),
    'no answer refused',
  ).toEqual([]);
  expect(w.errors()).toEqual([]);
}

describe('a book card with no copy available', () => {
  it('is marked in the catalogue and offers "Join the queue (you would be #N)", then shows the reader\'s place', async () => {
    const { book } = await bookOut(w, bob);
    await w.send(olena, '/start');
    await w.core.holds.place(await actor(olena), { book_id: book.id });
    await openCard(ann, '⛔ Moby-Dick · Herman Melville');
    const card = w.last(ann.id);
    expect(card.text).toContain('Available: no copies left');
    expect(card.text).toContain('No copy is free right now: 1 reader is waiting. Join the queue');
    expect(labels(ann.id)).toEqual(['⏳ Join the queue (you would be #2)', '« Back', '« Main menu']);

    await w.press(ann.id, '⏳ Join the queue (you would be #2)');
    const joined = w.last(ann.id);
    expect(joined.message_id).toBe(card.message_id);
    expect(joined.text).toMatch(/^✅ You joined the queue for “Moby-Dick”: you are #2\.\n\n📖 Moby-Dick/);
    expect(joined.text).toContain('⏳ You are #2 in the queue.');
    expect(labels(ann.id)).toEqual(['✖ Leave the queue', '« Back', '« Main menu']);
    const holds = await w.core.holds.list(await actor(ann));
    expect(holds.results.map((h) => [h.book.id, h.status, h.position])).toEqual([[book.id, 'WAITING', 2]]);
    expectEachPressAnsweredOnce();
  });

  it('in Ukrainian too', async () => {
    await bookOut(w, bob, 'Кобзар', 'Тарас Шевченко');
    await openCard(olena, '⛔ Кобзар · Тарас Шевченко');
    expect(w.last(olena.id).text).toContain('Вільних примірників зараз немає. Станьте в чергу');
    await w.press(olena.id, '⏳ Стати в чергу (ви будете №1)');
    expect(w.last(olena.id).text).toContain('✅ Ви стали в чергу на «Кобзар»: ви №1.');
    expect(w.last(olena.id).text).toContain('⏳ Ви №1 у черзі.');
    expect(labels(olena.id)).toContain('✖ Вийти з черги');
  });

  it('a copy set aside for a reader is not borrowable by anyone else; its reader sees the deadline, Borrow and Cancel', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    await w.send(ann, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    // The shelf has the copy, but it is Ann's: Olena sees none available and may queue.
    await w.send(olena, '/start');
    await w.send(olena, '/language');
    await w.press(olena.id, 'English');
    await openCard(olena, '⛔ Moby-Dick · Herman Melville');
    expect(w.last(olena.id).text).toContain('Available: no copies left');
    expect(labels(olena.id)).toEqual(['⏳ Join the queue (you would be #1)', '« Back', '« Main menu']);

    // Ann: the copy is hers until now + 48 hours, in the library's time zone.
    await openCard(ann, '⛔ Moby-Dick · Herman Melville');
    expect(w.last(ann.id).text).toContain(
      '📗 A copy is set aside for you until 2026-03-12 12:00 (Europe/Kyiv). Borrow it before then',
    );
    expect(labels(ann.id)).toEqual(['📥 Borrow', '✖ Cancel hold', '« Back', '« Main menu']);
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '7 days');
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toContain('You borrowed “Moby-Dick” until 2026-03-17. Rent: 7.00 USD.');
    expect(urlOf('💳 Pay 7.00 USD')).toMatch(/\/api\/payments\/checkout\//);
    const [hold] = (await w.core.holds.list(await actor(ann))).results;
    expect(hold!.status).toBe('FULFILLED');
    expectEachPressAnsweredOnce();
  });

  it('joining refused: already borrowed by this reader, a copy came back meanwhile, the hold limit', async () => {
    await recreate({ env: { LIBRARY_TIMEZONE: 'Europe/Kyiv', MAX_HOLDS: '1' } });
    const { book } = await bookOut(w, ann);
    // Ann has the only copy: the card offers the queue, and joining says why not.
    await openCard(ann, '⛔ Moby-Dick · Herman Melville');
    await w.press(ann.id, '⏳ Join the queue (you would be #1)');
    expect(w.last(ann.id).text).toMatch(/^You have this book on loan now, so you cannot queue for it\./);

    // Bob looks at the card; staff add a copy before he presses: the card is redrawn with Borrow
    // (the menu saw it change), and core's COPY_AVAILABLE stands behind it for any other door.
    await openCard(bob, '⛔ Moby-Dick · Herman Melville');
    await w.core.books.setInventory(SYSTEM_ACTOR, book.id, 1);
    await w.press(bob.id, '⏳ Join the queue (you would be #1)');
    expect(w.tg.api.callbacksAnswered.at(-1)?.text).toBe('That menu was out of date — here it is again.');
    expect(w.last(bob.id).text).toContain('Available: 1 copy');
    expect(labels(bob.id)).toEqual(['📥 Borrow', '« Back', '« Main menu']);
    await expect(w.core.holds.place(await actor(bob), { book_id: book.id })).rejects.toMatchObject({ code: 'COPY_AVAILABLE' });

    // MAX_HOLDS=1: a second queue is refused.
    const [other] = await addBooks(w.core, 1, () => ({ title: 'Don Quixote', author: 'Miguel de Cervantes', inventory: 0 }));
    await w.core.books.setInventory(SYSTEM_ACTOR, book.id, 0);
    await w.core.holds.place(await actor(bob), { book_id: book.id });
    await openCard(bob, '⛔ Don Quixote · Miguel de Cervantes');
    await w.press(bob.id, '⏳ Join the queue (you would be #1)');
    expect(w.last(bob.id).text).toMatch(
      /^You are already in 1 queue, the most at once\. Leave one in ⏳ My holds to join another\./,
    );
    expect((await w.core.holds.list(await actor(bob), { bookId: other!.id })).results).toEqual([]);
    expectEachPressAnsweredOnce();
  });
});

describe('My holds', () => {
  it('lists each hold with its place or pick-up deadline; Borrow for a READY one runs the borrow conversation', async () => {
    const first = await bookOut(w, bob);
    const second = await bookOut(w, olena, 'Don Quixote', 'Miguel de Cervantes');
    await w.send(ann, '/start');
    await w.core.holds.place(await actor(olena), { book_id: first.book.id });
    await w.core.holds.place(await actor(ann), { book_id: first.book.id });
    await w.core.holds.place(await actor(ann), { book_id: second.book.id });
    await w.core.borrowings.returnBook(await actor(olena), second.borrowing.id);

    await w.press(ann.id, '⏳ My holds');
    const screen = w.last(ann.id);
    expect(screen.text).toBe(
      '⏳ My holds\n' +
        '1. Don Quixote — 📗 ready: set aside for you until 2026-03-12 12:00 (Europe/Kyiv)\n' +
        '2. Moby-Dick — #2 in the queue\n\n' +
        'I will message you when a copy is set aside for you. You can be in up to 5 queues at once.',
    );
    expect(labels(ann.id)).toEqual([
      '📥 Borrow “Don Quixote”',
      '✖ Cancel hold: “Don Quixote”',
      '✖ Leave the queue: “Moby-Dick”',
      '🔄 Refresh',
      '« Main menu',
    ]);
    await w.send(ann, '/myholds');
    expect(w.last(ann.id).text).toBe(screen.text);

    await w.press(ann.id, '📥 Borrow “Don Quixote”');
    expect(w.last(ann.id).text).toContain('Borrow “Don Quixote”');
    await w.press(ann.id, '3 days');
    expect(w.last(ann.id).text).toContain('“Don Quixote” for 3 days, until 2026-03-13.');
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toContain('You borrowed “Don Quixote” until 2026-03-13. Rent: 3.00 USD.');
    await w.send(ann, '/myholds');
    expect(w.last(ann.id).text).toContain('1. Moby-Dick — #2 in the queue');
    expect(w.last(ann.id).text).not.toContain('Don Quixote');
    expectEachPressAnsweredOnce();
  });

  it('says so when the reader holds nothing', async () => {
    await w.send(ann, '/myholds');
    expect(w.last(ann.id).text).toBe(
      '⏳ My holds\nYou are not in any queue. When no copy of a book is available, its card offers “Join the queue”.',
    );
    expect(labels(ann.id)).toEqual(['🔄 Refresh', '« Main menu']);
  });

  it('Cancel asks first; a cancelled READY hold passes its copy to the next reader, who is told', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    await w.send(ann, '/start');
    await w.send(olena, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.holds.place(await actor(olena), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    await dispatch();

    await w.send(ann, '/myholds');
    // Only a copy set aside: no "I will message you", just the limit.
    expect(w.last(ann.id).text).toMatch(
      /ready: set aside for you until 2026-03-12 12:00 \(Europe\/Kyiv\)\n\nYou can be in up to 5 queues at once\.$/,
    );
    await w.press(ann.id, '✖ Cancel hold: “Moby-Dick”');
    expect(w.last(ann.id).text).toBe(
      'Cancel your hold on “Moby-Dick”? The copy set aside for you until 2026-03-12 12:00 (Europe/Kyiv) then goes to the next reader in the queue, or back on the shelf.',
    );
    await w.press(ann.id, '« Back');
    expect(w.last(ann.id).text).toContain('📗 ready');
    await w.press(ann.id, '✖ Cancel hold: “Moby-Dick”');
    await w.press(ann.id, '✅ Yes, cancel it');
    expect(w.last(ann.id).text).toMatch(
      /^✅ Hold on “Moby-Dick” cancelled: the copy set aside for you went to the next reader in the queue\.\n\n⏳ My holds\nYou are not in any queue/,
    );

    await dispatch();
    const notice = w.tg.api.lastBotMessage(olena.id)!;
    expect(notice.text).toContain('«Moby-Dick» (Herman Melville) чекає на вас!');
    expect(w.buttons(notice).map((b) => b.text)).toEqual(['📖 Позичити']);
    expect((await w.core.holds.list(await actor(olena))).results[0]!.status).toBe('READY');
    expectEachPressAnsweredOnce();
  });

  it('a READY hold cancelled with nobody waiting puts the copy back on the shelf; a WAITING one just leaves the queue', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    const other = await bookOut(w, olena, 'Don Quixote', 'Miguel de Cervantes');
    await w.send(ann, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.holds.place(await actor(ann), { book_id: other.book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);

    await w.send(ann, '/myholds');
    await w.press(ann.id, '✖ Cancel hold: “Moby-Dick”');
    await w.press(ann.id, '✅ Yes, cancel it');
    expect(w.last(ann.id).text).toMatch(/^✅ Hold on “Moby-Dick” cancelled: the copy set aside for you is back on the shelf\./);
    expect((await w.core.books.get(book.id)).available).toBe(1);

    await w.press(ann.id, '✖ Leave the queue: “Don Quixote”');
    expect(w.last(ann.id).text).toBe('Leave the queue for “Don Quixote”? You are #1 and would lose your place.');
    await w.press(ann.id, '✅ Yes, cancel it');
    expect(w.last(ann.id).text).toMatch(/^✅ You left the queue for “Don Quixote”\.\n\n⏳ My holds\nYou are not in any queue/);
    expect((await w.core.books.get(other.book.id)).holds).toBe(0);
  });

  it('leaving the queue from the book card comes back to the card; a hold ended meanwhile is said so', async () => {
    const { book } = await bookOut(w, bob);
    await openCard(ann, '⛔ Moby-Dick · Herman Melville');
    await w.press(ann.id, '⏳ Join the queue (you would be #1)');
    await w.press(ann.id, '✖ Leave the queue');
    expect(w.last(ann.id).text).toBe('Leave the queue for “Moby-Dick”? You are #1 and would lose your place.');
    // Meanwhile the hold ends elsewhere (REST): "Yes" finds nothing to cancel.
    const [hold] = (await w.core.holds.list(await actor(ann))).results;
    await w.core.holds.cancel(await actor(ann), hold!.id);
    await w.press(ann.id, '✅ Yes, cancel it');
    expect(w.last(ann.id).text).toMatch(/^This hold has already ended — there is nothing to cancel\.\n\n📖 Moby-Dick/);
    expect(labels(ann.id)).toEqual(['⏳ Join the queue (you would be #1)', '« Back', '« Main menu']);
    expect((await w.core.books.get(book.id)).holds).toBe(0);
    expectEachPressAnsweredOnce();
  });
});

describe('the "hold ready" notice', () => {
  it('Borrow starts the borrow conversation for that book: length, rent, confirm, pay link', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    await w.send(ann, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    await dispatch();
    const notice = w.last(ann.id);
    expect(notice.text).toContain('“Moby-Dick” by Herman Melville is waiting for you!');
    expect(notice.text).toContain('until 2026-03-12 12:00 (Europe/Kyiv)');
    expect(w.buttons(notice)).toEqual([{ text: '📖 Borrow', callback_data: `hb:${book.id}` }]);

    await w.press(ann.id, '📖 Borrow');
    expect(w.last(ann.id).message_id).toBe(notice.message_id);
    expect(w.last(ann.id).text).toBe('📥 Borrow “Moby-Dick”\nDaily fee: 1.00 USD. For how many days? (at most 30)');
    await w.press(ann.id, '14 days');
    expect(w.last(ann.id).text).toBe('📥 “Moby-Dick” for 14 days, until 2026-03-24.\nRent: 14.00 USD. Borrow it?');
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toContain('✅ You borrowed “Moby-Dick” until 2026-03-24. Rent: 14.00 USD.');
    expect(urlOf('💳 Pay 14.00 USD')).toMatch(/\/api\/payments\/checkout\//);
    const loans = await w.core.borrowings.activeFor(await actor(ann));
    expect(loans.map((l) => l.book.id)).toEqual([book.id]);
    expect((await w.core.holds.list(await actor(ann))).results[0]).toMatchObject({
      status: 'FULFILLED',
      borrowing_id: loans[0]!.id,
    });
    expectEachPressAnsweredOnce();
  });

  it('a reader who owes money hears it first, with the Pay button', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    const [other] = await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', daily_fee: '1.00' }));
    await w.send(ann, '/start');
    await w.core.borrowings.borrow(await actor(ann), { book_id: other!.id, expected_return_date: '2026-03-12' });
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    await dispatch();
    await w.press(ann.id, '📖 Borrow');
    expect(w.last(ann.id).text).toMatch(/^💳 Before you borrow again, please pay your rent of 2\.00 USD for “Dune”\./);
    expect(labels(ann.id)).toEqual(['💳 Pay 2.00 USD — Dune', '« Back to the book', '📖 My books']);
  });

  it('pressed after the hold expired: says the copy is no longer waiting, with the way to the book', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    await w.send(ann, '/start');
    await w.send(olena, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.holds.place(await actor(olena), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    await dispatch();
    const notice = w.last(ann.id);
    w.clock.advance(49 * 3600_000);
    await w.core.holds.expireDue(SYSTEM_ACTOR);
    w.tg.api.pressButton({ chatId: ann.id, messageId: notice.message_id, data: `hb:${book.id}` });
    await w.drain();
    expect(w.tg.api.transcript(ann.id).find((m) => m.message_id === notice.message_id)!.text).toBe(
      "⌛ The copy of “Moby-Dick” set aside for you is no longer waiting: your hold ended. You can join the queue again from the book's card.",
    );
    await w.press(ann.id, '📖 Open the book');
    expect(labels(ann.id)).toEqual(['⏳ Join the queue (you would be #1)', '« Back', '« Main menu']);

    // The "expired" notice itself opens the card too: the queue, joined again in one press.
    await dispatch();
    const expired = w.last(ann.id);
    expect(expired.text).toMatch(/^⌛ Your hold on “Moby-Dick” by Herman Melville has expired/);
    expect(w.buttons(expired)).toEqual([{ text: '📖 Open the book', callback_data: `go:b:${book.id}` }]);
    await w.press(ann.id, '📖 Open the book');
    expect(w.last(ann.id).message_id).toBe(expired.message_id);
    expect(w.last(ann.id).text).toContain('📖 Moby-Dick');
    // Olena has the copy set aside now; Ann would be first to wait for the next one.
    await w.press(ann.id, '⏳ Join the queue (you would be #1)');
    expect(w.last(ann.id).text).toMatch(/^✅ You joined the queue for “Moby-Dick”: you are #1\./);
    expectEachPressAnsweredOnce();
  });
});

describe('every new refusal has its own sentence', () => {
  const codes: ErrorCode[] = [
    'COPY_AVAILABLE',
    'ALREADY_HELD',
    'ALREADY_BORROWED',
    'HOLD_LIMIT',
    'COPIES_SET_ASIDE',
    'LINK_HOLD_LIMIT',
    'HOLDS_WAITING',
    'RENEWAL_LIMIT',
    'OVERDUE',
    'UNPAID',
    'NOT_ACTIVE',
  ];

  it("in English and Ukrainian, never core's English message", () => {
    for (const code of codes) {
      expect(ERROR_STATUS[code]).toBe(409);
      const details = { limit: 5, waiting: 2, renewals: 2, held: 1, holds: 6, expected_return_date: '2026-03-09' };
      for (const lang of ['en', 'uk']) {
        const text = domainErrorText(lang, { code, message: 'CORE MESSAGE', details } as DomainErrorData);
        expect(text, `${lang} ${code}`).not.toContain('CORE MESSAGE');
        expect(text, `${lang} ${code}`).not.toMatch(/\{\$/);
      }
    }
    expect(domainErrorText('en', { code: 'HOLDS_WAITING', message: '', details: { waiting: 2 } })).toBe(
      '2 readers are waiting for this book, so the loan cannot be extended. Please return it by its due date.',
    );
    expect(domainErrorText('en', { code: 'RENEWAL_LIMIT', message: '', details: { renewals: 2, limit: 2 } })).toMatch(
      /^This loan was renewed twice already/,
    );
    expect(domainErrorText('uk', { code: 'HOLDS_WAITING', message: '', details: { waiting: 2 } })).toMatch(
      /^На цю книжку чекають 2 читачі, тож видачу не можна продовжити/,
    );
  });

  it('staff lowering the shelf below the copies set aside hear why', async () => {
    const { book, borrowing } = await bookOut(w, bob);
    await w.send(ann, '/start');
    await w.core.holds.place(await actor(ann), { book_id: book.id });
    await w.core.borrowings.returnBook(await actor(bob), borrowing.id);
    const refused = await w.core.books.setInventory(SYSTEM_ACTOR, book.id, 0).catch((e: DomainErrorData) => e);
    expect(domainErrorText('en', refused as DomainErrorData)).toBe(
      '1 copy is set aside for readers whose holds are ready: the shelf cannot go below that.',
    );
  });

  it("every button of these screens fits Telegram's 64 bytes", async () => {
    await w.db
      .insertInto('books')
      .values({
        id: 987654321012,
        title: 'L'.repeat(255),
        author: 'A'.repeat(255),
        isbn: null,
        cover: 'HARD',
        inventory: 0,
        daily_fee_cents: 100,
        created_at: new Date().toISOString(),
        deleted_at: null,
      })
      .execute();
    await w.send(ann, '/catalogue');
    await w.press(ann.id, w.buttons(w.last(ann.id))[0]!.text);
    await w.press(ann.id, w.buttons(w.last(ann.id))[0]!.text);
    await w.send(ann, '/myholds');
    for (const m of w.tg.api.transcript(ann.id)) {
      for (const b of w.buttons(m))
        if ('callback_data' in b) expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
    }
    expect(w.last(ann.id).text).toContain('#1 in the queue');
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);
  });
});
