// Staff commands: only in the staff chat and only from Telegram users linked to a staff account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addBooks,
  ann,
  type BotWorld,
  bob,
  createBotWorld,
  librarian,
  linkStaff,
  otherGroup,
  STAFF_CHAT_ID,
  staffChat,
} from '../helpers/bot.js';

let w: BotWorld;

beforeEach(async () => {
  w = await createBotWorld();
});

afterEach(async () => {
  await w.close();
});

const REFUSAL = 'Sorry, this command is only for library staff in the staff chat.';
const BAD_CHARS =
  'That has control or invisible formatting characters in it (such as a text-direction mark or a zero-width space). Please send it again without them.';
const botTexts = (chatId: number) =>
  w.tg.api
    .transcript(chatId)
    .filter((m) => m.from === 'bot')
    .map((m) => m.text);
const lastStaff = () => w.last(STAFF_CHAT_ID).text;

async function readerWithLoan(tg = ann, title = 'Dune', days = 7) {
  const [book] = await addBooks(w.core, 1, () => ({ title, author: 'Frank Herbert', daily_fee: '1.00' }));
  await w.send(tg, '/start');
  const reader = (await w.core.users.findByTelegramId(tg.id))!;
  const { borrowing } = await w.core.borrowings.borrow(
    { userId: reader.id, isStaff: false },
    { book_id: book!.id, expected_return_date: addDays('2026-03-10', days) },
  );
  return { reader, book: book!, borrowing };
}
const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('who may use /admin', () => {
  it('refuses a reader who is not staff, even inside the staff chat, and leaks nothing', async () => {
    await readerWithLoan();
    await w.send(bob, '/start');
    for (const cmd of ['/admin', '/admin active', '/admin_stats', '/admin loans @ann_reads', '/admin addbook']) {
      await w.send(bob, cmd, staffChat);
      expect(lastStaff()).toBe(REFUSAL);
    }
    expect(botTexts(STAFF_CHAT_ID).every((t) => t === REFUSAL)).toBe(true);
    expect(await w.db.selectFrom('bot_sessions').select('key').where('key', 'like', 'conversation:%').execute()).toEqual([]);
  });

  it('refuses an unknown Telegram user in the staff chat without creating an account for them', async () => {
    await w.send({ id: 5555, first_name: 'Stranger' }, '/admin stats', staffChat);
    expect(lastStaff()).toBe(REFUSAL);
    expect(await w.core.users.findByTelegramId(5555)).toBeUndefined();
  });

  it('refuses staff outside the staff chat: in a private chat and in another group', async () => {
    await linkStaff(w);
    await w.send(librarian, '/admin stats');
    expect(w.last(librarian.id).text).toBe(REFUSAL);
    await w.send(librarian, '/admin stats', otherGroup);
    expect(w.last(otherGroup.id).text).toBe(REFUSAL);
  });

  it('answers a linked staff member in the staff chat with the command list, in both forms', async () => {
    await linkStaff(w);
    await w.send(librarian, '/admin', staffChat);
    expect(lastStaff()).toContain('Staff console');
    await w.send(librarian, '/admin help', staffChat);
    expect(lastStaff()).toContain('Staff commands');
    expect(lastStaff()).toContain('/admin inventory <book id> <copies>');
    await w.send(librarian, '/admin@library_sandbox_bot help', staffChat);
    expect(lastStaff()).toContain('/admin overdue — borrowings past their due date');
  });
});

