// Pay buttons (issue 13, item 3): every Pay button — the borrow screen, My books, a notice — is the
// payment's pay link, which opens its live checkout, renewing the session first when it expired;
// and one event is one message in the reader's chat.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { createApiWorld, sessionIdOf } from '../helpers/api.js';
import { addBooks, ann, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w, recreate } = useBotWorld();
const { urlOf, borrowFromCard, payAll, openPayLink, readerId } = readerSteps(w);

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
const botMessages = (chatId: number) => w.tg.api.transcript(chatId).filter((m) => m.from === 'bot');

describe('one message per event in the reader’s chat', () => {
  it('a borrowing made in the chat is told by the borrow screen only; one made over REST by a notice', async () => {
    const [dune, emma] = await addBooks(w.core, 2, (i) => ({
      title: ['Dune', 'Emma'][i]!,
      author: ['Frank Herbert', 'Jane Austen'][i]!,
    }));
    await borrowFromCard('Dune', 'Frank Herbert');
    await dispatch();
    expect(botMessages(ann.id).filter((m) => /You borrowed/.test(m.text))).toHaveLength(1);
    expect(await w.db.selectFrom('outbox').select('kind').where('chat_id', '=', ann.id).execute()).toEqual([]);

    // The same reader borrowing over the REST API hears of it in Telegram.
    await payAll(ann.id);
    await w.core.borrowings.borrow(
      { userId: await readerId(ann.id), isStaff: false },
      { book_id: emma!.id, expected_return_date: '2026-03-12' },
    );
    await dispatch();
    const notices = botMessages(ann.id).filter((m) => /You borrowed/.test(m.text));
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toContain('You borrowed “Emma” by Jane Austen.');
    expect(dune).toBeDefined();
  });

  it('a late return in the chat shows its fine on the screen, with no second message about it', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert' }));
    await borrowFromCard('Dune', 'Frank Herbert', '3 days');
    await payAll(ann.id);
    await dispatch(); // "payment received"
    w.clock.advanceDays(5);
    await w.send(ann, '/mybooks');
    await w.press(ann.id, '↩ Return “Dune”');
    await w.press(ann.id, '✅ Yes, return it');
    const before = botMessages(ann.id).length;
    await dispatch();
    expect(botMessages(ann.id)).toHaveLength(before);
    expect(w.last(ann.id).text).toContain('a fine of 4.00 USD is due');
  });
});

