// REST API: the catalogue — listing, paging, search, and staff-only changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSearchText } from '../../core/catalogue/search-text.js';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { type ApiWorld, createApiWorld, isbn13, type TestUser } from '../helpers/api.js';

let w: ApiWorld;
let staff: TestUser;
let reader: TestUser;

beforeAll(async () => {
  w = await createApiWorld();
  staff = await w.user({ staff: true });
  reader = await w.user();
});
afterAll(async () => {
  await w?.close();
});

const valid = (over: Record<string, unknown> = {}) => ({
  title: 'Dune',
  author: 'Frank Herbert',
  cover: 'HARD',
  inventory: 2,
  daily_fee: '1.50',
  ...over,
});
const create = (body: unknown, token = staff.access) => w.req('POST', '/api/books/', { token, body });

describe('Only staff change the catalogue', () => {
  it('creates a book for staff with 201 and the money as a string', async () => {
    const r = await create(valid({ isbn: '978-0-441-17271-9' }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      title: 'Dune',
      author: 'Frank Herbert',
      isbn: '978-0-441-17271-9',
      cover: 'HARD',
      inventory: 2,
      daily_fee: '1.50',
    });
  });

  it('answers 403 to a reader and 401 to nobody, and creates nothing', async () => {
    const before = await w.db.selectFrom('books').select(w.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect((await create(valid(), reader.access)).status).toBe(403);
    expect((await w.req('POST', '/api/books/', { body: valid() })).status).toBe(401);
    const book = await w.book();
    expect((await w.req('PATCH', `/api/books/${book.id}/`, { token: reader.access, body: { inventory: 99 } })).status).toBe(403);
    expect((await w.req('PUT', `/api/books/${book.id}/`, { token: reader.access, body: valid() })).status).toBe(403);
    expect((await w.req('DELETE', `/api/books/${book.id}/`, { token: reader.access })).status).toBe(403);
    const after = await w.db.selectFrom('books').select(w.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n + 1);
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(book.inventory);
  });
});

describe('daily_fee is a positive amount with at most two decimals', () => {
  for (const fee of ['1.505', 0, -1, 'abc', '0.00', '', '1e2', null, true]) {
    it(`refuses ${JSON.stringify(fee)} with 400 VALIDATION on daily_fee`, async () => {
      const r = await create(valid({ daily_fee: fee }));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.details.some((d: { field?: string }) => d.field === 'daily_fee')).toBe(true);
    });
  }

  for (const fee of ['1.50', 1.5, '1.5']) {
    it(`accepts ${JSON.stringify(fee)} and answers "1.50"`, async () => {
      const r = await create(valid({ daily_fee: fee }));
      expect(r.status).toBe(201);
      expect(r.body.daily_fee).toBe('1.50');
    });
  }
});

describe('Book fields are validated', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['inventory above 1,000,000', { inventory: 1_000_001 }, 'inventory'],
    ['negative inventory', { inventory: -1 }, 'inventory'],
    ['fractional inventory', { inventory: 1.5 }, 'inventory'],
    ['inventory as a string', { inventory: '3' }, 'inventory'],
    ['an empty title', { title: '   ' }, 'title'],
    ['a title of 256 characters', { title: 'x'.repeat(256) }, 'title'],
    ['an unknown cover', { cover: 'PAPER' }, 'cover'],
    ['an isbn with letters', { isbn: 'ISBN-ABC' }, 'isbn'],
    ['a missing author', { author: undefined }, 'author'],
  ];
  for (const [name, over, field] of cases) {
    it(`refuses ${name} with 400 naming ${field}`, async () => {
      const r = await create(valid(over));
      expect(r.status).toBe(400);
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  }

  it('accepts inventory of exactly 1,000,000', async () => {
    expect((await create(valid({ inventory: 1_000_000 }))).status).toBe(201);
  });

  it('refuses a second book with the same isbn with 409 ISBN_TAKEN', async () => {
    expect((await create(valid({ isbn: '0-306-40615-2' }))).status).toBe(201);
    const r = await create(valid({ isbn: '0-306-40615-2' }));
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('ISBN_TAKEN');
  });
});

