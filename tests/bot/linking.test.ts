// SPEC §10: /start <code> asks before linking — the account's masked email and what would move —
// and links only on "Link"; a merge never leaves a reader above MAX_ACTIVE_LOANS; a reader keeps
// the language they use in Telegram. Through the fake Bot API with the real grammY client.
import { describe, expect, it } from 'vitest';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { dispatchOutbox } from '../../jobs/dispatcher.js';
import { silentLogger } from '../../logger.js';
import { addBooks, ann, type BotWorld, olena, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();

const buttonsOf = (world: BotWorld, chatId: number) => world.buttons(world.last(chatId));
const readerOf = async (tgId: number) => (await w.core.users.findByTelegramId(tgId))!;

/** n active loans for a user, their rent paid (an unpaid rent would block the next loan). */
async function lend(userId: number, n: number) {
  const books = await addBooks(w.core, n, (i) => ({ title: `Loan ${userId}-${i}` }));
  for (const b of books) {
    await w.core.borrowings.borrow({ userId, isStaff: false }, { book_id: b.id, expected_return_date: '2026-03-20' });
    await w.db
      .updateTable('payments')
      .set({ status: 'PAID', paid_at: w.clock.now().toISOString() })
      .where('user_id', '=', userId)
      .execute();
  }
}

async function restAccount(email: string) {
  return w.core.users.register({ email, password: 'long enough pw', first_name: 'Olga', last_name: 'Owner' });
}

describe('/start <code> asks before linking', () => {
  it('shows the masked email and what would move, with Link and Cancel, and changes nothing yet', async () => {
    await w.send(ann, '/start');
    const own = await readerOf(ann.id);
    await lend(own.id, 2);
    const owner = await restAccount('olga@example.test');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );

    await w.send(ann, `/start ${code}`);
    const question = w.last(ann.id);
    expect(question.text).toBe(
      '🔗 Link this Telegram to the library account o•••@example.test?\n\n' +
        'Your 2 loans and 2 payments kept here will move to that account.\n\n' +
        'Press Link only if this account is your own.',
    );
    expect(question.text).not.toContain('olga@');
    const buttons = buttonsOf(w, ann.id);
    expect(buttons.map((b) => b.text)).toEqual(['✅ Link', '✖ Cancel']);
    for (const b of buttons) expect(Buffer.byteLength('callback_data' in b ? b.callback_data! : '')).toBeLessThanOrEqual(64);

    // Nothing is linked or moved by opening the link.
    expect((await readerOf(ann.id)).id).toBe(own.id);
    const loans = await w.db.selectFrom('borrowings').select('user_id').where('user_id', '=', own.id).execute();
    expect(loans).toHaveLength(2);
    expect((await w.core.users.get(SYSTEM_ACTOR, owner.id)).telegram_linked).toBe(false);
  });

  it('says nothing about moving when the Telegram-only account holds nothing', async () => {
    await w.send(ann, '/start');
    const owner = await restAccount('olga@example.test');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    expect(w.last(ann.id).text).toBe(
      '🔗 Link this Telegram to the library account o•••@example.test?\n\nPress Link only if this account is your own.',
    );
  });

  it('Cancel leaves everything as it was, and the code still works afterwards', async () => {
    await w.send(ann, '/start');
    const own = await readerOf(ann.id);
    await lend(own.id, 1);
    const owner = await restAccount('olga@example.test');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    await w.press(ann.id, '✖ Cancel');
    expect(w.last(ann.id).text).toBe('Linking cancelled: nothing changed.\n\nWhat would you like to do?');
    expect((await readerOf(ann.id)).id).toBe(own.id);
    expect((await w.core.users.get(SYSTEM_ACTOR, owner.id)).telegram_linked).toBe(false);

    await w.send(ann, `/start ${code}`);
    await w.press(ann.id, '✅ Link');
    expect(w.last(ann.id).text).toContain(
      '✅ Your Telegram is now linked to the library account olga@example.test. Welcome, Olga Owner!',
    );
    expect((await readerOf(ann.id)).id).toBe(owner.id);
    // The Telegram-only account's loans and payments moved, and the empty account is gone.
    expect(await w.db.selectFrom('borrowings').select('id').where('user_id', '=', owner.id).execute()).toHaveLength(1);
    expect(await w.db.selectFrom('payments').select('id').where('user_id', '=', owner.id).execute()).toHaveLength(1);
    expect(await w.db.selectFrom('users').select('id').where('id', '=', own.id).executeTakeFirst()).toBeUndefined();
  });

  it('answers every button press exactly once and an old question after the code was used says so', async () => {
    await w.send(ann, '/start');
    const owner = await restAccount('olga@example.test');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    const first = w.last(ann.id);
    await w.send(ann, `/start ${code}`); // asked twice: two questions on screen
    await w.press(ann.id, '✅ Link');
    // The older question's Link: the code is used up.
    const link = w.buttons(first).find((b) => b.text === '✅ Link')!;
    w.tg.api.pressButton({
      chatId: ann.id,
      messageId: first.message_id,
      data: 'callback_data' in link ? link.callback_data! : '',
    });
    await w.drain();
    const old = w.tg.api.transcript(ann.id).find((m) => m.message_id === first.message_id)!;
    expect(old.text).toBe('This link has expired or was already used. Make a new one in the app and open it again.');
    const answers = w.tg.api.callbacksAnswered.filter((a) => a.chatId === ann.id);
    expect(answers).toHaveLength(2);
    expect(new Set(answers.map((a) => a.id)).size).toBe(2);
    expect(w.errors()).toEqual([]);
  });
});

