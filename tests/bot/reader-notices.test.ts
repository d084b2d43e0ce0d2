// Readers are told what happens to their things (issue 13, item 6): staff returning their book,
// a refund, a checkout link that expired — through the outbox, in their language — and a payment's
// "thank you" shows what is left to pay as it is when it is sent, so no Refresh is needed.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import {
  addBooks,
  ann,
  librarian,
  linkStaff,
  olena,
  readerSteps,
  STAFF_CHAT_ID,
  staffChat,
  useBotWorld,
} from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels, urlOf, openPayLink, payAll, readerId } = readerSteps(w);

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
const botTexts = (chatId: number) =>
  w.tg.api
    .transcript(chatId)
    .filter((m) => m.from === 'bot')
    .map((m) => m.text);

/** A loan of `who` made over REST (so no borrow screen), its rent paid unless told otherwise. */
async function loan(who: typeof ann, title: string, days: number, paid = true) {
  await w.send(who, '/start');
  const [book] = await addBooks(w.core, 1, () => ({ title, author: 'A', daily_fee: '1.00' }));
  const due = new Date(Date.parse('2026-03-10T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
  const { borrowing } = await w.core.borrowings.borrow(
    { userId: await readerId(who.id), isStaff: false },
    { book_id: book!.id, expected_return_date: due },
  );
  if (paid) await payAll(who.id);
  await dispatch();
  return borrowing;
}

describe('what staff or the clock did, told to the reader', () => {
  it('staff return a book late: the reader hears it once, with the fine and its Pay button, in Ukrainian', async () => {
    await linkStaff(w);
    const b = await loan(olena, 'Кобзар', 2);
    w.clock.advanceDays(4);
    await w.send(librarian, `/admin return ${b.id}`, staffChat);
    await dispatch();
    const notice = w.tg.api.lastBotMessage(olena.id)!;
    expect(notice.text).toBe(
      '↩️ Бібліотека позначила книжку «Кобзар» поверненою 2026-03-14. Дякуємо!\nЇї повернули із запізненням на 2 дні: штраф 4.00 USD.',
    );
    const fine = await w.db.selectFrom('payments').selectAll().where('type', '=', 'FINE').executeTakeFirstOrThrow();
    expect(w.buttons(notice)).toEqual([
      { text: '💳 Оплатити 4.00 USD', url: await w.core.payments.links.urlFor(fine.id) },
      { text: '📖 Мої книжки', callback_data: 'go:y' },
    ]);
    // One message for the event: no separate "fine created".
    expect(botTexts(olena.id).filter((t) => /штраф/i.test(t))).toHaveLength(1);
    expect(botTexts(STAFF_CHAT_ID).some((t) => t.includes('marked returned'))).toBe(true);
  });

  it('staff return on time: a thank-you and nothing to pay', async () => {
    await linkStaff(w);
    const b = await loan(ann, 'Dune', 5);
    await w.send(librarian, `/admin return ${b.id}`, staffChat);
    await dispatch();
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toBe('↩️ The library marked “Dune” returned on 2026-03-10. Thank you!');
  });

  it('a refund', async () => {
    await linkStaff(w);
    const b = await loan(ann, 'Dune', 3);
    const payment = b.payments[0]!;
    await w.send(librarian, `/admin refund ${payment.id}`, staffChat);
    await w.press(STAFF_CHAT_ID, '✅ Yes, refund 3.00 USD', librarian);
    await dispatch();
    expect(w.tg.api.lastBotMessage(ann.id)!.text).toBe(
      '💸 Your rent of 3.00 USD for “Dune” was refunded. The money goes back to your card.',
    );
  });

  it('a checkout link that expired, with the Pay button that opens a new one', async () => {
    await loan(ann, 'Dune', 3, false);
    w.clock.advance(25 * 3600_000);
    await w.core.payments.expireDue(SYSTEM_ACTOR);
    await dispatch();
    const notice = w.tg.api.lastBotMessage(ann.id)!;
    expect(notice.text).toBe(
      '⌛ The payment link for your rent of 3.00 USD for “Dune” expired unpaid. Press Pay for a new one — you cannot borrow again until it is paid.',
    );
    const opened = await openPayLink(urlOf('💳 Pay 3.00 USD'));
    expect(opened).toBe((await w.db.selectFrom('payments').select('session_url').executeTakeFirstOrThrow()).session_url);
    // Once: the same expiry seen again (webhook and job) queues nothing more.
    expect(await w.db.selectFrom('outbox').select('id').where('kind', '=', 'reader.payment_expired').execute()).toHaveLength(1);
  });

  it('a reader without Telegram gets none of these', async () => {
    const user = await w.core.users.register({
      email: 'rest@example.test',
      password: 'long enough pw',
      first_name: 'R',
      last_name: 'E',
    });
    const [book] = await addBooks(w.core, 1);
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: user.id, isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-11' },
    );
    w.clock.advanceDays(3);
    await w.core.borrowings.returnBook(SYSTEM_ACTOR, borrowing.id);
    const kinds = (await w.db.selectFrom('outbox').select('kind').execute()).map((r) => r.kind);
    expect(kinds.filter((k) => k.startsWith('reader.'))).toEqual([]);
  });
});

describe('after a payment, the newest message shows what is left to pay', () => {
  it('nothing left: the thank-you says so, and its My books button opens the fresh list in place', async () => {
    await loan(ann, 'Dune', 3, false);
    await w.send(ann, '/mybooks');
    expect(w.last(ann.id).text).toContain('Rent 3.00 USD for “Dune”');
    await payAll(ann.id);
    await dispatch();
    const thanks = w.tg.api.lastBotMessage(ann.id)!;
    expect(thanks.text).toBe('💚 Thank you! We received 3.00 USD for the rent of “Dune”.\nNothing else is waiting to be paid.');
    expect(labels(ann.id)).toEqual(['📖 My books']);
    await w.press(ann.id, '📖 My books');
    const mine = w.last(ann.id);
    expect(mine.message_id).toBe(thanks.message_id);
    expect(mine.text).toContain('1. Dune — due 2026-03-13');
    expect(mine.text).not.toContain('To pay');
  });

  it('more to pay: it lists what is still owed with its Pay buttons', async () => {
    await loan(ann, 'Dune', 3, false);
    const [emma] = await addBooks(w.core, 1, () => ({ title: 'Emma', author: 'B', daily_fee: '2.00' }));
    // Emma borrowed before Dune was paid (an unpaid rent blocks borrowing, so through the database).
    const dune = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    await w.db
      .updateTable('payments')
      .set({ status: 'PAID', paid_at: w.clock.now().toISOString() })
      .where('id', '=', dune.id)
      .execute();
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: await readerId(ann.id), isStaff: false },
      { book_id: emma!.id, expected_return_date: '2026-03-12' },
    );
    await w.db.updateTable('payments').set({ status: 'PENDING', paid_at: null }).where('id', '=', dune.id).execute();
    await dispatch();
    await w.stripe.api.pay(dune.session_id!);
    await w.core.payments.confirmSession(dune.session_id!);
    await dispatch();
    const thanks = w.tg.api.lastBotMessage(ann.id)!;
    expect(thanks.text).toBe(
      '💚 Thank you! We received 3.00 USD for the rent of “Dune”.\nStill to pay:\n• Rent 4.00 USD for “Emma” (waiting for payment)',
    );
    expect(w.buttons(thanks)).toEqual([
      { text: '💳 Pay 4.00 USD — Emma', url: await w.core.payments.links.urlFor(borrowing.payments[0]!.id) },
      { text: '📖 My books', callback_data: 'go:y' },
    ]);
  });
});
