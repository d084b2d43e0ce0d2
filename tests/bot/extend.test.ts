// Extending a loan in the bot (issue 14, SPEC §11): "Extend" on My books and on the due-soon
// reminder starts a conversation — day buttons within MAX_LOAN_DAYS from today and after the
// current due date, the extra rent, confirm, the pay link — or says plainly why not, before any
// step. Through the fake Bot API with the real grammY client.
import { describe, expect, it } from 'vitest';
import { extensionDates } from '../../bot/flows/extend.js';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, bob, olena, readerSteps, useBotWorld } from '../helpers/bot.js';

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
    { perChatIntervalMs: 0, globalPerSecond: 1000 },
  );
const actor = async (who: typeof ann) => ({ userId: await readerId(who.id), isStaff: false });
const conversations = () => w.db.selectFrom('bot_sessions').select('key').where('key', 'like', 'conversation:%').execute();

/** `who` borrows Dune (1 copy, 1.00 USD a day) over REST until `due`; the rent paid unless told. */
async function loan(who: typeof ann, due = '2026-03-17', paid = true) {
  await w.send(who, '/start');
  const [book] = await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 1, daily_fee: '1.00' }));
  const { borrowing } = await w.core.borrowings.borrow(await actor(who), { book_id: book!.id, expected_return_date: due });
  if (paid) await payAll(who.id);
  return { book: book!, borrowing };
}

const DATE_BUTTONS = [
  '+1 day · 2026-03-18',
  '+3 days · 2026-03-20',
  '+7 days · 2026-03-24',
  '+14 days · 2026-03-31',
  '+23 days · 2026-04-09',
  '✖ Cancel',
];

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

describe('Extend on My books', () => {
  it('day buttons after the due date and within MAX_LOAN_DAYS from today, the extra rent, confirm, the pay link', async () => {
    const { borrowing } = await loan(ann);
    await w.send(ann, '/mybooks');
    const screen = w.last(ann.id);
    expect(labels(ann.id)).toEqual(['↩ Return “Dune”', '🔁 Extend', '🔄 Refresh', '« Main menu']);
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).message_id).toBe(screen.message_id);
    expect(w.last(ann.id).text).toBe(
      '🔁 Extend “Dune”\nDue back now: 2026-03-17. Daily fee: 1.00 USD. Until when? (at most 2026-04-09)\nThis loan may be renewed 2 more times.',
    );
    expect(labels(ann.id)).toEqual(DATE_BUTTONS);

    await w.press(ann.id, '+14 days · 2026-03-31');
    expect(w.last(ann.id).text).toBe(
      '🔁 “Dune” due back on 2026-03-31 instead of 2026-03-17 (14 more days).\nExtra rent: 14.00 USD. Extend it?',
    );
    await w.press(ann.id, '« Change days');
    expect(labels(ann.id)).toEqual(DATE_BUTTONS);
    await w.press(ann.id, '+7 days · 2026-03-24');
    expect(w.last(ann.id).text).toContain('Extra rent: 7.00 USD. Extend it?');
    await w.press(ann.id, '✅ Extend');
    expect(w.last(ann.id).text).toBe(
      '✅ “Dune” is now due back on 2026-03-24. Extra rent: 7.00 USD.\nPay the extra rent with the button below.',
    );
    expect(labels(ann.id)).toEqual(['💳 Pay 7.00 USD', '📖 My books']);
    expect(await openPayLink(urlOf('💳 Pay 7.00 USD'))).toMatch(/\/checkout\/|cs_/);

    const after = await w.core.borrowings.get(await actor(ann), borrowing.id);
    expect(after.expected_return_date).toBe('2026-03-24');
    expect(after.renewals).toBe(1);
    expect(after.payments.map((p) => [p.renewal, p.status, p.money_to_pay])).toEqual(
      expect.arrayContaining([[1, 'PENDING', '7.00']]),
    );
    await w.press(ann.id, '📖 My books');
    expect(w.last(ann.id).text).toContain('1. Dune — due 2026-03-24 (in 14 days)');
    expect(w.last(ann.id).text).toContain('• Extension 7.00 USD for “Dune” (waiting for payment)');
    expect(await conversations()).toEqual([]);
    expectEachPressAnsweredOnce();
  });

  it('Cancel changes nothing; in Ukrainian too', async () => {
    const { borrowing } = await loan(olena);
    await w.send(olena, '/mybooks');
    await w.press(olena.id, '🔁 Продовжити');
    expect(w.last(olena.id).text).toMatch(/^🔁 Продовжити «Dune»\nЗараз повернути до: 2026-03-17\. Плата за день: 1\.00 USD\./);
    expect(labels(olena.id)).toContain('+7 днів · 2026-03-24');
    await w.press(olena.id, '+3 дні · 2026-03-20');
    expect(w.last(olena.id).text).toContain('Додаткова оренда: 3.00 USD. Продовжити?');
    await w.press(olena.id, '✖ Скасувати');
    expect(w.last(olena.id).text).toBe('Нічого не змінилося: «Dune» треба повернути в той самий термін.');
    expect((await w.core.borrowings.get(await actor(olena), borrowing.id)).expected_return_date).toBe('2026-03-17');
  });

  it('says why not, on My books, before any step: readers waiting', async () => {
    const { book } = await loan(ann);
    await w.send(bob, '/start');
    await w.core.holds.place(await actor(bob), { book_id: book.id });
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(
      /^🔁 Extend “Dune”\n1 reader is waiting for this book, so the loan cannot be extended\. Please return it by its due date\.\n\n📖 My books\n1\. Dune/,
    );
    expect(await conversations()).toEqual([]);
    await w.send(olena, '/start');
    await w.core.holds.place(await actor(olena), { book_id: book.id });
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(/^🔁 Extend “Dune”\n2 readers are waiting for this book/);
  });

  it('says why not: renewed twice already', async () => {
    const { borrowing } = await loan(ann);
    await w.core.borrowings.extend(await actor(ann), borrowing.id, { expected_return_date: '2026-03-18' });
    await payAll(ann.id);
    await w.core.borrowings.extend(await actor(ann), borrowing.id, { expected_return_date: '2026-03-19' });
    await payAll(ann.id);
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(
      /^🔁 Extend “Dune”\nThis loan was renewed twice already, the most allowed\. Please return it by its due date\./,
    );
  });

  it('says why not: overdue — please return it', async () => {
    await loan(ann);
    w.clock.advanceDays(8);
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(
      /^🔁 Extend “Dune”\nThis loan is overdue \(it was due on 2026-03-17\), so it cannot be extended — please return it\./,
    );
  });

  it('says why not: pay what you owe first (the Pay button is right there)', async () => {
    await loan(ann, '2026-03-17', false);
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(
      /^🔁 Extend “Dune”\nPlease pay what you owe first: a loan cannot be extended while a payment is unpaid\./,
    );
    expect(labels(ann.id)).toContain('💳 Pay 7.00 USD — Dune');
  });

  it('says why not: the loan already runs as long as a loan may from today', async () => {
    await loan(ann, '2026-04-09');
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).text).toMatch(
      /^🔁 Extend “Dune”\nIt already runs to 2026-04-09, the longest a loan may run from today\./,
    );
  });
});

