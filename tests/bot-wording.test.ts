// Wording (issue 13, item 5): counts through Fluent's plural rules in both languages, one word
// for one thing in Ukrainian, and a staff command the bot does not know is said to be unknown.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../i18n/index.js';
import { addBooks, librarian, linkStaff, STAFF_CHAT_ID, staffChat, useBotWorld } from './helpers/bot.js';

const root = path.resolve(import.meta.dirname, '..');
const catalogue = (lang: string) =>
  fs.readdirSync(path.join(root, 'i18n/locales', lang)).map((f) => fs.readFileSync(path.join(root, 'i18n/locales', lang, f), 'utf8')).join('\n');

describe('counts use plural forms', () => {
  const cases: [key: string, vars: Record<string, string | number>, count: string, forms: Record<string, Record<number, string>>][] = [
    ['admin-inventory-set', { id: '1', title: 'Dune' }, 'copies', { en: { 1: 'now has 1 copy on', 3: 'now has 3 copies on' }, uk: { 1: '1 примірник.', 3: '3 примірники.', 5: '5 примірників.' } }],
    ['addbook-done', { id: '1', title: 'Dune', author: 'F', fee: '1.00' }, 'copies', { en: { 1: '— 1 copy,', 2: '— 2 copies,' }, uk: { 1: '— 1 примірник,', 2: '— 2 примірники,', 11: '— 11 примірників,' } }],
    ['admin-find-book', { id: '1', title: 'Dune', author: 'F', fee: '1.00' }, 'copies', { en: { 1: '1 copy on the shelf', 7: '7 copies on the shelf' }, uk: { 1: 'на полиці 1 примірник', 22: 'на полиці 22 примірники', 25: 'на полиці 25 примірників' } }],
    ['error-loan-limit-reached', {}, 'limit', { en: { 1: 'You already hold 1 book, the most at once', 3: 'You already hold 3 books, the most at once' }, uk: { 1: 'уже 1 книжка', 3: 'уже 3 книжки', 5: 'уже 5 книжок' } }],
    ['admin-loan-overdue', { date: '2026-03-01' }, 'days', { en: { 1: '1 day late', 2: '2 days late' }, uk: { 1: 'на 1 день', 2: 'на 2 дні', 5: 'на 5 днів' } }],
  ];
  for (const [key, vars, count, forms] of cases) {
    it(`${key} in English and Ukrainian`, () => {
      for (const [lang, byCount] of Object.entries(forms)) {
        for (const [n, expected] of Object.entries(byCount)) expect(t(lang, key, { ...vars, [count]: Number(n) }), `${lang} ${n}`).toContain(expected);
      }
    });
  }
});

describe('Ukrainian says one thing one way', () => {
  it('«Оплатити» for paying and «позичили» for borrowing, everywhere', () => {
    const uk = catalogue('uk');
    expect(uk).not.toMatch(/[Сс]плат/);
    expect(uk).not.toMatch(/\bвзяли\b/);
    expect(uk).not.toMatch(/\bКниг[аиу]\b/);
    expect(t('uk', 'notify-pay-button', { amount: '1.00' })).toBe('💳 Оплатити 1.00 USD');
    expect(t('uk', 'borrow-pay-button', { rent: '1.00' })).toBe('💳 Оплатити 1.00 USD');
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
