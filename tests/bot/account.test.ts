// Linking a REST account by deep link, languages, and the error boundary.

import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { BotContext } from '../../bot/context.js';
import type { BotDeps } from '../../bot/deps.js';
import { resolveReader } from '../../bot/reader.js';
import { addBooks, ann, bob, olena, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels } = readerSteps(w);

describe('linking a REST account with /start <code>', () => {
  it('links the account and shows its loans', async () => {
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Emma', author: 'Jane Austen' }));
    const user = await w.core.users.register({
      email: 'ann@example.test',
      password: 'long enough pw',
      first_name: 'Ann',
      last_name: 'Rest',
    });
    await w.core.borrowings.borrow(
      { userId: user.id, isStaff: false },
      { book_id: book!.id, expected_return_date: '2026-03-20' },
    );
    await w.send(ann, '/start'); // first contact made a Telegram-only reader…
    const { code } = await w.core.users.createLinkCode(
      { userId: user.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`); // …which the linked account now replaces, once Ann says so
    await w.press(ann.id, '✅ Link');
    expect(w.last(ann.id).text).toContain(
      'Your Telegram is now linked to the library account ann@example.test. Welcome, Ann Rest!',
    );
    expect((await w.core.users.findByTelegramId(ann.id))!.id).toBe(user.id);
    await w.press(ann.id, '📖 My books');
    expect(w.last(ann.id).text).toContain('1. Emma — due 2026-03-20');

    await w.send(bob, `/start ${code}`);
    expect(w.tg.api.transcript(bob.id).filter((m) => m.from === 'bot')[0]!.text).toBe(
      'This link has expired or was already used. Make a new one in the app and open it again.',
    );
    expect((await w.core.users.findByTelegramId(bob.id))!.id).not.toBe(user.id);
  });

  it('refuses an expired code', async () => {
    const user = await w.core.users.register({
      email: 'late@example.test',
      password: 'long enough pw',
      first_name: 'L',
      last_name: 'T',
    });
    const { code } = await w.core.users.createLinkCode(
      { userId: user.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    w.clock.advance(11 * 60 * 1000);
    await w.send(ann, `/start ${code}`);
    expect(w.tg.api.transcript(ann.id).some((m) => m.text.startsWith('This link has expired or was already used.'))).toBe(true);
    expect((await w.core.users.findByTelegramId(ann.id))!.id).not.toBe(user.id);
  });
});

describe('languages', () => {
  it('switches to Ukrainian, stores it on the user, and uses it for every later text', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 3 }));
    await w.send(ann, '/start');
    await w.press(ann.id, '🌐 Language');
    expect(w.last(ann.id).text).toBe('Choose your language (now: English).');
    await w.press(ann.id, 'Українська');
    expect(w.last(ann.id).text).toBe('✅ Тепер мова — українська.\n\nЩо бажаєте зробити?');
    expect(labels(ann.id)).toEqual(['📚 Каталог', '📖 Мої книжки', '⏳ Мої черги', '🌐 Мова', '❓ Довідка']);
    expect((await w.core.users.findByTelegramId(ann.id))!.language).toBe('uk');

    await w.press(ann.id, '📚 Каталог');
    await w.press(ann.id, 'Dune · Frank Herbert');
    expect(w.last(ann.id).text).toContain('Доступно: 3 примірники');
    await w.press(ann.id, '📥 Позичити');
    expect(labels(ann.id)).toEqual(['3 дні', '7 днів', '14 днів', '30 днів', '✖ Скасувати']);
    await w.send(ann, '/help');
    expect(w.last(ann.id).text).toContain('Як працює бібліотека');

    await w.send(ann, '/language');
    await w.press(ann.id, 'English');
    expect(w.last(ann.id).text).toContain('The language is now English.');
    expect((await w.core.users.findByTelegramId(ann.id))!.language).toBe('en');
  });

  it('redraws an older menu in the new language instead of acting on it', async () => {
    await w.send(ann, '/start');
    const old = w.last(ann.id);
    await w.send(ann, '/language');
    await w.press(ann.id, 'Українська');
    const button = w.buttons(old).find((b) => b.text === '📖 My books')!;
    w.tg.api.pressButton({
      chatId: ann.id,
      messageId: old.message_id,
      data: 'callback_data' in button ? button.callback_data : '',
    });
    await w.drain();
    expect(w.tg.api.callbacksAnswered.at(-1)?.text).toBe('Це меню застаріло — ось оновлене.');
    const redrawn = w.tg.api.transcript(ann.id).find((m) => m.message_id === old.message_id)!;
    expect(redrawn.text).toBe('Що бажаєте зробити?');
    expect(w.buttons(redrawn).map((b) => b.text)).toEqual([
      '📚 Каталог',
      '📖 Мої книжки',
      '⏳ Мої черги',
      '🌐 Мова',
      '❓ Довідка',
    ]);
  });

  it('greets a reader whose Telegram is in Ukrainian in Ukrainian', async () => {
    await w.send(olena, '/start');
    expect(w.last(olena.id).text).toContain('Вітаю, Олена!');
    expect((await w.core.users.findByTelegramId(olena.id))!.language).toBe('uk');
  });
});

describe('the error boundary', () => {
  it('answers politely in the reader language, logs with context, and never shows a stack', async () => {
    await w.send(olena, '/start');
    // The database breaks under the bot (and is mended after: PostgreSQL worlds reuse their schema).
    await sql`ALTER TABLE books RENAME TO books_gone`.execute(w.db);
    try {
      await w.send(olena, 'anything');
    } finally {
      await sql`ALTER TABLE books_gone RENAME TO books`.execute(w.db);
    }
    const answer = w.last(olena.id).text;
    expect(answer).toBe('Щось пішло не так, спробуйте ще раз.');
    const logged = w.errors();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'bot: update failed', chat_id: olena.id, user_id: olena.id, kind: 'message' });
    expect(answer).not.toMatch(/sqlite|postgres|relation|error:|at /i);
  });

  it('answers a button press exactly once, whether its handler failed before answering or after', async () => {
    const answers = () => w.tg.api.calls.filter((c) => c.method === 'answerCallbackQuery').length;
    await addBooks(w.core, 12);
    await w.send(ann, 'book');
    // After: the menu has answered the press when its edit fails.
    w.tg.api.failNext('editMessageText', 1, { status: 400, description: 'Bad Request: MESSAGE_TOO_LONG' });
    let before = answers();
    await w.press(ann.id, 'Next ▶');
    expect(answers()).toBe(before + 1);
    expect(w.last(ann.id).text).toBe('Something went wrong, please try again.');
    // Before: the search under the menu breaks while its buttons are being looked up.
    await w.send(ann, 'book');
    await sql`ALTER TABLE books RENAME TO books_gone`.execute(w.db);
    before = answers();
    try {
      await w.press(ann.id, 'Next ▶');
    } finally {
      await sql`ALTER TABLE books_gone RENAME TO books`.execute(w.db);
    }
    expect(answers()).toBe(before + 1);
    expect(w.last(ann.id).text).toBe('Something went wrong, please try again.');
    expect(w.errors()).toEqual([
      expect.objectContaining({ msg: 'bot: update failed', kind: 'callback_query' }),
      expect.objectContaining({ msg: 'bot: update failed', kind: 'callback_query' }),
    ]);
  });
});

describe('the reader the bot holds', () => {
  it("is core's public user — no password hash, no token epoch, is_staff a boolean — in a private chat and in a group", async () => {
    const user = await w.core.users.register({
      email: 'ann@example.test',
      password: 'long enough pw',
      first_name: 'Ann',
      last_name: 'Rest',
    });
    const { code } = await w.core.users.createLinkCode(
      { userId: user.id, isStaff: false },
      { current_password: 'long enough pw' },
    );
    await w.send(ann, `/start ${code}`);
    await w.press(ann.id, '✅ Link');
    const resolve = resolveReader({ core: w.core } as BotDeps);
    for (const chat of [
      { id: ann.id, type: 'private' },
      { id: -100, type: 'supergroup' },
    ]) {
      const ctx = { from: { id: ann.id, is_bot: false, first_name: 'Ann' }, chat } as unknown as BotContext;
      await resolve(ctx, async () => undefined);
      expect(ctx.reader).toEqual({
        id: user.id,
        email: 'ann@example.test',
        first_name: 'Ann',
        last_name: 'Rest',
        is_staff: false,
        language: 'en',
        telegram_linked: true,
        telegram: { username: null, first_name: 'Ann' },
      });
    }
  });
});