describe('Extend on the due-soon reminder', () => {
  it('carries Extend when nobody waits; it runs the conversation in that message', async () => {
    const { borrowing } = await loan(ann);
    w.clock.advanceDays(5);
    await w.core.notices.dueSoonReminders(SYSTEM_ACTOR);
    await dispatch();
    const notice = w.last(ann.id);
    expect(notice.text).toContain('Reminder: “Dune” is due back in 2 days (2026-03-17).');
    expect(w.buttons(notice)).toEqual([{ text: '🔁 Extend', callback_data: `ext:${borrowing.id}` }]);
    await w.press(ann.id, '🔁 Extend');
    expect(w.last(ann.id).message_id).toBe(notice.message_id);
    // Today is 2026-03-15: at most 30 days from today.
    expect(w.last(ann.id).text).toContain('Due back now: 2026-03-17. Daily fee: 1.00 USD. Until when? (at most 2026-04-14)');
    await w.press(ann.id, '+3 days · 2026-03-20');
    await w.press(ann.id, '✅ Extend');
    expect(w.last(ann.id).text).toContain('✅ “Dune” is now due back on 2026-03-20. Extra rent: 3.00 USD.');
    expect((await w.core.borrowings.get(await actor(ann), borrowing.id)).expected_return_date).toBe('2026-03-20');
    expectEachPressAnsweredOnce();
  });

  it('has no Extend when readers wait; pressed after someone joined meanwhile, says why not with My books', async () => {
    const { book, borrowing } = await loan(ann);
    w.clock.advanceDays(5);
    await w.core.notices.dueSoonReminders(SYSTEM_ACTOR);
    await dispatch();
    const notice = w.last(ann.id);
    await w.send(bob, '/start');
    await w.core.holds.place(await actor(bob), { book_id: book.id });
    w.tg.api.pressButton({ chatId: ann.id, messageId: notice.message_id, data: `ext:${borrowing.id}` });
    await w.drain();
    const edited = w.tg.api.transcript(ann.id).find((m) => m.message_id === notice.message_id)!;
    expect(edited.text).toBe(
      '🔁 Extend “Dune”\n1 reader is waiting for this book, so the loan cannot be extended. Please return it by its due date.',
    );
    expect(w.buttons(edited).map((b) => b.text)).toEqual(['📖 My books']);

    // A reminder queued while a reader waits says so and offers no Extend.
    const other = await loan(olena, '2026-03-17');
    await w.core.holds.place(await actor(bob), { book_id: other.book.id });
    w.clock.advanceDays(1);
    await w.core.notices.dueSoonReminders(SYSTEM_ACTOR);
    await dispatch();
    const waiting = w.last(olena.id);
    expect(waiting.text).toContain('👥');
    expect(w.buttons(waiting)).toEqual([]);
  });
});

describe('the dates offered', () => {
  it("are after the due date, at most the window's end, which is always offered", () => {
    expect(extensionDates({ expected_return_date: '2026-03-17', min: '2026-03-18', max: '2026-04-09' })).toEqual([
      '2026-03-18',
      '2026-03-20',
      '2026-03-24',
      '2026-03-31',
      '2026-04-09',
    ]);
    expect(extensionDates({ expected_return_date: '2026-04-08', min: '2026-04-09', max: '2026-04-09' })).toEqual(['2026-04-09']);
    expect(extensionDates({ expected_return_date: '2026-04-01', min: '2026-04-02', max: '2026-04-04' })).toEqual([
      '2026-04-02',
      '2026-04-04',
    ]);
  });
});
