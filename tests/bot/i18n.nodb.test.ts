// Every text the bot and the pages use exists in every language (i18n/languages.ts): each locale
// has English's files, message ids and placeholders, counts go through the language's plural forms,
// and the texts are valid HTML for Telegram. A string added in English only fails here.
import fs from 'node:fs';
import path from 'node:path';
import { FluentResource } from '@fluent/bundle';
import { describe, expect, it } from 'vitest';
import { ADMIN_SUBCOMMANDS } from '../../bot/features/admin/index.js';
import { READER_COMMANDS } from '../../bot/index.js';
import { LANGUAGES, t } from '../../i18n/index.js';
import { parseTelegramHtml } from '../../sandbox/telegram/fake-bot-api.js';

const root = path.resolve(import.meta.dirname, '../..');
const localesDir = path.join(root, 'i18n/locales');
const keysOf = (file: string) =>
  new Set([...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^([a-z][a-z0-9-]*)\s*=/gm)].map((m) => m[1]!));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : sources(p);
    return p.endsWith('.ts') ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

// Fluent's own parse (the one the bot runs), walked for what each message needs from its caller.
type Pattern = NonNullable<FluentResource['body'][number]['value']>;
type Expression = Exclude<Exclude<Pattern, string>[number], string>;
type Select = Extract<Expression, { type: 'select' }>;

interface Message {
  /** Every `{ $name }` the message reads, as a placeholder or a selector. */
  vars: Set<string>;
  selects: Select[];
}

function walk(pattern: Pattern, into: Message): void {
  if (typeof pattern === 'string') return;
  for (const element of pattern) if (typeof element !== 'string') visit(element, into);
}

function visit(e: Expression | { type: 'narg'; value: Expression }, into: Message): void {
  switch (e.type) {
    case 'var':
      into.vars.add(e.name);
      return;
    case 'select':
      into.selects.push(e);
      visit(e.selector, into);
      for (const v of e.variants) walk(v.value, into);
      return;
    case 'func':
    case 'term':
      for (const a of e.args) visit(a, into);
      return;
    case 'narg':
      visit(e.value, into);
      return;
  }
}

/** A catalogue file parsed: its messages by id, and every id a line of it declares. */
function catalogue(lang: string, file: string): { declared: string[]; messages: Map<string, Message> } {
  const source = fs.readFileSync(path.join(localesDir, lang, file), 'utf8');
  const declared = [...source.matchAll(/^(-?[a-zA-Z][\w-]*)\s*=/gm)].map((m) => m[1]!);
  const messages = new Map<string, Message>();
  for (const entry of new FluentResource(source).body) {
    const message: Message = { vars: new Set(), selects: [] };
    if (entry.value !== null) walk(entry.value, message);
    for (const attribute of Object.values(entry.attributes)) walk(attribute, message);
    messages.set(entry.id, message);
  }
  return { declared, messages };
}

const PLURAL_WORDS = new Set(['zero', 'one', 'two', 'few', 'many']);
const keyOf = (v: Select['variants'][number]) => String(v.key.value);
const selectorVar = (s: Select) => (s.selector.type === 'var' ? s.selector.name : undefined);
/** The default variant shows the count itself (not only through a nested plural). */
const defaultShowsCount = (s: Select) => {
  const value = s.variants[s.star]!.value;
  return typeof value !== 'string' && value.some((e) => typeof e !== 'string' && e.type === 'var' && e.name === selectorVar(s));
};
/** A select over a count: it names a plural category, or picks exact numbers and shows the count otherwise. */
const isPlural = (s: Select) =>
  s.variants.some((v) => v.key.type === 'str' && PLURAL_WORDS.has(v.key.value)) ||
  (s.variants.some((v) => v.key.type === 'num') && defaultShowsCount(s));