describe('A merge never leaves a reader above MAX_ACTIVE_LOANS', () => {
  it('refuses when the loans together would exceed the limit (3 + 3 would be 6), says why, and moves nothing', async () => {
    await w.send(ann, '/start');
    const own = await readerOf(ann.id);
    await lend(own.id, 3);
    const owner = await restAccount('olga@example.test');
    await lend(owner.id, 3);
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    const said = w.tg.api
      .transcript(ann.id)
      .filter((m) => m.from === 'bot')
      .map((m) => m.text);
    expect(said).toContain(
      'This account cannot be linked: books on loan here: 3, in the account: 3 — together more than the 3 allowed at once. Return some books first, then open the link again.',
    );
    expect(buttonsOf(w, ann.id).map((b) => b.text)).not.toContain('✅ Link');
    expect((await readerOf(ann.id)).id).toBe(own.id);
    expect(
      await w.db
        .selectFrom('borrowings')
        .select('id')
        .where('user_id', '=', own.id)
        .where('actual_return_date', 'is', null)
        .execute(),
    ).toHaveLength(3);
  });

  it('checks again on Link: a loan taken while the question was on screen makes it refuse, and nothing changes', async () => {
    await w.send(ann, '/start');
    const own = await readerOf(ann.id);
    await lend(own.id, 1);
    const owner = await restAccount('olga@example.test');
    await lend(owner.id, 2);
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    expect(buttonsOf(w, ann.id).map((b) => b.text)).toEqual(['✅ Link', '✖ Cancel']);
    await lend(owner.id, 1); // the account borrows a third book meanwhile
    await w.press(ann.id, '✅ Link');
    expect(w.last(ann.id).text).toBe(
      'This account cannot be linked: books on loan here: 1, in the account: 3 — together more than the 3 allowed at once. Return some books first, then open the link again.',
    );
    expect((await readerOf(ann.id)).id).toBe(own.id);
    expect(await w.db.selectFrom('borrowings').select('id').where('user_id', '=', owner.id).execute()).toHaveLength(3);
    const row = await w.db.selectFrom('telegram_link_codes').select('used_at').where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
  });
});

describe('A linked reader keeps the language they use in Telegram', () => {
  it('a Ukrainian reader is asked, greeted and kept in Ukrainian after linking an English account', async () => {
    await w.send(olena, '/start');
    const owner = await restAccount('olena@example.test');
    expect((await w.core.users.get(SYSTEM_ACTOR, owner.id)).language).toBe('en');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(olena, `/start ${code}`);
    expect(w.last(olena.id).text).toContain("🔗 Пов'язати цей Telegram з обліковим записом бібліотеки o•••@example.test?");
    await w.press(olena.id, "✅ Пов'язати");
    expect(w.last(olena.id).text).toContain("✅ Ваш Telegram тепер пов'язано з обліковим записом бібліотеки olena@example.test.");
    expect((await readerOf(olena.id)).id).toBe(owner.id);
    expect((await w.core.users.get(SYSTEM_ACTOR, owner.id)).language).toBe('uk');
    await w.send(olena, '/help');
    expect(w.last(olena.id).text).toContain('Як працює бібліотека');
  });

  it('a reader whose Telegram is in English but who chose Ukrainian stays Ukrainian after linking (issue 13, item 4)', async () => {
    await w.send(ann, '/language');
    await w.press(ann.id, 'Українська');
    expect((await readerOf(ann.id)).language).toBe('uk');
    const owner = await restAccount('ann@example.test');
    const { code } = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    expect(w.last(ann.id).text).toContain("🔗 Пов'язати цей Telegram");
    await w.press(ann.id, "✅ Пов'язати");
    expect(w.last(ann.id).text).toContain("✅ Ваш Telegram тепер пов'язано з обліковим записом бібліотеки ann@example.test.");
    expect((await readerOf(ann.id)).id).toBe(owner.id);
    expect((await w.core.users.get(SYSTEM_ACTOR, owner.id)).language).toBe('uk');
    // The next update (Telegram still says "en") answers in Ukrainian too.
    await w.send(ann, '/help');
    expect(w.last(ann.id).text).toContain('Як працює бібліотека');
  });
});

describe('A link that replaces an earlier Telegram tells the earlier chat', () => {
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

  it("the account's former chat gets a message naming the new Telegram; unlinking over REST tells the chat as well", async () => {
    const owner = await restAccount('olga@example.test');
    await w.send(ann, '/start');
    const first = await w.core.users.createLinkCode({ userId: owner.id, isStaff: false }, { current_password: 'long enough pw' });
    await w.send(ann, `/start ${first.code}`);
    await w.press(ann.id, '✅ Link');
    // Someone else's Telegram takes the account over with a new code.
    await w.send(olena, '/start');
    const second = await w.core.users.createLinkCode(
      { userId: owner.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(olena, `/start ${second.code}`);
    await w.press(olena.id, "✅ Пов'язати");
    await dispatch();
    expect(w.last(ann.id).text).toBe(
      '🔗 Your library account o•••@example.test has just been linked to another Telegram: Олена (@olena). ' +
        "This chat no longer gets the account's notices.\n" +
        "If this was not you, change the account's password now (that ends every session), then link this Telegram again.",
    );
    // Olena unlinks it again: her chat is told, in her language.
    await w.core.users.unlinkTelegram({ userId: owner.id, isStaff: false });
    await dispatch();
    expect(w.last(olena.id).text).toContain(
      "🔗 Цей Telegram від'єднано від вашого облікового запису бібліотеки o•••@example.test.",
    );
    expect(w.errors()).toEqual([]);
  });
});
