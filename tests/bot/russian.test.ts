// The bot's third language: a reader whose Telegram speaks Russian (or Belarusian) is greeted in
// Russian on first contact, /language offers Русский, and from then on menus, cards, counts, the
// command menu and notices are Russian.
import { describe, expect, it } from 'vitest';
import { setCommands } from '../../bot/index.js';
import { createRenderer } from '../../bot/notice-renderer.js';
import { languageOf } from '../../i18n/index.js';
import { addBooks, ann, readerSteps, useBotWorld } from '../helpers/bot.js';

const { world: w } = useBotWorld();
const { labels } = readerSteps(w);

const dmitry = { id: 1031, first_name: 'Дмитрий', username: 'dmitry', language_code: 'ru' };

describe('Telegram language_code on first contact', () => {
  it('greets a reader whose Telegram is in Russian in Russian, and keeps Russian as their language', async () => {
    await w.send(dmitry, '/start');
    expect(w.last(dmitry.id).text).toContain('Здравствуйте, Дмитрий! 👋 Это библиотека');
    expect(labels(dmitry.id)).toEqual(['📚 Каталог', '📖 Мои книги', '⏳ Мои очереди', '🌐 Язык', '❓ Помощь']);
    expect((await w.core.users.findByTelegramId(dmitry.id))!.language).toBe('ru');
  });

  it('reads the primary subtag: ru-RU and Belarusian are Russian, uk-UA Ukrainian, anything else English', async () => {
    const cases: [code: string | undefined, language: string][] = [
      ['ru-RU', 'ru'],
      ['be', 'ru'],
      ['uk-UA', 'uk'],
      ['en-GB', 'en'],
      ['de', 'en'],
      ['rus', 'en'],
      [undefined, 'en'],
    ];
    for (const [i, [code, language]] of cases.entries()) {
      const { user } = await w.core.users.ensureTelegramUser({ id: 1040 + i, first_name: 'Reader', language_code: code });
      expect(user.language, String(code)).toBe(language);
    }
    // A stored language and a code that only looks like an object's key come out as ours.
    expect(['ru', 'uk', 'en', 'RU', '__proto__', 'constructor', ''].map(languageOf)).toEqual([
      'ru',
      'uk',
      'en',
      'ru',
      'en',
      'en',
      'en',
    ]);
  });
});

describe('/language', () => {
  it('offers Русский; the choice is stored and every later text is Russian, counts included', async () => {
    await addBooks(w.core, 1, () => ({ title: 'Dune', author: 'Frank Herbert', inventory: 3 }));
    await w.send(ann, '/language');
    expect(labels(ann.id)).toEqual(['English', 'Українська', 'Русский', '« Main menu']);
    await w.press(ann.id, 'Русский');
    expect(w.last(ann.id).text).toBe('✅ Теперь язык — русский.\n\nЧто вы хотите сделать?');
    expect((await w.core.users.findByTelegramId(ann.id))!.language).toBe('ru');

    await w.press(ann.id, '📚 Каталог');
    await w.press(ann.id, 'Dune · Frank Herbert');
    expect(w.last(ann.id).text).toContain('В наличии: 3 экземпляра');
    await w.press(ann.id, '📥 Взять');
    expect(labels(ann.id)).toEqual(['3 дня', '7 дней', '14 дней', '30 дней', '✖ Отменить']);
    await w.press(ann.id, '7 дней');
    expect(w.last(ann.id).text).toMatch(/^📥 «Dune» на 7 дней, до \d{4}-\d{2}-\d{2}\.\nАренда: 7\.00 USD\. Взять книгу\?$/);

    await w.send(ann, '/language');
    expect(w.last(ann.id).text).toBe('Выберите язык (сейчас: Русский).');
    await w.press(ann.id, 'English');
    expect((await w.core.users.findByTelegramId(ann.id))!.language).toBe('en');
  });
});

describe('the command menu', () => {
  it('is set in Russian for Russian-speaking private chats', async () => {
    await setCommands(w.bot, undefined);
    const ru = w.tg.api.commands({ type: 'all_private_chats' }, 'ru');
    expect(ru.map((c) => c.command)).toEqual(w.tg.api.commands({ type: 'all_private_chats' }).map((c) => c.command));
    expect(ru[0]!.description).toBe('Главное меню');
    expect(ru.find((c) => c.command === 'mybooks')!.description).toBe('Мои книги: вернуть, продлить и оплатить');
  });
});

describe('notices', () => {
  it("speak a Russian reader's language, with the count's plural form", () => {
    const r = createRenderer();
    const dueIn = (days_left: number) =>
      r.render({
        kind: 'reader.due_soon',
        language: 'ru',
        payload: { book_title: 'Dune', expected_return_date: '2026-03-12', days_left },
      }).text;
    expect(dueIn(1)).toContain('«Dune» нужно вернуть <b>завтра</b> (2026-03-12)');
    expect(dueIn(3)).toContain('нужно вернуть через <b>3 дня</b>');
    expect(dueIn(5)).toContain('нужно вернуть через <b>5 дней</b>');
    expect(dueIn(21)).toContain('нужно вернуть через <b>21 день</b>');
  });
});
