// Wording (issue 13, item 5): counts through Fluent's plural rules in every language, one word
// for one thing in Ukrainian and in Russian, and a staff command the bot does not know is said to be unknown.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../../i18n/index.js';
import { addBooks, ann, bob, librarian, linkStaff, readerSteps, STAFF_CHAT_ID, staffChat, useBotWorld } from '../helpers/bot.js';

const root = path.resolve(import.meta.dirname, '../..');
const catalogue = (lang: string) =>
  fs
    .readdirSync(path.join(root, 'i18n/locales', lang))
    .map((f) => fs.readFileSync(path.join(root, 'i18n/locales', lang, f), 'utf8'))
    .join('\n');
// A whole word: JavaScript's \b knows only ASCII letters, so /\bслово\b/ never matches Cyrillic.
const wholeWord = (w: string) => new RegExp(`(?<!\\p{L})(?:${w})(?!\\p{L})`, 'u');

describe('counts use plural forms', () => {
  const cases: [
    key: string,
    vars: Record<string, string | number>,
    count: string,
    forms: Record<string, Record<number, string>>,
  ][] = [
    [
      'admin-inventory-set',
      { id: '1', title: 'Dune' },
      'copies',
      {
        en: { 1: 'now has 1 copy on', 3: 'now has 3 copies on' },
        uk: { 1: '1 примірник.', 3: '3 примірники.', 5: '5 примірників.' },
        ru: { 1: 'теперь на полке 1 экземпляр.', 3: '3 экземпляра.', 5: '5 экземпляров.', 21: '21 экземпляр.' },
      },
    ],
    [
      'addbook-done',
      { id: '1', title: 'Dune', author: 'F', fee: '1.00' },
      'copies',
      {
        en: { 1: '— 1 copy,', 2: '— 2 copies,' },
        uk: { 1: '— 1 примірник,', 2: '— 2 примірники,', 11: '— 11 примірників,' },
        ru: { 1: '— 1 экземпляр,', 2: '— 2 экземпляра,', 11: '— 11 экземпляров,' },
      },
    ],
    [
      'admin-find-book',
      { id: '1', title: 'Dune', author: 'F', fee: '1.00' },
      'copies',
      {
        en: { 1: '1 copy on the shelf', 7: '7 copies on the shelf' },
        uk: { 1: 'на полиці 1 примірник', 22: 'на полиці 22 примірники', 25: 'на полиці 25 примірників' },
        ru: { 1: 'на полке 1 экземпляр', 22: 'на полке 22 экземпляра', 25: 'на полке 25 экземпляров' },
      },
    ],
    [
      'error-loan-limit-reached',
      {},
      'limit',
      {
        en: { 1: 'You already hold 1 book, the most at once', 3: 'You already hold 3 books, the most at once' },
        uk: { 1: 'уже 1 книжка', 3: 'уже 3 книжки', 5: 'уже 5 книжок' },
        ru: { 1: 'уже 1 книга', 3: 'уже 3 книги', 5: 'уже 5 книг', 21: 'уже 21 книга' },
      },
    ],
    [
      'admin-loan-overdue',
      { date: '2026-03-01' },
      'days',
      {
        en: { 1: '1 day late', 2: '2 days late' },
        uk: { 1: 'на 1 день', 2: 'на 2 дні', 5: 'на 5 днів' },
        ru: { 1: 'на 1 день', 2: 'на 2 дня', 5: 'на 5 дней', 11: 'на 11 дней' },
      },
    ],
  ];
  for (const [key, vars, count, forms] of cases) {
    it(`${key} in English, Ukrainian and Russian`, () => {
      for (const [lang, byCount] of Object.entries(forms)) {
        for (const [n, expected] of Object.entries(byCount))
          expect(t(lang, key, { ...vars, [count]: Number(n) }), `${lang} ${n}`).toContain(expected);
      }
    });
  }
});

describe('Ukrainian says one thing one way', () => {
  it('«Оплатити» for paying and «позичили» for borrowing, everywhere', () => {
    const uk = catalogue('uk');
    expect(uk).not.toMatch(/[Сс]плат/);
    expect(uk).not.toMatch(wholeWord('взяли'));
    expect(uk).not.toMatch(wholeWord('Книг[аиу]'));
    expect(t('uk', 'notify-pay-button', { amount: '1.00' })).toBe('💳 Оплатити 1.00 USD');
    expect(t('uk', 'borrow-pay-button', { rent: '1.00' })).toBe('💳 Оплатити 1.00 USD');
  });
});

describe('Russian says one thing one way', () => {
  const ru = catalogue('ru');

  it('«Оплатить» for paying, «взять» for borrowing, «продлить» for extending, «экземпляр» for a copy', () => {
    expect(ru).not.toMatch(wholeWord('[Пп]латить|[Зз]аплат\\p{L}*|[Уу]плат\\p{L}*|[Пп]огас\\p{L}*'));
    expect(ru).not.toMatch(/[Оо]долж|[Зз]аимств|[Аа]рендова/);
    expect(ru).not.toMatch(/[Пп]родолж|[Пп]ролонг/);
    expect(ru).not.toMatch(/[Кк]опи[яийюе]/);
    expect(ru).not.toMatch(/[Рр]езерв|[Вв]озмещ/);
    expect(t('ru', 'notify-pay-button', { amount: '1.00' })).toBe('💳 Оплатить 1.00 USD');
    expect(t('ru', 'borrow-pay-button', { rent: '1.00' })).toBe('💳 Оплатить 1.00 USD');
    expect(t('ru', 'mybooks-pay-button', { amount: '1.00', title: 'Dune' })).toBe('💳 Оплатить 1.00 USD — Dune');
    expect(t('ru', 'book-borrow')).toBe('📥 Взять');
    expect(t('ru', 'notify-hold-borrow-button')).toBe('📖 Взять');
    expect(t('ru', 'mybooks-extend-button')).toBe('🔁 Продлить');
    expect(t('ru', 'notify-extend-button')).toBe('🔁 Продлить');
  });

  it('writes ё, «ёлочки» and no Ukrainian letters', () => {
    expect(ru).not.toMatch(wholeWord('еще|Еще|платеж|учетн\\p{L}*|отмененн\\p{L}*|возвращенн\\p{L}*'));
    expect(ru).not.toMatch(/[“”„]/);
    expect(ru).not.toMatch(/[іїєґІЇЄҐ]/);
  });

  it("the catalogue's previous page is not the card's way back", () => {
    expect(t('ru', 'catalogue-prev')).toBe('◀ Предыдущая');
    expect(t('ru', 'menu-back')).toBe('« Назад');
  });
});