describe('A book is read by id', () => {
  it('answers the book to anyone', async () => {
    const book = await w.book({ title: 'Readable' });
    const r = await w.req('GET', `/api/books/${book.id}/`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(book);
    expect((await w.req('GET', `/api/books/${book.id}`)).body).toEqual(book);
  });

  it('answers 404 NOT_FOUND for an id that does not exist', async () => {
    const r = await w.req('GET', `/api/books/${Number.MAX_SAFE_INTEGER}/`);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });

  for (const id of ['9007199254740993', '0', '-1', 'abc', '1.5', '1e3']) {
    it(`answers 400 for the id ${id}`, async () => {
      const r = await w.req('GET', `/api/books/${id}/`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    });
  }
});

describe('Staff update books with PUT and PATCH', () => {
  it('PATCH changes the inventory only', async () => {
    const book = await w.book({ title: 'Patchable', isbn: '978-0-596-52068-7' });
    const r = await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { inventory: 7 } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ...book, inventory: 7, available: 7 });
  });

  it('PUT replaces every field, clearing an isbn that is left out', async () => {
    const book = await w.book({ title: 'Replaceable', isbn: '978-1-86197-876-9' });
    const r = await w.req('PUT', `/api/books/${book.id}`, {
      token: staff.access,
      body: valid({ title: 'Replaced', daily_fee: 2 }),
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: book.id,
      title: 'Replaced',
      author: 'Frank Herbert',
      isbn: null,
      cover: 'HARD',
      inventory: 2,
      daily_fee: '2.00',
      available: 2,
      holds: 0,
    });
  });

  it('PUT without every field answers 400', async () => {
    const book = await w.book();
    expect((await w.req('PUT', `/api/books/${book.id}/`, { token: staff.access, body: { title: 'Only a title' } })).status).toBe(
      400,
    );
  });

  it('PATCH with a bad fee or inventory answers 400 and changes nothing', async () => {
    const book = await w.book();
    expect((await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { daily_fee: '1.505' } })).status).toBe(
      400,
    );
    expect((await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { inventory: 1_000_001 } })).status).toBe(
      400,
    );
    expect((await w.req('GET', `/api/books/${book.id}/`)).body).toEqual(book);
  });

  it('answers 404 for a book that does not exist', async () => {
    expect((await w.req('PATCH', '/api/books/999999/', { token: staff.access, body: { inventory: 1 } })).status).toBe(404);
  });
});

describe('Deleting a book', () => {
  it('answers 204, after which the book is gone (404)', async () => {
    const book = await w.book();
    const r = await w.req('DELETE', `/api/books/${book.id}/`, { token: staff.access });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect((await w.req('GET', `/api/books/${book.id}/`)).status).toBe(404);
    expect((await w.req('DELETE', `/api/books/${book.id}/`, { token: staff.access })).status).toBe(404);
  });

  it('answers 409 BOOK_ON_LOAN while a copy is borrowed, and works once it is back', async () => {
    const book = await w.book({ inventory: 1 });
    const u = await w.user();
    const b = await w.req('POST', '/api/borrowings/', {
      token: u.access,
      body: { book_id: book.id, expected_return_date: w.day(2) },
    });
    expect(b.status).toBe(201);
    const r = await w.req('DELETE', `/api/books/${book.id}/`, { token: staff.access });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('BOOK_ON_LOAN');
    expect((await w.req('GET', `/api/books/${book.id}/`)).status).toBe(200);
    expect((await w.req('POST', `/api/borrowings/${b.body.id}/return/`, { token: u.access })).status).toBe(200);
    expect((await w.req('DELETE', `/api/books/${book.id}/`, { token: staff.access })).status).toBe(204);
  });
});