// Russian names every plural category a count can fall in (one: 1, 21…; few: 2–4, 22…; many: 5–20,
// 25…, 0; other: fractions); a category left out would quietly take the default's form.
const NAMED_PLURALS: Record<string, string[]> = { ru: ['one', 'few', 'many', 'other'] };

describe('every locale', () => {
  const files = fs.readdirSync(path.join(localesDir, 'en')).sort();

  it('is one of LANGUAGES, and every one of LANGUAGES has a locale', () => {
    expect(fs.readdirSync(localesDir).sort()).toEqual([...LANGUAGES].sort());
    expect(LANGUAGES).toEqual(expect.arrayContaining(['en', 'uk', 'ru']));
  });

  it('has the files, message ids and placeholders English has, each parsed by Fluent', () => {
    expect(files).toEqual(['bot.ftl', 'notifications.ftl', 'pages.ftl']);
    for (const lang of LANGUAGES) {
      expect(fs.readdirSync(path.join(localesDir, lang)).sort(), lang).toEqual(files);
      for (const file of files) {
        const en = catalogue('en', file);
        const here = catalogue(lang, file);
        expect(en.messages.size, file).toBeGreaterThan(file === 'bot.ftl' ? 100 : 10);
        // A line Fluent could not parse is dropped without a word: every declared id must come through.
        expect([...here.messages.keys()], `${lang}/${file}: parsed as declared`).toEqual(here.declared);
        expect(new Set(here.declared).size, `${lang}/${file}: no id twice`).toBe(here.declared.length);
        const missing = [...en.messages.keys()].filter((id) => !here.messages.has(id));
        const extra = [...here.messages.keys()].filter((id) => !en.messages.has(id));
        expect({ missing, extra }, `${lang}/${file}`).toEqual({ missing: [], extra: [] });
        for (const [id, message] of en.messages) {
          expect([...here.messages.get(id)!.vars].sort(), `${lang}/${file}: ${id}`).toEqual([...message.vars].sort());
        }
      }
    }
  });

  it("counts through its language's plural categories; Russian names all four", () => {
    let russianPlurals = 0;
    for (const lang of LANGUAGES) {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
      for (const file of files) {
        for (const [id, message] of catalogue(lang, file).messages) {
          for (const select of message.selects.filter(isPlural)) {
            const keys = select.variants.map(keyOf);
            const words = keys.filter((k) => Number.isNaN(Number(k)));
            // No category the language lacks (a typo or a form from another language never matches).
            expect(
              words.filter((k) => !categories.includes(k)),
              `${lang}/${file}: ${id} over $${selectorVar(select)}`,
            ).toEqual([]);
            const named = NAMED_PLURALS[lang];
            if (named) {
              russianPlurals++;
              expect(
                named.filter((c) => !keys.includes(c)),
                `${lang}/${file}: ${id} over $${selectorVar(select)} lacks`,
              ).toEqual([]);
            }
          }
        }
      }
    }
    expect(russianPlurals).toBeGreaterThan(40);
  });
});

describe('bot texts', () => {
  const files = fs.readdirSync(path.join(root, 'i18n/locales/en'));

  it('has a text for every key the code asks for', () => {
    const used = new Set<string>();
    for (const src of sources(path.join(root, 'bot'))) {
      for (const m of src.matchAll(/\b(?:t|tPlain|label)\(\s*(?:[a-z.]+,\s*)?'([a-z][a-z0-9-]*)'/g))
        if (!(LANGUAGES as readonly string[]).includes(m[1]!)) used.add(m[1]!);
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

  it('renders every text as HTML Telegram accepts, in every language', () => {
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
    for (const lang of LANGUAGES) {
      for (const key of files.flatMap((f) => [...keysOf(`i18n/locales/en/${f}`)])) {
        const text = t(lang, key, vars);
        expect(text, `${lang}:${key}`).not.toMatch(/\{[a-z$-]+\}/);
        expect(() => parseTelegramHtml(text), `${lang}:${key}`).not.toThrow();
      }
    }
  });
});