describe('an unknown staff command', () => {
  const { world: w } = useBotWorld();

  it('is named as unknown, followed by the commands there are', async () => {
    await linkStaff(w);
    await w.send(librarian, '/admin frobnicate', staffChat);
    const said = w.last(STAFF_CHAT_ID).text;
    expect(said).toMatch(/^I don't know the staff command “frobnicate”\. These are the ones I know:\n\nStaff commands\n/);
    expect(said).toContain('/admin stats');
  });

  it('a count in a staff answer is spelled right: "now has 1 copy"', async () => {
    await linkStaff(w);
    const [book] = await addBooks(w.core, 1, () => ({ title: 'Dune' }));
    await w.send(librarian, `/admin inventory ${book!.id} 1`, staffChat);
    expect(w.last(STAFF_CHAT_ID).text).toBe(`✅ Book #${book!.id} “Dune” now has 1 copy on the shelf.`);
  });
});

describe('staff wording in the console', () => {
  const { world: w } = useBotWorld();
  const { payAll, readerId } = readerSteps(w);
  const press = (label: string) => w.press(STAFF_CHAT_ID, label, librarian);
  const staffText = () => w.last(STAFF_CHAT_ID).text;

  async function loanOf(who: typeof ann, title: string, days: number, inventory = 2) {
    await w.send(who, '/start');
    const [book] = await addBooks(w.core, 1, () => ({ title, author: 'Frank Herbert', daily_fee: '1.00', inventory }));
    const due = new Date(Date.parse('2026-03-10T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: await readerId(who.id), isStaff: false },
      { book_id: book!.id, expected_return_date: due },
    );
    return { borrowing, book: book! };
  }

  it('the Return confirmation names the fine a late return would charge, in English and Ukrainian', async () => {
    await linkStaff(w);
    await loanOf(ann, 'Dune', 3);
    await payAll(ann.id);
    w.clock.advanceDays(5);
    await w.send(librarian, '/admin', staffChat);
    await press('⚠ Overdue');
    await press(w.buttons(w.last(STAFF_CHAT_ID))[0]!.text);
    await press('↩ Return');
    // 2 days late × 1.00 USD a day × FINE_MULTIPLIER 2.
    expect(staffText()).toContain('It is 2 days late: a fine of 4.00 USD will be charged.');
    expect(t('uk', 'console-return-late', { days: 2, fine: '4.00' })).toBe(
      'Прострочено на 2 дні: буде нараховано штраф <b>4.00 USD</b>.',
    );
  });

  it('a book card tells a copy set aside for a reader from one on the shelf', async () => {
    await linkStaff(w);
    const { borrowing, book } = await loanOf(ann, 'Dune', 3, 1);
    await w.send(bob, '/start');
    await w.core.holds.place({ userId: await readerId(bob.id), isStaff: false }, { book_id: book.id });
    await payAll(ann.id);
    await w.core.borrowings.returnBook({ userId: await readerId(ann.id), isStaff: false }, borrowing.id);
    await w.send(librarian, '/admin', staffChat);
    await press('🔎 Find a book');
    await w.send(librarian, 'dune', staffChat);
    await press(w.buttons(w.last(STAFF_CHAT_ID))[0]!.text);
    expect(staffText()).toContain('On the shelf: 0 · 1 set aside for a reader · on loan: 0');
    expect(staffText()).not.toContain('On the shelf: 1');
    expect(t('uk', 'console-book-copies-held', { shelf: 0, held: 1, out: 0 })).toBe(
      'На полиці: <b>0</b> · 1 відкладено для читача · на руках: 0',
    );
  });

  it('Stats count a payment refunded since under Refunded, not under Paid', async () => {
    await linkStaff(w);
    const { borrowing } = await loanOf(ann, 'Dune', 3);
    await payAll(ann.id);
    await w.core.payments.refund({ userId: 0, isStaff: true }, borrowing.payments[0]!.id);
    await w.send(librarian, '/admin', staffChat);
    await press('📊 Stats');
    expect(staffText()).toContain('Paid: 0 payments, 0.00 USD');
    expect(staffText()).toContain('Refunded: 1 payment, 3.00 USD');
  });
});

describe('Ukrainian tells its two "back" buttons apart', () => {
  it("the catalogue's previous page is not the card's way back", () => {
    const word = (key: string) =>
      t('uk', key)
        .replace(/[^\p{L}\s]/gu, '')
        .trim();
    expect(t('uk', 'catalogue-prev')).toBe('◀ Попередня');
    expect(word('catalogue-prev')).not.toBe(word('menu-back'));
    expect(t('uk', 'menu-back')).toBe('« Назад');
  });
});
