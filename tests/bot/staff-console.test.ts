// The staff console (issue 13, item 7): /admin in the staff chat opens inline menus — paged lists
// of loans, a loan's card with Return, Refund (after a confirmation showing the amount) and Remind,
// a book's card with − / +, Find a book, Find a reader, Stats — and staff notifications open the
// loan's card. Through the fake Bot API with the real grammY client.
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_CALLBACK_DATA_BYTES } from '../../bot/callbacks.js';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, bob, librarian, linkStaff, readerSteps, STAFF_CHAT_ID, staffChat, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { payAll, readerId } = readerSteps(w);

const REFUSAL = 'Sorry, this command is only for library staff in the staff chat.';
const dispatch = () =>
  dispatchOutbox(
    {
      db: w.db,
      api: w.bot.api,
      clock: w.clock,
      logger: silentLogger(),
      notices: createNoticeRenderer({ facts: w.core.payments.noticeFacts, links: w.core.payments.links }),
    },
    { perChatIntervalMs: 0, globalPerSecond: 1000, groupPerMinute: 0 },
  );
const staffLabels = () => w.buttons(w.last(STAFF_CHAT_ID)).map((b) => b.text);
const staffText = () => w.last(STAFF_CHAT_ID).text;
const press = (label: string) => w.press(STAFF_CHAT_ID, label, librarian);

