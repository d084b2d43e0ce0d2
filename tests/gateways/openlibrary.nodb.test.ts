// The Open Library gateway against the fake Open Library over real HTTP: what it finds and
// where (the Books API first, then /isbn/ and author records), covers by id only, etiquette.
// Faults, limits and pauses: openlibrary-faults.test.ts.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bookFromLookup, cleanText } from '../../core/catalogue/book-from-lookup.js';
import { parseIsbn } from '../../core/catalogue/isbn.js';
import { type CachedLookup, lookupThroughCache } from '../../core/catalogue/isbn-cache-policy.js';
import type { IsbnLookup } from '../../core/catalogue/isbn-lookup.js';
import { systemClock } from '../../core/kernel/clock.js';
import { createOpenLibraryGateway, type OpenLibraryOptions, openLibraryUserAgent } from '../../gateways/openlibrary.js';
import { cleanField } from '../../gateways/openlibrary-answers.js';
import { FIXTURE_EDITIONS, UNKNOWN_ISBN13 } from '../../sandbox/openlibrary/fake-openlibrary.js';
import { type StartedFakeOpenLibrary, startFakeOpenLibrary } from '../fakes/openlibrary.js';

const COVERS = 'https://covers.example.org';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let fake: StartedFakeOpenLibrary;
beforeAll(async () => {
  // Mounted below a prefix, as the sandbox mounts it.
  fake = await startFakeOpenLibrary({ basePath: '/sandbox/openlibrary' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.api.clearLog();
  fake.api.clearFaults();
});

const gateway = (over: Partial<OpenLibraryOptions> = {}) =>
  createOpenLibraryGateway({ baseUrl: fake.baseUrl, coversUrl: COVERS, contact: 'librarian@example.org', ...over });
const isbn = (text: string) => {
  const p = parseIsbn(text);
  if (!p.ok) throw new Error(p.message);
  return p;
};
const paths = () => fake.api.requests().map((r) => r.path);

// The gateway fits core's port as it is: the composition root will hand one to the other.
const asPort: (g: ReturnType<typeof gateway>) => IsbnLookup = (g) => g;

describe('an edition the Books API knows', () => {
  it('is found in one request, with every field and the cover by id', async () => {
    const result = await asPort(gateway()).lookup(isbn('0-14-032872-6'));
    expect(result).toEqual({
      status: 'found',
      isbn13: '9780140328721',
      isbn10: '0140328726',
      title: 'Fantastic Mr Fox',
      subtitle: null,
      authors: ['Roald Dahl'],
      authors_omitted: 0,
      publishers: ['Puffin'],
      publish_date: 'October 1, 1988',
      pages: 96,
      cover_image_url: `${COVERS}/b/id/8739161-M.jpg`,
      source: 'books-api',
    });
    const log = fake.api.requests();
    expect(log.map((r) => [r.path, r.query])).toEqual([['/api/books', 'bibkeys=ISBN:9780140328721&format=json&jscmd=data']]);
  });

  it('joins a subtitle and names three of four authors then "et al." in the book made from it', async () => {
    const result = await gateway().lookup(isbn('978-0-201-63361-0'));
    expect(result).toMatchObject({
      status: 'found',
      title: 'Design Patterns',
      subtitle: 'Elements of Reusable Object-Oriented Software',
      source: 'books-api',
    });
    if (result.status !== 'found') return;
    expect(result.authors).toEqual(['Erich Gamma', 'Richard Helm', 'Ralph Johnson', 'John Vlissides']);
    expect(bookFromLookup(result)).toMatchObject({
      title: 'Design Patterns: Elements of Reusable Object-Oriented Software',
      author: 'Erich Gamma, Richard Helm, Ralph Johnson et al.',
    });
    const js = await gateway().lookup(isbn('9780596517748'));
    expect(js.status === 'found' && bookFromLookup(js).title).toBe('JavaScript: The Good Parts');
  });

  it('reads Cyrillic titles, subtitles, authors and publishers as NFC text', async () => {
    const anna = await gateway().lookup(isbn('978-5-699-78123-2'));
    expect(anna).toMatchObject({
      status: 'found',
      title: 'Анна Каренина',
      subtitle: 'роман в восьми частях',
      authors: ['Лев Толстой'],
      publishers: ['Эксмо'],
      isbn10: '5699781234',
    });
    if (anna.status === 'found') expect(bookFromLookup(anna).title).toBe('Анна Каренина: роман в восьми частях');
    const kobzar = await gateway().lookup(isbn('9789667047955'));
    expect(kobzar).toMatchObject({
      status: 'found',
      title: 'Кобзар',
      authors: ['Тарас Шевченко'],
      publishers: ['А-БА-БА-ГА-ЛА-МА-ГА'],
    });
    if (kobzar.status === 'found') expect(kobzar.title).toBe(kobzar.title!.normalize('NFC'));
  });

  it('finds a 979 edition, which has no ISBN-10', async () => {
    expect(await gateway().lookup(isbn('979-10-90636-07-1'))).toMatchObject({
      status: 'found',
      isbn10: null,
      title: 'Le Petit Prince',
      authors: ['Antoine de Saint-Exupéry'],
    });
  });
});

describe('an edition only the ISBN endpoint knows', () => {
  it('is found through /isbn/ (a redirect to the edition) and its author record', async () => {
    const result = await gateway().lookup(isbn('978-617-585-123-4'));
    expect(result).toEqual({
      status: 'found',
      isbn13: '9786175851234',
      isbn10: '6175851234',
      title: 'Тіні забутих предків',
      subtitle: null,
      authors: ['Михайло Коцюбинський'],
      authors_omitted: 0,
      publishers: ['Віват'],
      publish_date: '2019',
      pages: 160,
      cover_image_url: `${COVERS}/b/id/10521373-M.jpg`,
      source: 'isbn-json',
    });
    expect(paths()).toEqual(['/api/books', '/isbn/9786175851234.json', '/books/OL50000014M.json', '/authors/OL4391005A.json']);
  });

  it('asks for at most three author records, and counts the others for "et al."', async () => {
    const result = await gateway().lookup(isbn('9780321486813'));
    expect(result).toMatchObject({
      status: 'found',
      source: 'isbn-json',
      authors: ['Alfred V. Aho', 'Monica S. Lam', 'Ravi Sethi'],
      authors_omitted: 1,
    });
    expect(paths().filter((p) => p.startsWith('/authors/'))).toHaveLength(3);
    if (result.status === 'found') {
      expect(bookFromLookup(result)).toMatchObject({
        title: 'Compilers: Principles, Techniques, and Tools',
        author: 'Alfred V. Aho, Monica S. Lam, Ravi Sethi et al.',
      });
    }
  });
});

describe('an ISBN nobody knows', () => {
  it('is not found: the Books API answers {} and the ISBN endpoint 404', async () => {
    expect(await gateway().lookup(isbn(UNKNOWN_ISBN13))).toEqual({ status: 'not_found' });
    expect(fake.api.requests().map((r) => [r.path, r.status])).toEqual([
      ['/api/books', 200],
      [`/isbn/${UNKNOWN_ISBN13}.json`, 404],
    ]);
  });
});

describe('covers', () => {
  it('are addressed by cover id on OPENLIBRARY_COVERS_URL for every fixture, never by ISBN', async () => {
    const g = gateway({ rpm: 1000 });
    for (const e of FIXTURE_EDITIONS) {
      const r = await g.lookup(isbn(e.isbn13));
      expect(r.status, e.title).toBe('found');
      if (r.status !== 'found') continue;
      if (r.cover_image_url !== null)
        expect(r.cover_image_url, e.title).toMatch(new RegExp(`^${COVERS}/b/id/[1-9]\\d*-M\\.jpg$`));
      expect(r.cover_image_url ?? '', e.title).not.toContain('/isbn/');
    }
    expect(paths().some((p) => p.startsWith('/b/'))).toBe(false);
  });

  it('are absent when the Books API gives only a by-ISBN cover, or the edition has none', async () => {
    expect(await gateway().lookup(isbn('9780060850524'))).toMatchObject({
      status: 'found',
      title: 'Brave New World',
      cover_image_url: null,
    });
    expect(await gateway().lookup(isbn('9780316769488'))).toMatchObject({ status: 'found', cover_image_url: null });
  });

  it('are served by the fake as small JPEGs at the address the gateway builds', async () => {
    const r = await gateway({ coversUrl: fake.baseUrl }).lookup(isbn('9780140328721'));
    const url = r.status === 'found' ? r.cover_image_url : null;
    expect(url).toBe(`${fake.baseUrl}/b/id/8739161-M.jpg`);
    const res = await fetch(url!);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([bytes[0], bytes[1], bytes.at(-2), bytes.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(bytes.length).toBeLessThan(2048);
  });
});

describe('etiquette', () => {
  it('sends "telegram-lending-library/<version> (<contact>)" as User-Agent on every request', async () => {
    await gateway().lookup(isbn('9780321486813'));
    const agents = fake.api.requests().map((r) => r.userAgent);
    expect(agents.length).toBeGreaterThanOrEqual(5);
    expect(new Set(agents)).toEqual(new Set([`telegram-lending-library/${VERSION} (librarian@example.org)`]));
  });

  it('refuses a contact that cannot stand in a header', () => {
    expect(openLibraryUserAgent('', '1.2.3')).toBe('telegram-lending-library/1.2.3');
    for (const bad of ['a@b.c)(x', 'ліб@example.org', 'x\r\nX-Evil: 1'])
      expect(() => gateway({ contact: bad }), bad).toThrow(RangeError);
  });

  it('takes an ISBN-13 from parseIsbn only (a caller bug rejects; it is never sent)', async () => {
    await expect(gateway().lookup({ isbn13: '../../admin', isbn10: null })).rejects.toThrow(RangeError);
    expect(fake.api.requests()).toEqual([]);
  });
});

describe('a cache in front', () => {
  it('answers the second lookup without asking Open Library', async () => {
    const kept = new Map<string, CachedLookup>();
    const deps = {
      cache: { get: async (k: string) => kept.get(k), put: async (k: string, e: CachedLookup) => void kept.set(k, e) },
      source: gateway(),
      clock: systemClock,
    };
    expect((await lookupThroughCache(isbn('9780141439518'), deps)).origin).toBe('source');
    const again = await lookupThroughCache(isbn('0141439513'), deps);
    expect(again).toMatchObject({ origin: 'cache', result: { status: 'found', title: 'Pride and Prejudice' } });
    expect(fake.api.requests()).toHaveLength(1);
  });
});

describe('the gateway cleans text as core does', () => {
  it('gives the same answer as core for every character of the Basic Multilingual Plane', () => {
    const differ: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      const s = `a${String.fromCharCode(cp)}\u0301 b`;
      if (cleanField(s) !== cleanText(s)) differ.push(cp.toString(16));
    }
    expect(differ).toEqual([]);
  });
});
