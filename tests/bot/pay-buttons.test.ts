// A Pay button goes once its payment is paid (issue 20, item 21): every message that carries it —
// a notice the dispatcher sent, the borrow and extend screens, My books — is recorded
// (db/pay-messages.ts), and paying queues outbox edits that drop the button through the same
// paced dispatcher. Through the fake Bot API with the real grammY client.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels, readerId, payAll, borrowFromCard } = readerSteps(w);

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
const message = (chatId: number, id: number) => w.tg.api.transcript(chatId).find((m) => m.message_id === id)!;
const labelsOf = (chatId: number, id: number) => w.buttons(message(chatId, id)).map((b) => b.text);
/** Every Pay button the reader's chat shows now, over all its messages. */
const payButtonsShown = (chatId: number) =>
  w.tg.api
    .transcript(chatId)
    .flatMap((m) => w.buttons(m))
    .filter((b) => b.text.startsWith('💳'));
const editRows = () => w.db.selectFrom('outbox').selectAll().where('kind', '=', 'edit.pay_button').orderBy('id').execute();

describe('paying drops the Pay button', () => {
  it('from the borrow screen; after an extension the chat shows one Pay button, the unpaid one', async () => {
    await w.send(ann, '/start');
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', daily_fee: '1.10' }));
    await borrowFromCard('Dune', 'Frank Herbert');
    const borrowScreen = w.last(ann.id);
    expect(labels(ann.id)).toEqual(['💳 Pay 7.70 USD', '📖 My books', '📚 Catalogue']);

    await payAll(ann.id);
    await dispatch();
    // The borrow screen keeps its text and its other buttons.
    expect(labelsOf(ann.id, borrowScreen.message_id)).toEqual(['📖 My books', '📚 Catalogue']);
    expect(message(ann.id, borrowScreen.message_id).text).toBe(borrowScreen.text);
    expect(payButtonsShown(ann.id)).toEqual([]);

    await w.send(ann, '/mybooks');
    await w.press(ann.id, '🔁 Extend');
    await w.press(ann.id, '+7 days · 2026-03-24');
    await w.press(ann.id, '✅ Extend');
    expect(labels(ann.id)).toEqual(['💳 Pay 7.70 USD', '📖 My books']);
    expect(payButtonsShown(ann.id)).toHaveLength(1);

    await payAll(ann.id);
    await dispatch();
    expect(payButtonsShown(ann.id)).toEqual([]);
    expect((await editRows()).map((r) => [r.sent_at !== null, r.failed_at])).toEqual([
      [true, null],
      [true, null],
    ]);
    expect(await w.db.selectFrom('pay_messages').selectAll().execute()).toEqual([]);
    expect(w.errors()).toEqual([]);
  });

  it('from a notice the dispatcher sent and from My books, wherever the reader paid', async () => {
    await w.send(ann, '/start');
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', daily_fee: '1.10' }));
    await w.core.borrowings.borrow(
      { userId: await readerId(ann.id), isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-17' },
    );
    await dispatch();
    const notice = w.last(ann.id);
    expect(labels(ann.id)).toEqual(['💳 Pay 7.70 USD']);
    await w.send(ann, '/mybooks');
    const myBooks = w.last(ann.id);
    expect(labels(ann.id)).toEqual(['↩ Return “Dune”', '🔁 Extend', '💳 Pay 7.70 USD — Dune', '🔄 Refresh', '« Main menu']);

    await payAll(ann.id);
    await dispatch();
    expect(labelsOf(ann.id, notice.message_id)).toEqual([]);
    expect(labelsOf(ann.id, myBooks.message_id)).toEqual(['↩ Return “Dune”', '🔁 Extend', '🔄 Refresh', '« Main menu']);
    expect(message(ann.id, myBooks.message_id).text).toBe(myBooks.text);
    // Paced like any message: two edits, each one call.
    expect(w.tg.api.calls.filter((c) => c.method === 'editMessageReplyMarkup').map((c) => c.ok)).toEqual([true, true]);
    expect(w.errors()).toEqual([]);
  });

  it('a message moved on meanwhile is left alone; a deleted one is no error', async () => {
    await w.send(ann, '/start');
    const books = await addBooks(w.core, 2, (i) => ({ title: i === 0 ? 'Dune' : 'Emma', author: 'A', daily_fee: '1.10' }));
    const actor = { userId: await readerId(ann.id), isStaff: false };
    await w.core.borrowings.borrow(actor, { book_id: books[0]!.id, expected_return_date: '2026-03-17' });
    await dispatch();
    const notice = w.last(ann.id);
    await w.send(ann, '/mybooks');
    const myBooks = w.last(ann.id);
    // The reader moves My books on to the main menu: that message shows no Pay button any more.
    await w.press(ann.id, '« Main menu');
    const mainMenu = labels(ann.id);
    await w.bot.api.deleteMessage(ann.id, notice.message_id);

    await payAll(ann.id);
    await dispatch();
    expect(labelsOf(ann.id, myBooks.message_id)).toEqual(mainMenu);
    const rows = await editRows();
    expect(rows).toHaveLength(1); // only the deleted notice was still known to carry the button
    expect(rows[0]).toMatchObject({ failed_at: null, last_error: null });
    expect(rows[0]!.sent_at).not.toBeNull();
    expect(await w.db.selectFrom('pay_messages').selectAll().execute()).toEqual([]);
    expect(w.errors()).toEqual([]);
  });
});