describe('every Pay button is the same pay link', () => {
  it('on the borrow screen, in My books and on a notice; it opens the live checkout, renewing an expired one', async () => {
    const [, emma] = await addBooks(w.core, 2, (i) => ({ title: ['Dune', 'Emma'][i]!, author: 'A', daily_fee: '1.00' }));
    await borrowFromCard('Dune', 'A', '3 days');
    const onScreen = urlOf('💳 Pay 3.00 USD');
    await w.send(ann, '/mybooks');
    expect(urlOf('💳 Pay 3.00 USD — Dune')).toBe(onScreen);
    expect(await openPayLink(onScreen)).toMatch(/\/checkout\/cs_/);
    await payAll(ann.id);

    // A borrowing over REST: its notice carries the pay link too, the same one My books shows.
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: await readerId(ann.id), isStaff: false },
      { book_id: emma!.id, expected_return_date: '2026-03-12' },
    );
    await dispatch();
    const notice = botMessages(ann.id).at(-1)!;
    const link = await w.core.payments.links.urlFor(borrowing.payments[0]!.id);
    expect(w.buttons(notice)).toEqual([{ text: '💳 Pay 2.00 USD', url: link }]);
    await w.send(ann, '/mybooks');
    expect(urlOf('💳 Pay 2.00 USD — Emma')).toBe(link);

    // The session expires unpaid: the same button opens a new one.
    const payment = await w.db
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', borrowing.payments[0]!.id)
      .executeTakeFirstOrThrow();
    await w.stripe.api.expire(payment.session_id!);
    await w.core.payments.markExpired(payment.session_id!);
    const renewed = await openPayLink(link!);
    const row = await w.db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'PENDING', session_url: renewed });
    expect(row.session_id).not.toBe(payment.session_id);
  });

  it('a session past its expiry that the job has not seen yet is settled with Stripe first: paid stays paid, unpaid is renewed', async () => {
    await addBooks(w.core, 2, (i) => ({ title: ['Dune', 'Emma'][i]!, author: 'A' }));
    await borrowFromCard('Dune', 'A', '3 days');
    const link = urlOf('💳 Pay 3.00 USD');
    const first = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    w.clock.advanceDays(2); // 24 h later: the session is past its expiry, still PENDING here
    const opened = await openPayLink(link);
    const now = await w.db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(now.session_id).not.toBe(first.session_id);
    expect(opened).toBe(now.session_url);
    expect((await w.stripe.api.session(first.session_id!))?.status).toBe('expired');

    // Paid on Stripe but not yet known here (no webhook came), and past its expiry: the link finds out and says it is paid.
    await w.stripe.api.pay(now.session_id!);
    w.clock.advanceDays(2);
    expect(await openPayLink(link)).toBe('paid');
    expect((await w.db.selectFrom('payments').select('status').executeTakeFirstOrThrow()).status).toBe('PAID');
  });

  it('a link with a wrong signature, or for no payment, opens nothing', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'A' }));
    await borrowFromCard('Dune', 'A', '3 days');
    const token = /checkout\/([^/]+)\/$/.exec(urlOf('💳 Pay 3.00 USD')!)![1]!;
    const [id, sig] = token.split('.');
    for (const bad of [
      `${id}.${sig!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `${Number(id) + 1}.${sig}`,
      'nonsense',
      `${id}`,
    ]) {
      await expect(w.core.payments.checkoutByLink(bad), bad).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('without a public URL a Telegram client could open, Pay asks the bot for the live link instead', async () => {
    await recreate({ env: { PUBLIC_URL: '' } });
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'A' }));
    await borrowFromCard('Dune', 'A', '3 days');
    const pay = w.buttons(w.last(ann.id)).find((b) => b.text === '💳 Pay 3.00 USD')!;
    expect('callback_data' in pay && pay.callback_data).toMatch(/^pay:\d+$/);
    await w.press(ann.id, '💳 Pay 3.00 USD');
    expect(w.last(ann.id).text).toBe('💳 Here is your payment link for 3.00 USD.');
    expect(urlOf('💳 Pay 3.00 USD')).toMatch(/\/checkout\/cs_/);
  });
});

describe('GET /api/payments/checkout/{token}/', () => {
  it('redirects to the live checkout, shows "paid" once paid, and 404 for a bad token', async () => {
    const api = await createApiWorld({ env: { PUBLIC_URL: 'http://library.test' } });
    try {
      const reader = await api.user();
      const book = await api.book();
      const { borrowing, session_url } = await api.core.borrowings.borrow(
        { userId: reader.id, isStaff: false },
        { book_id: book.id, expected_return_date: api.day(2) },
      );
      const link = (await api.core.payments.links.urlFor(borrowing.payments[0]!.id))!;
      const path = new URL(link).pathname;
      const open = await api.req('GET', path);
      expect(open.status).toBe(303);
      expect(open.headers.get('location')).toBe(session_url);

      await api.stripe.api.pay(sessionIdOf(session_url!));
      await api.core.payments.confirmSession(sessionIdOf(session_url!));
      const paid = await api.req('GET', path);
      expect(paid.status).toBe(200);
      expect(paid.text).toContain('Payment received — thank you');

      const bad = await api.req('GET', path.replace(/\.[^./]+\/$/, '.AAAAAAAAAAAAAAAAAAAAAA/'));
      expect(bad.status).toBe(404);
      expect(bad.text).toContain('This payment link is not valid.');
      expect((await api.core.payments.get(SYSTEM_ACTOR, borrowing.payments[0]!.id)).status).toBe('PAID');
    } finally {
      await api.close();
    }
  });
});