describe('The catalogue is paged by title then id', () => {
  let cat: ApiWorld;
  const titles: string[] = [];
  beforeAll(async () => {
    cat = await createApiWorld();
    // 130 books with some titles repeated, so the id decides between equal titles.
    for (let i = 0; i < 130; i++) {
      const title = `Title ${String(i % 50).padStart(3, '0')}`;
      titles.push(title);
      await cat.book({ title, author: i % 2 ? 'Ursula Le Guin' : 'Stanisław Lem', isbn: isbn13(i) });
    }
  });
  afterAll(async () => {
    await cat?.close();
  });

  it('answers 20 books by default, with a next_cursor', async () => {
    const r = await cat.req('GET', '/api/books/');
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(20);
    expect(typeof r.body.next_cursor).toBe('string');
  });

  it('caps limit=500 at 100', async () => {
    const r = await cat.req('GET', '/api/books/?limit=500');
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(100);
    expect(r.body.next_cursor).not.toBeNull();
  });

  for (const limit of ['0', '-1', 'abc', '2.5', '']) {
    it(`answers 400 for limit=${limit}`, async () => {
      const r = await cat.req('GET', `/api/books/?limit=${limit}`);
      expect(r.status).toBe(400);
      expect(r.body.error.details[0].field).toBe('limit');
    });
  }

  for (const cursor of [
    'not-a-cursor',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,"x"]').toString('base64url'),
    'x'.repeat(2000),
    '%%%',
  ]) {
    it(`answers 400 for the malformed cursor ${cursor.slice(0, 20)}…`, async () => {
      const r = await cat.req('GET', `/api/books/?cursor=${encodeURIComponent(cursor)}`);
      expect(r.status).toBe(400);
      expect(['INVALID_CURSOR', 'VALIDATION']).toContain(r.body.error.code);
    });
  }

  it('walks disjoint pages that cover the whole catalogue in title, id order', async () => {
    const seen: { id: number; title: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: { results: { id: number; title: string }[]; next_cursor: string | null } } = await cat.req(
        'GET',
        `/api/books/?limit=17${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.results);
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBe(Math.ceil(130 / 17));
    expect(new Set(seen.map((b) => b.id)).size).toBe(130);
    const sorted = [...seen].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id));
    expect(seen).toEqual(sorted);
  });

  it('finds books by title, author and isbn', async () => {
    const byTitle = await cat.req('GET', '/api/books/?search=Title%20007&limit=100');
    expect(byTitle.body.results.length).toBeGreaterThan(0);
    expect(byTitle.body.results.every((b: { title: string }) => b.title === 'Title 007')).toBe(true);

    const byAuthor = await cat.req('GET', `/api/books/?search=${encodeURIComponent('le guin')}&limit=100`);
    expect(byAuthor.body.results).toHaveLength(65);
    expect(byAuthor.body.results.every((b: { author: string }) => b.author === 'Ursula Le Guin')).toBe(true);

    const byIsbn = await cat.req('GET', '/api/books/?search=0000000422');
    expect(byIsbn.body.results.map((b: { isbn: string }) => b.isbn)).toEqual([isbn13(42)]);

    const none = await cat.req('GET', '/api/books/?search=zzzzunknown');
    expect(none.body).toEqual({ results: [], next_cursor: null });
  });

  it('pages through search results too, without repeats', async () => {
    const first = await cat.req('GET', '/api/books/?search=lem&limit=40');
    const second = await cat.req('GET', `/api/books/?search=lem&limit=40&cursor=${first.body.next_cursor}`);
    const ids = [...first.body.results, ...second.body.results].map((b: { id: number }) => b.id);
    expect(ids).toHaveLength(65);
    expect(new Set(ids).size).toBe(65);
    expect(second.body.next_cursor).toBeNull();
  });

  it('treats search text with punctuation or quotes as words, never as an error', async () => {
    for (const q of ['"', 'Title* OR', "l'em", '(((', 'NEAR(a b)']) {
      const r = await cat.req('GET', `/api/books/?search=${encodeURIComponent(q)}`);
      expect(r.status).toBe(200);
    }
  });
});

describe('Search across scripts and spellings (SPEC §4), the same on both engines', () => {
  let demo: ApiWorld;
  let librarian: TestUser;
  const titles = async (q: string) => {
    const r = await demo.req('GET', `/api/books/?search=${encodeURIComponent(q)}&limit=100`);
    expect(r.status).toBe(200);
    return r.body.results.map((b: { title: string }) => b.title);
  };

  beforeAll(async () => {
    demo = await createApiWorld();
    librarian = await demo.user({ staff: true });
    await demo.core.demo.loadCatalogue(SYSTEM_ACTOR);
  });
  afterAll(async () => {
    await demo?.close();
  });

  it("finds the demo catalogue's Latin-script books from Ukrainian and unaccented queries", async () => {
    expect(await titles('кобзар')).toEqual(['Kobzar']);
    expect(await titles('Шевченко')).toEqual(['Kobzar']);
    expect(await titles('exupery')).toEqual(['The Little Prince']);
    expect(await titles('толстой')).toEqual(['War and Peace']);
    expect(await titles('лесь україн')).toEqual(['The Forest Song']);
  });

  it('keeps the catalogue order (title, id) and pages search results with the cursor', async () => {
    const all = await titles('the');
    expect(all.length).toBeGreaterThan(5);
    expect(all).toEqual([...all].sort());
    const first = await demo.req('GET', '/api/books/?search=the&limit=3');
    const second = await demo.req('GET', `/api/books/?search=the&limit=3&cursor=${first.body.next_cursor}`);
    expect([...first.body.results, ...second.body.results].map((b: { title: string }) => b.title)).toEqual(all.slice(0, 6));
  });

  it('follows a change of title, author or isbn at once', async () => {
    const created = await demo.req('POST', '/api/books/', {
      token: librarian.access,
      body: { title: 'Зачарована Десна', author: 'Олександр Довженко', cover: 'SOFT', inventory: 1, daily_fee: '0.50' },
    });
    expect(await titles('zacharovana')).toEqual(['Зачарована Десна']);
    await demo.req('PATCH', `/api/books/${created.body.id}/`, {
      token: librarian.access,
      body: { title: 'The Enchanted Desna' },
    });
    expect(await titles('zacharovana')).toEqual([]);
    expect(await titles('зачарована')).toEqual([]);
    expect(await titles('enchanted dovzhenko')).toEqual(['The Enchanted Desna']);
    const patched = await demo.req('PATCH', `/api/books/${created.body.id}/`, {
      token: librarian.access,
      body: { isbn: '978-966-03-4321-4' },
    });
    expect(patched.status).toBe(200);
    expect(await titles('enchanted 966')).toEqual(['The Enchanted Desna']);
  });

  it('fills the search text of books written without one (before migration 007), once', async () => {
    const { id } = await demo.db
      .insertInto('books')
      .values({
        title: 'Тіні забутих предків',
        author: 'Коцюбинський',
        isbn: null,
        cover: 'SOFT',
        inventory: 1,
        daily_fee_cents: 50,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await titles('tini')).toEqual([]);
    expect(await demo.core.books.fillSearchText()).toBe(1);
    expect(await demo.core.books.fillSearchText()).toBe(0);
    const row = await demo.db.selectFrom('books').select('search_text').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.search_text).toBe(bookSearchText({ title: 'Тіні забутих предків', author: 'Коцюбинський', isbn: null }));
    expect(await titles('tini')).toEqual(['Тіні забутих предків']);
  });
});
