// Extensions told and named (issue 20, item 19): an extension is a payment of its own, named as an
// extension wherever payments are named (staff "Payment received", the reader's thank-you, the
// expired-link notice, My books, the console's payment lines); staff hear of every extension, the
// linked reader of one made over REST or by staff (with its Pay button), and an extension made in
// the bot is told there once. Through the fake Bot API with the real grammY client.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer, createRenderer } from '../../bot/notice-renderer.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, bob, librarian, linkStaff, readerSteps, STAFF_CHAT_ID, staffChat, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels, urlOf, readerId, payAll, openPayLink } = readerSteps(w);

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
const actor = async (who: typeof ann) => ({ userId: await readerId(who.id), isStaff: false });
const botTexts = (chatId: number) =>
  w.tg.api
    .transcript(chatId)
    .filter((m) => m.from === 'bot')
    .map((m) => m.text);
const staffLast = () => w.last(STAFF_CHAT_ID);

/** `who` borrows Dune (1.00 USD a day) over REST until 2026-03-17 and pays the rent. */
async function loan(who: typeof ann) {
  await w.send(who, '/start');
  const [book] = await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 1, daily_fee: '1.00' }));
  const { borrowing } = await w.core.borrowings.borrow(await actor(who), {
    book_id: book!.id,
    expected_return_date: '2026-03-17',
  });
  await payAll(who.id);
  return { book: book!, borrowing };
}

describe('an extension made in the bot', () => {
  it("is told in the reader's chat once (its screen), to staff with Open the card, and named an extension once paid", async () => {
    w.tg.api.registerChat(staffChat);
    await linkStaff(w);
    const { borrowing } = await loan(ann);
    await dispatch();
    await w.send(ann, '/mybooks');
    const before = botTexts(ann.id).length;
    await w.press(ann.id, '🔁 Extend');
    await w.press(ann.id, '+7 days · 2026-03-24');
    await w.press(ann.id, '✅ Extend');
    await w.press(ann.id, '📖 My books');
    expect(w.last(ann.id).text).toContain('• Extension 7.00 USD for “Dune” (waiting for payment)');
    await dispatch();
    // One message per event in the reader's chat: the Extend screen only (edits of /mybooks' message).
    expect(botTexts(ann.id)).toHaveLength(before);

    expect(staffLast().text).toBe(
      `🔁 Loan extended #${borrowing.id}\nReader: Ann Reader (@ann_reads)\nBook: Dune\nDue back: 2026-03-24 (was 2026-03-17)\nExtension: 7.00 USD`,
    );
    expect(w.buttons(staffLast()).map((b) => b.text)).toEqual(['📄 Open the card']);

    await payAll(ann.id);
    await dispatch();
    expect(staffLast().text).toContain('Payment received: 7.00 USD (extension)');
    expect(w.last(ann.id).text).toContain('We received 7.00 USD for the extension of “Dune”.');
    await w.press(STAFF_CHAT_ID, '📄 Open the card', librarian);
    expect(staffLast().text).toMatch(/• #\d+ rent 7\.00 USD — paid 2026-03-10\n• #\d+ extension 7\.00 USD — paid 2026-03-10$/);
    expect(w.errors()).toEqual([]);
  });
});

describe('an extension made elsewhere', () => {
  it('over REST: the linked reader is told, with the Pay button; staff too', async () => {
    w.tg.api.registerChat(staffChat);
    const { borrowing } = await loan(ann);
    await dispatch();
    await w.core.borrowings.extend(await actor(ann), borrowing.id, { expected_return_date: '2026-03-24' });
    await dispatch();
    expect(w.last(ann.id).text).toBe(
      '🔁 “Dune” is now due back on 2026-03-24 (was 2026-03-17).\nExtension: 7.00 USD — please pay within 24 hours.',
    );
    expect(labels(ann.id)).toEqual(['💳 Pay 7.00 USD', '📖 My books']);
    expect(await openPayLink(urlOf('💳 Pay 7.00 USD'))).not.toBe('paid');
    expect(staffLast().text).toContain(`🔁 Loan extended #${borrowing.id}`);
  });

  it('by staff: the reader is told too', async () => {
    w.tg.api.registerChat(staffChat);
    const staff = await linkStaff(w);
    const { borrowing } = await loan(bob);
    await dispatch();
    await w.core.borrowings.extend({ userId: staff.id, isStaff: true }, borrowing.id, { expected_return_date: '2026-03-20' });
    await dispatch();
    expect(w.last(bob.id).text).toContain('“Dune” is now due back on 2026-03-20 (was 2026-03-17).\nExtension: 3.00 USD');
  });

  it("its expired pay link is named the extension's", async () => {
    const { borrowing } = await loan(ann);
    await w.core.borrowings.extend(await actor(ann), borrowing.id, { expected_return_date: '2026-03-24' });
    const renewal = await w.db
      .selectFrom('payments')
      .select('session_id')
      .where('borrowing_id', '=', borrowing.id)
      .where('renewal', '=', 1)
      .executeTakeFirstOrThrow();
    await w.core.payments.markExpired(renewal.session_id!);
    await dispatch();
    expect(w.last(ann.id).text).toContain('⌛ The payment link for your loan extension of 7.00 USD for “Dune” expired unpaid.');
  });
});

describe('the names in Ukrainian', () => {
  it('say «продовження» for an extension', () => {
    const r = createRenderer();
    const paid = {
      payment_id: 5,
      borrowing_id: 1,
      type: 'PAYMENT',
      renewal: 1,
      amount: '7.00',
      book_title: 'Dune',
      reader: 'Олена',
    };
    expect(r.render({ kind: 'staff.payment_received', language: 'uk', payload: paid }).text).toContain('7.00 USD (продовження)');
    expect(r.render({ kind: 'reader.payment_received', language: 'uk', payload: paid }).text).toBe(
      '💚 Дякуємо! Ми отримали 7.00 USD за продовження «Dune».',
    );
    expect(r.render({ kind: 'reader.payment_expired', language: 'uk', payload: paid }).text).toContain(
      'Посилання на оплату продовження 7.00 USD',
    );
    // A row queued before renewals existed (no renewal in its payload) is the rent, as it was.
    const { renewal: _r, ...old } = paid;
    expect(r.render({ kind: 'staff.payment_received', language: 'en', payload: old }).text).toContain('7.00 USD (rent)');
  });
});