/** A loan of `who` made over REST, `days` long from 2026-03-10. */
async function loan(who: typeof ann, title: string, days: number) {
  await w.send(who, '/start');
  const [book] = await addBooks(w.core, 1, () => ({ title, author: 'Frank Herbert', daily_fee: '1.00' }));
  const due = new Date(Date.parse('2026-03-10T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
  const { borrowing } = await w.core.borrowings.borrow(
    { userId: await readerId(who.id), isStaff: false },
    { book_id: book!.id, expected_return_date: due },
  );
  return { borrowing, book: book! };
}

/** Every button the bot ever sent in the staff chat fits Telegram's 64 bytes. */
function expectCallbackDataFits() {
  for (const m of w.tg.api.transcript(STAFF_CHAT_ID)) {
    for (const b of w.buttons(m))
      if ('callback_data' in b) expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
  }
}

beforeEach(async () => {
  await linkStaff(w);
});

describe('/admin opens the console', () => {
  it('with Active, Overdue, Find a book, Find a reader, Stats and Add a book; /admin help lists the typed commands', async () => {
    await w.send(librarian, '/admin', staffChat);
    expect(staffText()).toContain('Staff console');
    expect(staffLabels()).toEqual(['📋 Active', '⚠ Overdue', '🔎 Find a book', '👤 Find a reader', '📊 Stats', '➕ Add a book']);
    await w.send(librarian, '/admin help', staffChat);
    expect(staffText()).toContain('/admin refund <payment id>');
  });

  it('refuses its buttons to anyone but staff in the staff chat, and /admin outside it', async () => {
    await w.send(librarian, '/admin', staffChat);
    await w.send(bob, '/start');
    w.tg.api.pressButtonByLabel({ chatId: STAFF_CHAT_ID, label: '📋 Active', from: bob });
    await w.drain();
    expect(w.tg.api.callbacksAnswered.at(-1)).toMatchObject({ text: REFUSAL, show_alert: true });
    expect(staffText()).toContain('Staff console'); // unchanged
    await w.send(librarian, '/admin');
    expect(w.last(librarian.id).text).toBe(REFUSAL);
  });
});

describe('lists', () => {
  it('pages active loans with a keyset cursor, eight to a page, in one message', async () => {
    const reader = await w.core.users.register({
      email: 'many@example.test',
      password: 'long enough pw',
      first_name: 'Many',
      last_name: 'Loans',
    });
    const books = await addBooks(w.core, 10, (i) => ({ title: `Book ${i + 1}`, inventory: 1 }));
    await w.db
      .insertInto('borrowings')
      .values(
        books.map((b) => ({
          book_id: b.id,
          user_id: reader.id,
          borrow_date: '2026-03-01',
          expected_return_date: '2026-03-20',
          actual_return_date: null,
          created_at: '2026-03-01T10:00:00.000Z',
        })),
      )
      .execute();
    await w.send(librarian, '/admin', staffChat);
    const consoleMessage = w.last(STAFF_CHAT_ID).message_id;
    await press('📋 Active');
    expect(staffText()).toBe('📋 Active borrowings\nTap a loan to open its card.');
    const first = staffLabels();
    expect(first).toHaveLength(8 + 2);
    expect(first[0]).toMatch(/^#\d+ Book 10 · Many Loans · due 03-20$/);
    expect(first.slice(8)).toEqual(['Next ▸', '🏠 Console']);
    await press('Next ▸');
    expect(staffLabels()).toEqual([
      expect.stringMatching(/Book 2 ·/),
      expect.stringMatching(/Book 1 ·/),
      '⏮ First page',
      '🏠 Console',
    ]);
    expect(w.last(STAFF_CHAT_ID).message_id).toBe(consoleMessage);
    await press('⏮ First page');
    expect(staffLabels()[0]).toMatch(/Book 10 ·/);
    await press('🏠 Console');
    expect(staffText()).toContain('Staff console');
    expectCallbackDataFits();
  });

  it('lists overdue loans, most overdue first, and says when there are none', async () => {
    await w.send(librarian, '/admin', staffChat);
    await press('⚠ Overdue');
    expect(staffText()).toBe('⚠ Overdue on 2026-03-10\nNo borrowings overdue today.');
    await press('🏠 Console');
    await loan(ann, 'Dune', 2);
    await loan(bob, 'Emma', 3);
    w.clock.advanceDays(5);
    await press('⚠ Overdue');
    expect(staffLabels().slice(0, 2)).toEqual([
      expect.stringMatching(/ Dune · Ann Reader · ⚠ 3 days late$/),
      expect.stringMatching(/ Emma · Bob · ⚠ 2 days late$/),
    ]);
  });
});

describe('a loan’s card', () => {
  it('shows reader, book, dates and payments; Refund asks first, showing the amount, and the reader hears of it', async () => {
    const { borrowing } = await loan(ann, 'Dune', 3);
    await payAll(ann.id);
    await w.send(librarian, '/admin', staffChat);
    await press('📋 Active');
    await press(staffLabels()[0]!);
    const payment = borrowing.payments[0]!;
    const me = await readerId(ann.id);
    expect(staffText()).toBe(
      `📄 Borrowing #${borrowing.id}\nBook: Dune by Frank Herbert (#${borrowing.book.id})\nReader: Ann Reader (@ann_reads, #${me})\n` +
        `Borrowed 2026-03-10 · due 2026-03-13\nPayments:\n• #${payment.id} rent 3.00 USD — paid 2026-03-10`,
    );
    expect(staffLabels()).toEqual([
      '↩ Return',
      '🔔 Remind',
      `💸 Refund #${payment.id} · 3.00 USD`,
      '📖 Book',
      "👤 Reader's loans",
      '🏠 Console',
    ]);

    await press(`💸 Refund #${payment.id} · 3.00 USD`);
    expect(staffText()).toBe(
      `Refund payment #${payment.id} — the rent of 3.00 USD for “Dune” — to Ann Reader (@ann_reads, #${me})? The money goes back through Stripe.`,
    );
    expect(staffLabels()).toEqual(['✅ Refund 3.00 USD', '« Back']);
    expect(w.stripe.api.refunds()).toHaveLength(0); // nothing yet
    const question = w.last(STAFF_CHAT_ID);
    await press('✅ Refund 3.00 USD');
    expect(staffText()).toContain(`✅ Payment #${payment.id} refunded: 3.00 USD.`);
    expect(staffText()).toContain(`• #${payment.id} rent 3.00 USD — refunded 2026-03-10`);
    expect(staffLabels()).not.toContain(`💸 Refund #${payment.id} · 3.00 USD`);
    expect(w.stripe.api.refunds()).toHaveLength(1);

    // The same confirmation pressed again (a double tap, or a second librarian) refunds nothing more.
    const yes = w.buttons(question).find((b) => b.text === '✅ Refund 3.00 USD')!;
    w.tg.api.pressButton({
      chatId: STAFF_CHAT_ID,
      messageId: question.message_id,
      data: 'callback_data' in yes ? yes.callback_data! : '',
      from: librarian,
      force: true,
    });
    await w.drain();
    expect(staffText()).toContain('This payment cannot be refunded');
    expect(w.stripe.api.refunds()).toHaveLength(1);

    await dispatch();
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toBe(
      '💸 Your rent of 3.00 USD for “Dune” was refunded. The money goes back to your card.',
    );
    expect(w.errors()).toEqual([]);
    expectCallbackDataFits();
  });

  it('Return asks first and says a late return is fined; the card then shows it back, with the fine', async () => {
    const { borrowing, book } = await loan(ann, 'Dune', 3);
    await payAll(ann.id);
    w.clock.advanceDays(5);
    await w.send(librarian, '/admin', staffChat);
    await press('⚠ Overdue');
    await press(staffLabels()[0]!);
    expect(staffText()).toContain('· ⚠ 2 days overdue');
    await press('↩ Return');
    expect(staffText()).toMatch(
      /^Mark “Dune” \(borrowing #\d+, Ann Reader .*\) returned today\?\nIt is 2 days late: a fine of 4\.00 USD will be charged\.$/,
    );
    await press('✅ Yes, it is back');
    expect(staffText()).toMatch(
      new RegExp(
        `^✅ Borrowing #${borrowing.id} \\(“Dune”\\) marked returned on 2026-03-15\\.\\nReturned late: fine #\\d+ of 4\\.00 USD created\\.`,
      ),
    );
    expect(staffText()).toContain('returned 2026-03-15');
    expect(staffText()).toMatch(/• #\d+ fine 4\.00 USD — waiting for payment/);
    expect(staffLabels()).not.toContain('↩ Return');
    expect((await w.core.books.get(book.id)).inventory).toBe(2);
  });

  it('Return → Yes is one message in the staff chat (the card, edited), as is /admin return; the reader is told', async () => {
    const { borrowing } = await loan(ann, 'Dune', 3);
    const other = await loan(bob, 'Emma', 3);
    await payAll(ann.id);
    await payAll(bob.id);
    await dispatch();
    await w.send(librarian, '/admin', staffChat);
    await press('📋 Active');
    await press(staffLabels().find((l) => l.includes('Dune'))!);
    await press('↩ Return');
    const staffBefore = w.tg.api.transcript(STAFF_CHAT_ID).length;
    await press('✅ Yes, it is back');
    expect(staffText()).toContain(`✅ Borrowing #${borrowing.id} (“Dune”) marked returned on 2026-03-10.`);
    await w.send(librarian, `/admin return ${other.borrowing.id}`, staffChat);
    expect(staffText()).toContain(`✅ Borrowing #${other.borrowing.id} (“Emma”) marked returned on 2026-03-10.`);
    await dispatch();
    // Since the press: the librarian's command and the bot's answer to it, and no notice.
    const since = w.tg.api.transcript(STAFF_CHAT_ID).slice(staffBefore);
    expect(since.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(w.tg.api.transcript(STAFF_CHAT_ID).filter((m) => m.text.includes('Book returned'))).toEqual([]);
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toBe('↩️ The library marked “Dune” returned on 2026-03-10. Thank you!');
    expect(w.tg.api.lastBotMessage(bob.id)!.text).toBe('↩️ The library marked “Emma” returned on 2026-03-10. Thank you!');
    // A return made elsewhere (REST) is still told to the staff chat.
    const third = await loan(ann, 'Ulysses', 3);
    await payAll(ann.id);
    await w.core.borrowings.returnBook({ userId: await readerId(ann.id), isStaff: false }, third.borrowing.id);
    await dispatch();
    expect(staffText()).toContain(`↩️ Book returned #${third.borrowing.id}`);
  });

  it('Remind sends the reader the due or overdue notice now, once a day', async () => {
    const { borrowing } = await loan(ann, 'Dune', 3);
    await payAll(ann.id);
    await dispatch();
    await w.send(librarian, '/admin', staffChat);
    await press('📋 Active');
    await press(staffLabels()[0]!);
    await press('🔔 Remind');
    expect(w.tg.api.callbacksAnswered.at(-1)).toMatchObject({
      text: 'The due-date reminder is on its way to the reader.',
      show_alert: true,
    });
    await dispatch();
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toContain('Reminder: “Dune” is due back in 3 days (2026-03-13).');
    await press('🔔 Remind');
    expect(w.tg.api.callbacksAnswered.at(-1)?.text).toBe('This reader was already reminded about this loan today.');

    w.clock.advanceDays(6);
    await press('🔔 Remind');
    await dispatch();
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toContain('Overdue: “Dune” was due back on 2026-03-13 (3 days ago).');
    expect(
      (await w.db.selectFrom('outbox').select('kind').where('dedup_key', 'like', `remind:${borrowing.id}:%`).execute()).map(
        (r) => r.kind,
      ),
    ).toEqual(['reader.due_soon', 'reader.overdue']);
  });
});

describe('a book’s card', () => {
  it('found by Find a book; − / + set the copies, and a stale press changes nothing more', async () => {
    const { book } = await loan(ann, 'Dune', 3);
    await w.send(librarian, '/admin', staffChat);
    await press('🔎 Find a book');
    expect(staffText()).toBe('🔎 Send the title, author or ISBN to look for (reply to this message).');
    await w.send(librarian, 'dune', staffChat);
    expect(staffText()).toBe('🔎 Books matching “dune”');
    await press(`#${book.id} Dune · Frank Herbert · 1 copy on the shelf`);
    expect(staffText()).toBe(
      `📖 Dune (#${book.id})\nFrank Herbert · Softcover · 1.00 USD/day\nOn the shelf: 1 · on loan: 1\nQueue: nobody is waiting.`,
    );
    const card = w.last(STAFF_CHAT_ID);
    await press('➕ 1 copy');
    expect(staffText()).toContain('On the shelf: 2 · on loan: 1');
    // The old card's "+" (shelf 1 → 2) pressed again: still 2.
    const plus = w.buttons(card).find((b) => b.text === '➕ 1 copy')!;
    w.tg.api.pressButton({
      chatId: STAFF_CHAT_ID,
      messageId: card.message_id,
      data: 'callback_data' in plus ? plus.callback_data! : '',
      from: librarian,
      force: true,
    });
    await w.drain();
    expect((await w.core.books.get(book.id)).inventory).toBe(2);
    await press('➖ 1 copy');
    await press('➖ 1 copy');
    expect(staffText()).toContain('On the shelf: 0 · on loan: 1');
    expect(staffLabels()).toEqual(['➕ 1 copy', '🔎 Find a book', '🏠 Console']);
  });
});

describe('Find a reader and Stats', () => {
  it('finds a reader by @username and lists their loans; says so when none matches', async () => {
    const { borrowing } = await loan(ann, 'Dune', 3);
    await w.send(librarian, '/admin', staffChat);
    await press('👤 Find a reader');
    await w.send(librarian, '@nobody', staffChat);
    expect(staffText()).toBe('No reader matches “@nobody”. Use a user id, @username or email.');
    await press('🔎 Search again');
    await w.send(librarian, '@ann_reads', staffChat);
    expect(staffText()).toContain('👤 Loans of Ann Reader (@ann_reads');
    await press(staffLabels()[0]!);
    expect(staffText()).toContain(`📄 Borrowing #${borrowing.id}`);
  });

  it('shows today’s numbers', async () => {
    await w.send(librarian, '/admin', staffChat);
    await press('📊 Stats');
    expect(staffText()).toContain('📊 Today, 2026-03-10');
    expect(staffLabels()).toEqual(['🔄 Refresh', '🏠 Console']);
  });
});

describe('staff notifications open the loan’s card', () => {
  it('"New borrowing" and "Payment received" carry Open; it sends the card under the notification', async () => {
    w.tg.api.registerChat(staffChat);
    const { borrowing } = await loan(ann, 'Dune', 3);
    await payAll(ann.id);
    await dispatch();
    const staffMessages = w.tg.api.transcript(STAFF_CHAT_ID).filter((m) => m.from === 'bot');
    const created = staffMessages.find((m) => m.text.includes('New borrowing'))!;
    const paid = staffMessages.find((m) => m.text.includes('Payment received'))!;
    for (const m of [created, paid]) expect(w.buttons(m).map((b) => b.text)).toEqual(['📄 Open the card']);
    const open = w.buttons(created)[0]!;
    w.tg.api.pressButton({
      chatId: STAFF_CHAT_ID,
      messageId: created.message_id,
      data: 'callback_data' in open ? open.callback_data! : '',
      from: librarian,
    });
    await w.drain();
    const card = w.last(STAFF_CHAT_ID);
    expect(card.message_id).not.toBe(created.message_id);
    expect(card.text).toContain(`📄 Borrowing #${borrowing.id}`);
    expect(w.tg.api.transcript(STAFF_CHAT_ID).find((m) => m.message_id === created.message_id)!.text).toContain('New borrowing');
    expect(w.errors()).toEqual([]);
  });
});

describe('a digest of staff notices', () => {
  it("opens the console's Active list, or the console, under it", async () => {
    w.tg.api.registerChat(staffChat);
    await loan(ann, 'Dune', 3);
    await payAll(ann.id);
    await loan(bob, 'Emma', 3);
    await payAll(bob.id);
    await loan(ann, 'Ulysses', 3);
    // Five notices and room for two this minute: one digest.
    await dispatchOutbox(
      {
        db: w.db,
        api: w.bot.api,
        clock: w.clock,
        logger: silentLogger(),
        notices: createNoticeRenderer({ facts: w.core.payments.noticeFacts, links: w.core.payments.links }),
      },
      { perChatIntervalMs: 0, globalPerSecond: 1000, groupPerMinute: 2 },
    );
    const digest = w.last(STAFF_CHAT_ID);
    expect(digest.text).toMatch(/^📰 5 staff notices in one message/);
    expect(staffLabels()).toEqual(['📋 Active borrowings', '🏠 Console']);
    await press('📋 Active borrowings');
    const list = w.last(STAFF_CHAT_ID);
    expect(list.message_id).not.toBe(digest.message_id);
    expect(list.reply_to_message_id).toBe(digest.message_id);
    expect(list.text).toBe('📋 Active borrowings\nTap a loan to open its card.');
    expect(staffLabels().slice(0, 3)).toEqual([
      expect.stringMatching(/ Ulysses · /),
      expect.stringMatching(/ Emma · /),
      expect.stringMatching(/ Dune · /),
    ]);
    const home = w.buttons(digest).find((b) => b.text === '🏠 Console')!;
    w.tg.api.pressButton({
      chatId: STAFF_CHAT_ID,
      messageId: digest.message_id,
      data: 'callback_data' in home ? home.callback_data! : '',
      from: librarian,
    });
    await w.drain();
    expect(staffText()).toContain('Staff console');
    expect(w.last(STAFF_CHAT_ID).reply_to_message_id).toBe(digest.message_id);
    expect(w.errors()).toEqual([]);
  });
});

describe('core reads for the console check staff rights themselves', () => {
  it('a reader calling loanCard, bookCard or remindNow is refused', async () => {
    const { borrowing, book } = await loan(ann, 'Dune', 3);
    const reader = { userId: await readerId(ann.id), isStaff: false };
    await expect(w.core.reports.loanCard(reader, borrowing.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(w.core.reports.bookCard(reader, book.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(w.core.notices.remindNow(reader, borrowing.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await w.core.reports.loanCard(SYSTEM_ACTOR, borrowing.id)).book.title).toBe('Dune');
    await expect(w.core.reports.loanCard(SYSTEM_ACTOR, 999999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await w.core.reports.bookCard(SYSTEM_ACTOR, book.id)).toMatchObject({ inventory: 1, on_loan: 1 });
  });
});
