// The borrow conversation and paying from My books, driven as a reader does it.
import { describe, expect, it } from 'vitest';
import { addBooks, ann, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w, recreate } = useBotWorld();
const { labels, urlOf, borrowFromCard, payAll, openPayLink } = readerSteps(w);

describe('the borrow conversation', () => {
  it('can be cancelled with the button, and nothing is borrowed', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '14 days');
    await w.press(ann.id, '« Change days');
    await w.press(ann.id, '3 days');
    expect(w.last(ann.id).text).toContain('for 3 days, until 2026-03-13');
    await w.press(ann.id, '✖ Cancel');
    expect(w.last(ann.id).text).toBe('Borrowing “Dune” was cancelled.');
    await w.press(ann.id, '« Back to the book');
    expect(w.last(ann.id).text).toContain('Available: 2 copies');
    expect(await w.db.selectFrom('borrowings').selectAll().execute()).toEqual([]);
  });

  it('/cancel leaves the conversation; its old buttons then do nothing', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '7 days');
    await w.send(ann, '/cancel');
    expect(w.last(ann.id).text).toContain('Okay, stopped.');
    await w.press(ann.id, '✅ Confirm');
    expect(w.tg.api.callbacksAnswered.at(-1)?.text).toBe('This button is no longer active.');
    expect(await w.db.selectFrom('borrowings').selectAll().execute()).toEqual([]);
    await w.send(ann, '/cancel');
    expect(w.last(ann.id).text).toContain('There was nothing to stop.');
  });

  it('ends when the reader does something else, e.g. types a search', async () => {
    await addBooks(w.core, 2, (i) => ({ title: ['Dune', 'Emma'][i]!, author: ['Frank Herbert', 'Jane Austen'][i]! }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.send(ann, 'emma');
    expect(w.last(ann.id).text).toContain('Results for “emma”');
    const stored = await w.db.selectFrom('bot_sessions').select('key').where('key', 'like', 'conversation:%').execute();
    expect(stored).toEqual([]);
  });

  it('starts over when Borrow is pressed on another card while a borrow is waiting', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    const older = w.last(ann.id);
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow'); // the newer card now asks for the loan length
    const borrowButton = w.buttons(older).find((b) => b.text === '📥 Borrow')!;
    w.tg.api.pressButton({
      chatId: ann.id,
      messageId: older.message_id,
      data: 'callback_data' in borrowButton ? borrowButton.callback_data : '',
    });
    await w.drain();
    const olderNow = w.tg.api.transcript(ann.id).find((m) => m.message_id === older.message_id)!;
    expect(olderNow.text).toContain('For how many days?');
    await w.press(ann.id, '3 days'); // the newest "3 days" button: the older card's
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toContain('You borrowed “Dune” until 2026-03-13');
    expect(await w.db.selectFrom('borrowings').selectAll().execute()).toHaveLength(1);
    expect(w.errors()).toEqual([]);
  });

  it('says "no copies left" when the last copy went while the reader was deciding', async () => {
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 1 }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '7 days');
    // Meanwhile someone borrows the last copy over the REST API (same core function).
    const other = await w.core.users.register({
      email: 'rest@example.test',
      password: 'long enough pw',
      first_name: 'R',
      last_name: 'E',
    });
    await w.core.borrowings.borrow(
      { userId: other.id, isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-12' },
    );
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toBe('Sorry, no copies of this book are left right now.');
    expect((await w.core.books.get(book!.id)).inventory).toBe(0);
  });

  it('refuses a second loan while the first is unpaid, and at the loan limit', async () => {
    await recreate({ env: { MAX_ACTIVE_LOANS: '1' } });
    await addBooks(w.core, 2, (i) => ({ title: ['Dune', 'Emma'][i]!, author: ['Frank Herbert', 'Jane Austen'][i]! }));
    await borrowFromCard('Dune', 'Frank Herbert');
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Emma · Jane Austen');
    await w.press(ann.id, '📥 Borrow');
    // Said before the first step, naming the payment, with its Pay button.
    expect(w.last(ann.id).text).toBe('💳 Before you borrow again, please pay your rent of 7.00 USD for “Dune”.');
    expect(labels(ann.id)).toEqual(['💳 Pay 7.00 USD — Dune', '« Back to the book', '📖 My books']);
    expect(await openPayLink(urlOf('💳 Pay 7.00 USD — Dune'))).toMatch(/\/checkout\/cs_/);
    await payAll(ann.id);
    await borrowFromCard('Emma', 'Jane Austen');
    expect(w.last(ann.id).text).toBe('You already hold 1 book, the most at once. Return one to borrow another.');
    expect(labels(ann.id)).toEqual(['« Back to the book', '📖 My books']);
    expect(w.errors()).toEqual([]);
  });

  it('names the unpaid payment on Confirm when it appeared while the reader was choosing (issue 13, item 2)', async () => {
    const [, emma] = await addBooks(w.core, 2, (i) => ({
      title: ['Dune', 'Emma'][i]!,
      author: ['Frank Herbert', 'Jane Austen'][i]!,
    }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    await w.press(ann.id, '3 days');
    // Meanwhile the same reader borrows Emma over the REST API and leaves it unpaid.
    const me = (await w.core.users.findByTelegramId(ann.id))!;
    await w.core.borrowings.borrow({ userId: me.id, isStaff: false }, { book_id: emma!.id, expected_return_date: '2026-03-12' });
    await w.press(ann.id, '✅ Confirm');
    expect(w.last(ann.id).text).toBe('💳 Before you borrow again, please pay your rent of 2.00 USD for “Emma”.');
    expect(labels(ann.id)).toEqual(['💳 Pay 2.00 USD — Emma', '« Back to the book', '📖 My books']);
    expect(await w.db.selectFrom('borrowings').selectAll().execute()).toHaveLength(1);
    expect(w.errors()).toEqual([]);
  });

  it('offers only loan lengths within MAX_LOAN_DAYS', async () => {
    await recreate({ env: { MAX_LOAN_DAYS: '10' } });
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await w.send(ann, '/catalogue');
    await w.press(ann.id, 'Dune · Frank Herbert');
    await w.press(ann.id, '📥 Borrow');
    expect(labels(ann.id)).toEqual(['3 days', '7 days', '10 days', '✖ Cancel']);
  });
});

