// Every text the bot uses exists in English and Ukrainian, and the texts are valid HTML for Telegram.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_SUBCOMMANDS } from '../../bot/features/admin/index.js';
import { READER_COMMANDS } from '../../bot/index.js';
import { t } from '../../i18n/index.js';
import { parseTelegramHtml } from '../../sandbox/telegram/fake-bot-api.js';

const root = path.resolve(import.meta.dirname, '../..');
const keysOf = (file: string) =>
  new Set([...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^([a-z][a-z0-9-]*)\s*=/gm)].map((m) => m[1]!));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : sources(p);
    return p.endsWith('.ts') ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

describe('bot texts', () => {
  const en = keysOf('i18n/locales/en/bot.ftl');
  const files = fs.readdirSync(path.join(root, 'i18n/locales/en'));

  it('has the same keys in English and Ukrainian, in every catalogue file', () => {
    expect(files.slice().sort()).toEqual(fs.readdirSync(path.join(root, 'i18n/locales/uk')).sort());
    expect(files).toEqual(expect.arrayContaining(['bot.ftl', 'notifications.ftl']));
    for (const file of files) {
      const enKeys = keysOf(`i18n/locales/en/${file}`);
      const ukKeys = keysOf(`i18n/locales/uk/${file}`);
      expect(enKeys.size, file).toBeGreaterThan(10);
      expect(
        [...enKeys].filter((k) => !ukKeys.has(k)),
        file,
      ).toEqual([]);
      expect(
        [...ukKeys].filter((k) => !enKeys.has(k)),
        file,
      ).toEqual([]);
    }
    expect(en.size).toBeGreaterThan(100);
  });

  it('has a text for every key the code asks for', () => {
    const used = new Set<string>();
    for (const src of sources(path.join(root, 'bot'))) {
      for (const m of src.matchAll(/\b(?:t|tPlain|label)\(\s*(?:[a-z.]+,\s*)?'([a-z][a-z0-9-]*)'/g))
        if (m[1] !== 'en' && m[1] !== 'uk') used.add(m[1]!);
      for (const m of src.matchAll(
        /'((?:error|admin|addbook|borrow|mybooks|cover|payment|return|menu|catalogue|book|command|hold|holds|extend|queue|console|notify)-[a-z0-9-]+)'/g,
      ))
        used.add(m[1]!);
    }
    for (const c of READER_COMMANDS) used.add(`command-${c}`);
    for (const c of ADMIN_SUBCOMMANDS) used.add(`command-admin-${c}`);
    expect(used.size).toBeGreaterThan(80);
    const known = new Set(files.flatMap((f) => [...keysOf(`i18n/locales/en/${f}`)]));
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });

  it('renders every text as HTML Telegram accepts, in both languages', () => {
    const numeric = new Set([
      'days',
      'copies',
      'paid_count',
      'refunded_count',
      'loans',
      'payments',
      'readers',
      'rest',
      'more',
      'limit',
      'shelf',
      'out',
      'position',
      'left',
      'waiting',
      'renewals',
      'held',
      'ready',
      'max',
      'max_renewals',
      'holds',
      'count',
    ]);
    const names =
      'title author cover fee copies isbn days rent until max min limit payment message query page date amount status name email current id reader command borrowed returned active overdue paid_count paid_amount refunded_count refunded_amount max_days max_loans loans payments here there n due borrowingId book dueDate returnDate fine type total readers rest finePerDay fineSoFar more shelf out borrowed returned position left waiting renewals held ready max_holds pickup_hours max_renewals holds state since from previousDate count'.split(
        ' ',
      );
    const vars = Object.fromEntries(names.map((k) => [k, numeric.has(k) ? 2 : 'x']));
    for (const lang of ['en', 'uk']) {
      for (const key of files.flatMap((f) => [...keysOf(`i18n/locales/en/${f}`)])) {
        const text = t(lang, key, vars);
        expect(text, `${lang}:${key}`).not.toMatch(/\{[a-z$-]+\}/);
        expect(() => parseTelegramHtml(text), `${lang}:${key}`).not.toThrow();
      }
    }
  });
});