describe('staff commands', () => {
  beforeEach(async () => {
    await linkStaff(w);
  });

  it('adds a book through a conversation, re-asking for bad answers', async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    expect(lastStaff()).toContain('What is the title?');
    expect(w.last(STAFF_CHAT_ID).reply_markup).toMatchObject({ force_reply: true, selective: true });
    // Someone else talking in the staff chat does not feed the librarian's conversation.
    await w.send(bob, 'not an answer', staffChat);
    await w.send(librarian, '  The Master & Margarita  ', staffChat);
    expect(lastStaff()).toBe('Who is the author?');
    await w.send(librarian, 'Mikhail Bulgakov', staffChat);
    await w.send(librarian, 'not-an-isbn!', staffChat);
    expect(lastStaff()).toContain('An ISBN has 10 or 13 digits');
    await w.send(librarian, '978-0-14-118014-4', staffChat);
    expect(lastStaff()).toBe('Which cover?');
    await w.press(STAFF_CHAT_ID, 'Hardcover', librarian);
    expect(lastStaff()).toBe('How many copies are on the shelf? (0 to 1000000)');
    await w.send(librarian, 'three', staffChat);
    expect(lastStaff()).toBe('Send a whole number from 0 to 1000000.');
    await w.send(librarian, '3', staffChat);
    await w.send(librarian, '1.505', staffChat);
    expect(lastStaff()).toContain('at most 2 decimals');
    await w.send(librarian, '0,75', staffChat);
    expect(lastStaff()).toBe(
      '📘 Add this book?\nTitle: The Master & Margarita\nAuthor: Mikhail Bulgakov\nISBN: 978-0-14-118014-4\nCover: Hardcover\nCopies: 3\nDaily fee: 0.75 USD',
    );
    await w.press(STAFF_CHAT_ID, '✅ Add the book', librarian);
    expect(lastStaff()).toMatch(/^✅ Added book #\d+: The Master & Margarita by Mikhail Bulgakov — 3 copies, 0\.75 USD\/day\.$/);
    const found = (await w.core.books.list({ search: 'margarita' })).results;
    expect(found).toEqual([
      expect.objectContaining({
        title: 'The Master & Margarita',
        author: 'Mikhail Bulgakov',
        isbn: '978-0-14-118014-4',
        cover: 'HARD',
        inventory: 3,
        daily_fee: '0.75',
      }),
    ]);
    // And readers see it in the catalogue at once.
    await w.send(ann, 'bulgakov');
    expect(w.buttons(w.last(ann.id)).map((b) => b.text)).toContain('The Master & Margarita · Mikhail Bulgakov');
  });

  it("re-asks for any answer core would refuse, by core's own rule for the field", async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    await w.send(librarian, 'Bell\u0007 Jar', staffChat); // a control character: core refuses it in any title
    expect(lastStaff()).toBe(BAD_CHARS);
    await w.send(librarian, 'x'.repeat(256), staffChat);
    expect(lastStaff()).toBe('That must be 1 to 255 characters. Please send it again.');
    await w.send(librarian, 'The Bell Jar', staffChat);
    await w.send(librarian, 'Sylvia Plath', staffChat);
    await w.send(librarian, '-', staffChat);
    await w.press(STAFF_CHAT_ID, 'Softcover', librarian);
    await w.send(librarian, '1000001', staffChat);
    expect(lastStaff()).toBe('Send a whole number from 0 to 1000000.');
    await w.send(librarian, '0', staffChat);
    await w.send(librarian, '0', staffChat);
    expect(lastStaff()).toBe('Send an amount above 0 with at most 2 decimals, e.g. 1.50.');
    await w.send(librarian, '2', staffChat);
    await w.press(STAFF_CHAT_ID, '✅ Add the book', librarian);
    expect(lastStaff()).toMatch(/^✅ Added book #\d+: The Bell Jar by Sylvia Plath — 0 copies, 2\.00 USD\/day\.$/);
    expect((await w.core.books.list({ search: 'plath' })).results).toEqual([
      expect.objectContaining({ isbn: null, inventory: 0, daily_fee: '2.00' }),
    ]);
  });

  it('re-asks for a title or author carrying bidi controls or zero-width characters, saying why; joiners pass', async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    for (const bad of [
      'Bell\u202E Jar',
      '\u2066The Bell Jar\u2069',
      'The\u200BBell Jar',
      'The Bell\u2028Jar',
      '\uFEFFThe Bell Jar',
    ]) {
      await w.send(librarian, bad, staffChat);
      expect(lastStaff(), JSON.stringify(bad)).toBe(BAD_CHARS);
    }
    await w.send(librarian, 'The Bell Jar', staffChat);
    expect(lastStaff()).toBe('Who is the author?');
    await w.send(librarian, 'Sylvia\u202BPlath', staffChat);
    expect(lastStaff()).toBe(BAD_CHARS);
    await w.send(librarian, 'Sylvia Pla\u200Dth', staffChat);
    expect(lastStaff()).toBe('The ISBN? Send a dash (-) if there is none.');
    await w.send(librarian, '-', staffChat);
    await w.press(STAFF_CHAT_ID, 'Softcover', librarian);
    await w.send(librarian, '1', staffChat);
    await w.send(librarian, '1', staffChat);
    await w.press(STAFF_CHAT_ID, '✅ Add the book', librarian);
    const [book] = (await w.core.books.list({ search: 'bell jar' })).results;
    expect(book).toMatchObject({ title: 'The Bell Jar', author: 'Sylvia Pla\u200Dth' });
  });

  it('/cancel stops adding a book', async () => {
    await w.send(librarian, '/admin_addbook', staffChat);
    await w.send(librarian, 'Half a book', staffChat);
    await w.send(librarian, '/cancel', staffChat);
    expect(lastStaff()).toBe('Okay, stopped.');
    await w.send(librarian, 'Somebody', staffChat); // no longer an answer
    expect(lastStaff()).toBe('Okay, stopped.');
    expect((await w.core.books.list()).results).toEqual([]);
  });

  it('refuses an ISBN already in the catalogue at that step, naming the book, and keeps the rest', async () => {
    const [held] = await addBooks(w.core, 1, () => ({ title: 'Dune', isbn: '978-0-13-110362-7' }));
    await w.send(librarian, '/admin addbook', staffChat);
    for (const answer of ['Copy', 'Someone', '978-0-13-110362-7']) await w.send(librarian, answer, staffChat);
    expect(lastStaff()).toBe(
      `That ISBN is already in the catalogue: book #${held!.id} “Dune”. Send another, or a dash (-) for none.`,
    );
    await w.send(librarian, '978-0-306-40615-7', staffChat);
    expect(lastStaff()).toBe('Which cover?');
  });

  it("checks an ISBN's check digit at that step (ISBN-10 and ISBN-13)", async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    for (const answer of ['Copy', 'Someone']) await w.send(librarian, answer, staffChat);
    await w.send(librarian, '978-0-306-40615-8', staffChat);
    expect(lastStaff()).toBe(
      '978-0-306-40615-8 is not a valid ISBN: its check digit does not match (a digit mistyped?). Send it again, or a dash (-) for none.',
    );
    await w.send(librarian, '0-306-40615-3', staffChat);
    expect(lastStaff()).toContain('0-306-40615-3 is not a valid ISBN');
    await w.send(librarian, '12345', staffChat);
    expect(lastStaff()).toBe(
      'An ISBN has 10 or 13 digits (the last may be X), with or without hyphens. Send it again, or a dash (-) for none.',
    );
    await w.send(librarian, '0-306-40615-2', staffChat);
    expect(lastStaff()).toBe('Which cover?');
  });

  it('takes the cover from its buttons only, and adds nothing until the card is confirmed', async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    for (const answer of ['Solaris', 'Stanisław Lem', '-']) await w.send(librarian, answer, staffChat);
    await w.send(librarian, 'hard', staffChat);
    expect(lastStaff()).toBe('Please choose the cover with one of the buttons.');
    expect(w.buttons(w.last(STAFF_CHAT_ID)).map((b) => b.text)).toEqual(['Hardcover', 'Softcover']);
    await w.press(STAFF_CHAT_ID, 'Softcover', librarian);
    expect(lastStaff()).toBe('How many copies are on the shelf? (0 to 1000000)');
    await w.send(librarian, '1', staffChat);
    await w.send(librarian, '1.20', staffChat);
    expect(lastStaff()).toContain(
      '📘 Add this book?\nTitle: Solaris\nAuthor: Stanisław Lem\nISBN: —\nCover: Softcover\nCopies: 1\nDaily fee: 1.20 USD',
    );
    expect((await w.core.books.list()).results).toEqual([]);
    await w.send(librarian, 'yes', staffChat);
    expect(lastStaff()).toBe('Please answer with the buttons: add the book, or not.');
    await w.press(STAFF_CHAT_ID, "✖ Don't add", librarian);
    expect(lastStaff()).toBe('Adding the book was stopped.');
    expect((await w.core.books.list()).results).toEqual([]);
  });

  it('asks only for the ISBN again when someone else took it before the card was confirmed', async () => {
    await w.send(librarian, '/admin addbook', staffChat);
    for (const answer of ['Solaris', 'Stanisław Lem', '978-0-306-40615-7']) await w.send(librarian, answer, staffChat);
    await w.press(STAFF_CHAT_ID, 'Hardcover', librarian);
    await w.send(librarian, '2', staffChat);
    await w.send(librarian, '1', staffChat);
    await addBooks(w.core, 1, () => ({ title: 'Other', isbn: '978-0-306-40615-7' }));
    await w.press(STAFF_CHAT_ID, '✅ Add the book', librarian);
    expect(lastStaff()).toBe('The ISBN? Send a dash (-) if there is none.');
    await w.send(librarian, '978-3-16-148410-0', staffChat);
    expect(lastStaff()).toContain('ISBN: 978-3-16-148410-0\nCover: Hardcover\nCopies: 2\nDaily fee: 1.00 USD');
    await w.press(STAFF_CHAT_ID, '✅ Add the book', librarian);
    expect(lastStaff()).toMatch(/^✅ Added book #\d+: Solaris by Stanisław Lem — 2 copies, 1\.00 USD\/day\.$/);
  });

  it('sets inventory and finds books; the reader sees the same inventory', async () => {
    const [book] = await addBooks(w.core, 1, () => ({
      title: 'Dune',
      author: 'Frank Herbert',
      inventory: 1,
      isbn: '9780441013593',
    }));
    await w.send(librarian, `/admin inventory ${book!.id} 7`, staffChat);
    expect(lastStaff()).toBe(`✅ Book #${book!.id} “Dune” now has 7 copies on the shelf.`);
    expect((await w.core.books.get(book!.id)).inventory).toBe(7);
    await w.send(ann, 'dune');
    await w.press(ann.id, 'Dune · Frank Herbert');
    expect(w.last(ann.id).text).toContain('Available: 7 copies');

    await w.send(librarian, '/admin inventory 1', staffChat);
    expect(lastStaff()).toBe('Usage: /admin inventory <book id> <copies>');
    await w.send(librarian, '/admin_inventory 999 2', staffChat);
    expect(lastStaff()).toBe('Not found — it may have been removed.');
    await w.send(librarian, '/admin inventory 1 2000000', staffChat);
    expect(lastStaff()).toContain('inventory must be at most 1000000');

    await w.send(librarian, '/admin find herbert', staffChat);
    expect(lastStaff()).toBe(
      `🔎 Books matching “herbert”\n#${book!.id} Dune — Frank Herbert · 7 copies on the shelf · 1.00 USD/day · ISBN 9780441013593`,
    );
    await w.send(librarian, '/admin find nothing-like-it', staffChat);
    expect(lastStaff()).toBe('No books match “nothing-like-it”.');
  });

  it('lists active and overdue borrowings and a reader’s loans', async () => {
    await w.send(librarian, '/admin overdue', staffChat);
    expect(lastStaff()).toBe('No borrowings overdue today.');
    await w.send(librarian, '/admin active', staffChat);
    expect(lastStaff()).toBe('No active borrowings.');

    const { borrowing, reader } = await readerWithLoan(ann, 'Dune', 3);
    await w.send(librarian, '/admin active', staffChat);
    expect(lastStaff()).toBe(
      `📋 Active borrowings\n#${borrowing.id} Dune — Ann Reader (@ann_reads, #${reader.id}) · from 2026-03-10 · due 2026-03-13`,
    );

    w.clock.advanceDays(5);
    await w.send(librarian, '/admin overdue', staffChat);
    expect(lastStaff()).toBe(
      `⚠ Overdue on 2026-03-15\n#${borrowing.id} Dune — Ann Reader (@ann_reads, #${reader.id}) · from 2026-03-10 · ⚠ due 2026-03-13, 2 days late`,
    );

    for (const who of ['@ann_reads', `#${reader.id}`, String(reader.id)]) {
      await w.send(librarian, `/admin loans ${who}`, staffChat);
      expect(lastStaff()).toContain(`👤 Loans of Ann Reader (@ann_reads, #${reader.id})\n#${borrowing.id} Dune`);
    }
    await w.send(librarian, '/admin loans @nobody_here', staffChat);
    expect(lastStaff()).toBe('No reader matches “@nobody_here”. Use a user id, @username or email.');
  });

  it('finds a reader by email', async () => {
    const user = await w.core.users.register({
      email: 'Emma@Example.test',
      password: 'long enough pw',
      first_name: 'Emma',
      last_name: 'W',
    });
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Persuasion' }));
    await w.core.borrowings.borrow(
      { userId: user.id, isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-11' },
    );
    await w.send(librarian, '/admin_loans emma@example.test', staffChat);
    expect(lastStaff()).toContain(`👤 Loans of Emma W (#${user.id})`);
    expect(lastStaff()).toContain('Persuasion');
  });

  it('splits a long list under 4096 characters and pages it with a More button', async () => {
    // 120 active loans with 255-character titles: far more than one message can hold.
    const books = await addBooks(w.core, 120, (i) => ({
      title: `${String(i).padStart(3, '0')} ${'Long title '.repeat(30)}`.slice(0, 255).trim(),
      inventory: 1,
    }));
    const user = await w.core.users.register({
      email: 'many@example.test',
      password: 'long enough pw',
      first_name: 'Many',
      last_name: 'Loans',
    });
    await w.db
      .insertInto('borrowings')
      .values(
        books.map((b) => ({
          book_id: b.id,
          user_id: user.id,
          borrow_date: '2026-03-01',
          expected_return_date: '2026-03-05',
          actual_return_date: null,
          created_at: '2026-03-01T10:00:00.000Z',
        })),
      )
      .execute();

    const before = botTexts(STAFF_CHAT_ID).length;
    await w.send(librarian, '/admin overdue', staffChat);
    const firstPage = botTexts(STAFF_CHAT_ID).slice(before);
    expect(firstPage.length).toBeGreaterThan(1);
    for (const t of firstPage) expect(t.length).toBeLessThanOrEqual(4096);
    const lines = firstPage
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('#'));
    expect(lines).toHaveLength(50);
    const lastMessage = w.last(STAFF_CHAT_ID);
    expect(w.buttons(lastMessage).map((b) => b.text)).toEqual(['More ▸']);

    await w.press(STAFF_CHAT_ID, 'More ▸', librarian);
    await w.press(STAFF_CHAT_ID, 'More ▸', librarian);
    const all = botTexts(STAFF_CHAT_ID)
      .slice(before)
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('#'));
    expect(all).toHaveLength(120);
    expect(new Set(all).size).toBe(120);
    expect(w.buttons(w.last(STAFF_CHAT_ID))).toEqual([]);
    expect(w.buttons(w.tg.api.lastBotMessage(STAFF_CHAT_ID))).toEqual([]);
    expect(w.tg.api.calls.filter((c) => !c.ok)).toEqual([]);

    // A reader cannot use the staff list buttons.
    await w.send(librarian, '/admin active', staffChat);
    w.tg.api.pressButtonByLabel({ chatId: STAFF_CHAT_ID, label: 'More ▸', from: bob });
    await w.drain();
    expect(w.tg.api.callbacksAnswered.at(-1)).toMatchObject({ text: REFUSAL, show_alert: true });
  });

  it('marks a borrowing returned (with a fine when late), once', async () => {
    const { borrowing, book } = await readerWithLoan(ann, 'Dune', 3);
    w.clock.advanceDays(4);
    await w.send(librarian, `/admin return ${borrowing.id}`, staffChat);
    expect(lastStaff()).toMatch(
      new RegExp(
        `^✅ Borrowing #${borrowing.id} \\(“Dune”\\) marked returned on 2026-03-14\\.\\nReturned late: fine #\\d+ of 2\\.00 USD created\\.$`,
      ),
    );
    expect((await w.core.books.get(book.id)).inventory).toBe(2);
    await w.send(librarian, `/admin_return ${borrowing.id}`, staffChat);
    expect(lastStaff()).toBe('This book was already returned.');
    await w.send(librarian, '/admin return abc', staffChat);
    expect(lastStaff()).toBe('Usage: /admin return <borrowing id>');
    // The reader sees the return and the fine.
    await w.send(ann, '/mybooks');
    expect(w.last(ann.id).text).toContain('You have no books on loan.');
    expect(w.last(ann.id).text).toContain('Fine 2.00 USD for “Dune”');
  });

  it('refunds a paid payment through Stripe only after Yes, showing the amount first, and refuses an unpaid one', async () => {
    const { borrowing } = await readerWithLoan(ann, 'Dune', 2);
    const payment = await w.db
      .selectFrom('payments')
      .selectAll()
      .where('borrowing_id', '=', borrowing.id)
      .executeTakeFirstOrThrow();
    await w.send(librarian, `/admin refund ${payment.id}`, staffChat);
    expect(lastStaff()).toBe('This payment cannot be refunded: PENDING');

    await w.stripe.api.pay(payment.session_id!);
    await w.core.payments.confirmSession(payment.session_id!);
    const status = async () =>
      (await w.db.selectFrom('payments').select('status').where('id', '=', payment.id).executeTakeFirstOrThrow()).status;
    const labels = () => w.buttons(w.last(STAFF_CHAT_ID)).map((b) => b.text);

    // Typed, it asks first (a web page or a slip of the finger cannot refund in one go).
    await w.send(librarian, `/admin refund ${payment.id}`, staffChat);
    expect(lastStaff()).toMatch(
      new RegExp(
        `^Refund payment #${payment.id} — the rent of 2\\.00 USD for “Dune” — to Ann Reader .*\\? The money goes back through Stripe\\.$`,
      ),
    );
    expect(labels()).toEqual(['✅ Yes, refund 2.00 USD', '✖️ No, keep it']);
    expect(await status()).toBe('PAID');
    expect(w.stripe.api.refunds()).toHaveLength(0);
    await w.press(STAFF_CHAT_ID, '✖️ No, keep it', librarian);
    expect(lastStaff()).toContain(`• #${payment.id} rent 2.00 USD — paid`);
    expect(await status()).toBe('PAID');

    await w.send(librarian, `/admin_refund ${payment.id}`, staffChat);
    await w.press(STAFF_CHAT_ID, '✅ Yes, refund 2.00 USD', librarian);
    expect(lastStaff()).toContain(`✅ Payment #${payment.id} refunded: 2.00 USD.`);
    expect(await status()).toBe('REFUNDED');
    expect(w.stripe.api.refunds()).toHaveLength(1);
  });

  it('asks in Ukrainian for a Ukrainian librarian', async () => {
    const { borrowing } = await readerWithLoan(ann, 'Dune', 2);
    const payment = await w.db
      .selectFrom('payments')
      .selectAll()
      .where('borrowing_id', '=', borrowing.id)
      .executeTakeFirstOrThrow();
    await w.stripe.api.pay(payment.session_id!);
    await w.core.payments.confirmSession(payment.session_id!);
    const me = (await w.core.users.findByTelegramId(librarian.id))!;
    await w.db.updateTable('users').set({ language: 'uk' }).where('id', '=', me.id).execute();
    await w.send(librarian, `/admin refund ${payment.id}`, staffChat);
    expect(lastStaff()).toMatch(/^Повернути кошти за платіж #\d+ — оренду 2\.00 USD/);
    expect(w.buttons(w.last(STAFF_CHAT_ID)).map((b) => b.text)).toEqual(['✅ Так, повернути 2.00 USD', '✖️ Ні, не повертати']);
    expect(w.stripe.api.refunds()).toHaveLength(0);
  });

  it("shows today's numbers", async () => {
    const { borrowing } = await readerWithLoan(ann, 'Dune', 3);
    const payment = await w.db
      .selectFrom('payments')
      .selectAll()
      .where('borrowing_id', '=', borrowing.id)
      .executeTakeFirstOrThrow();
    await w.stripe.api.pay(payment.session_id!);
    await w.core.payments.confirmSession(payment.session_id!);
    await readerWithLoan(bob, 'Emma', 1);
    const old = await w.db.selectFrom('borrowings').select('id').where('id', '=', borrowing.id).executeTakeFirstOrThrow();
    w.clock.advanceDays(2); // Emma (due 03-11) is now overdue; Dune still on time
    await w.core.borrowings.returnBook({ userId: 0, isStaff: true }, old.id);
    await w.send(librarian, '/admin stats', staffChat);
    expect(lastStaff()).toBe(
      '📊 Today, 2026-03-12\nNew borrowings: 0\nReturns: 1\nActive: 1\nOverdue: 1\nPaid: 0 payments, 0.00 USD\nRefunded: 0 payments, 0.00 USD',
    );
    w.clock.advanceDays(-2);
    await w.send(librarian, '/admin_stats', staffChat);
    expect(lastStaff()).toBe(
      '📊 Today, 2026-03-10\nNew borrowings: 2\nReturns: 0\nActive: 1\nOverdue: 0\nPaid: 1 payment, 3.00 USD\nRefunded: 0 payments, 0.00 USD',
    );
  });

  it('answers a Ukrainian-speaking librarian in Ukrainian', async () => {
    await w.send(librarian, '/language');
    await w.press(librarian.id, 'Українська');
    await w.send(librarian, '/admin overdue', staffChat);
    expect(lastStaff()).toBe('Прострочених видач сьогодні немає.');
  });
});