describe('payments from My books', () => {
  it('when Stripe is down at borrowing, the loan stands and the same Pay button opens a checkout later', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    w.stripe.api.failNext(1, { status: 500 });
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    expect(w.last(ann.id).text).toContain('You borrowed “Dune” until 2026-03-13');
    expect(w.last(ann.id).text).toContain('The payment service did not answer just now');
    expect(labels(ann.id)).toEqual(['💳 Pay 3.00 USD', '📖 My books', '📚 Catalogue']);
    const link = urlOf('💳 Pay 3.00 USD');

    await w.press(ann.id, '📖 My books');
    expect(w.last(ann.id).text).toContain('Rent 3.00 USD for “Dune”');
    expect(urlOf('💳 Pay 3.00 USD — Dune')).toBe(link);
    // Opening it makes the session Stripe could not make at borrowing.
    const checkout = await openPayLink(link);
    expect(checkout).toMatch(/\/checkout\/cs_/);
    const row = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(row.status).toBe('PENDING');
    expect(row.session_url).toBe(checkout);
  });

  it('renews an expired payment with a new Checkout session', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    const before = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    await w.stripe.api.expire(before.session_id!);
    await w.core.payments.markExpired(before.session_id!);

    await w.send(ann, '/mybooks');
    expect(w.last(ann.id).text).toContain('the link expired — press Pay for a new one');
    const opened = await openPayLink(urlOf('💳 Pay 3.00 USD — Dune'));
    const after = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(after.status).toBe('PENDING');
    expect(after.session_id).not.toBe(before.session_id);
    expect(opened).toBe(after.session_url);
    // Opened once more, the link goes to the same live session; once paid, it says so.
    expect(await openPayLink(urlOf('💳 Pay 3.00 USD — Dune'))).toBe(after.session_url);
    await payAll(ann.id);
    expect(await openPayLink(urlOf('💳 Pay 3.00 USD — Dune'))).toBe('paid');
  });

  it('a late return creates a fine the reader can pay right there', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', daily_fee: '1.00' }));
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    await payAll(ann.id);
    w.clock.advanceDays(5); // due 03-13, returned 03-15: 2 days late × 1.00 × 2
    await w.send(ann, '/mybooks');
    expect(w.last(ann.id).text).toContain('overdue since 2026-03-13 (2 days late)');
    await w.press(ann.id, '↩ Return “Dune”');
    await w.press(ann.id, '✅ Yes, return it');
    expect(w.last(ann.id).text).toContain('Returned “Dune” 2 days late: a fine of 4.00 USD is due');
    expect(w.last(ann.id).text).toContain('Fine 4.00 USD for “Dune” (waiting for payment)');
    expect(await openPayLink(urlOf('💳 Pay 4.00 USD — Dune'))).toMatch(/\/checkout\/cs_/);
  });
});

describe('the Pay button of a notification (pay:<id>)', () => {
  async function notifyWithPayButton(paymentId: number) {
    // What the outbox dispatcher sends when it has no live link: a button the bot must answer.
    await w.bot.api.sendMessage(ann.id, 'Your fine is due', {
      reply_markup: { inline_keyboard: [[{ text: 'Pay now', callback_data: `pay:${paymentId}` }]] },
    });
  }

  it('answers with the live link, or a renewed one, and says so when already paid', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    const payment = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();

    await notifyWithPayButton(payment.id);
    await w.press(ann.id, 'Pay now');
    expect(w.last(ann.id).text).toBe('💳 Here is your payment link for 3.00 USD.');
    expect(urlOf('💳 Pay 3.00 USD')).toBe(payment.session_url);

    await w.stripe.api.expire(payment.session_id!);
    await w.core.payments.markExpired(payment.session_id!);
    await w.press(ann.id, 'Pay now');
    const renewed = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(renewed.status).toBe('PENDING');
    expect(renewed.session_id).not.toBe(payment.session_id);
    expect(urlOf('💳 Pay 3.00 USD')).toBe(renewed.session_url);

    await payAll(ann.id);
    await w.press(ann.id, 'Pay now');
    expect(w.last(ann.id).text).toBe('✅ This payment is already paid. Thank you!');
  });

  it("a link the sandbox's stand-in opened counts as dead once Stripe is real: Pay makes a new one", async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    // As a sandbox run left it: PENDING, its session the stand-in's, which this Stripe never heard of.
    const old = {
      session_id: 'cs_test_fromTheSandbox0001',
      session_url: 'http://localhost:3000/sandbox/checkout/cs_test_fromTheSandbox0001',
    };
    await w.db.updateTable('payments').set(old).execute();
    const payment = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    await notifyWithPayButton(payment.id);
    await w.press(ann.id, 'Pay now');
    expect(w.last(ann.id).text).toBe('💳 Here is your payment link for 3.00 USD.');
    const renewed = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(renewed).toMatchObject({ status: 'PENDING', session_attempt: payment.session_attempt + 1 });
    expect(renewed.session_id).not.toBe(old.session_id);
    expect(w.stripe.api.session(renewed.session_id!)).toBeDefined();
    expect(urlOf('💳 Pay 3.00 USD')).toBe(renewed.session_url);
  });

  it("does not reveal someone else's payment", async () => {
    const [book] = await addBooks(w.core, 1);
    const other = await w.core.users.register({
      email: 'other@example.test',
      password: 'long enough pw',
      first_name: 'O',
      last_name: 'T',
    });
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: other.id, isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-12' },
    );
    await w.send(ann, '/start');
    await notifyWithPayButton(borrowing.payments[0]!.id);
    await w.press(ann.id, 'Pay now');
    expect(w.last(ann.id).text).toBe('Not found — it may have been removed.');
  });
});
