// SPEC §10: text fields refuse control characters (NUL and the rest of C0 except tab and
// newline) and the invisible characters that disguise text (bidi controls, zero-width space,
// line and paragraph separators, BOM) with 400; an empty or blank isbn is 400 and null clears
// it. One rule in core, used by every door.
import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../core/index.js';
import { DomainError } from '../../core/kernel/errors.js';
import { isbn13, useApiWorld } from '../helpers/api.js';

const { world: w, staff } = useApiWorld();

const CONTROL = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\r', '\u001B', '\u001F'];
// Bidi embeddings, overrides and isolates, the zero-width space, the line and paragraph separators, the BOM.
const INVISIBLE = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200B',
  '\u2028',
  '\u2029',
  '\uFEFF',
];
const name = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
const valid = (over: Record<string, unknown> = {}) => ({
  title: 'Dune',
  author: 'Frank Herbert',
  cover: 'HARD',
  inventory: 2,
  daily_fee: '1.50',
  ...over,
});
const fields = (r: { body: { error?: { details?: { field?: string }[] } } }) => (r.body.error?.details ?? []).map((d) => d.field);

describe('Book title and author refuse control characters with 400', () => {
  for (const c of CONTROL) {
    for (const field of ['title', 'author']) {
      it(`${name(c)} in ${field}: POST, PUT and PATCH answer 400 naming ${field}, and nothing changes`, async () => {
        const book = await w.book({ title: 'Unchanged' });
        const bad = `Mid${c}dle`;
        const post = await w.req('POST', '/api/books/', { token: staff.access, body: valid({ [field]: bad }) });
        const put = await w.req('PUT', `/api/books/${book.id}/`, { token: staff.access, body: valid({ [field]: bad }) });
        const patch = await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { [field]: bad } });
        const edge = await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { [field]: `Edge${c}` } });
        for (const r of [post, put, patch, edge]) {
          expect(r.status).toBe(400);
          expect(r.body.error.code).toBe('VALIDATION');
          expect(fields(r)).toContain(field);
        }
        expect((await w.req('GET', `/api/books/${book.id}/`)).body).toEqual(book);
      });
    }
  }

  it('tab and newline are allowed', async () => {
    const r = await w.req('POST', '/api/books/', {
      token: staff.access,
      body: valid({ title: 'Tab\there', author: 'Two\nlines' }),
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ title: 'Tab\there', author: 'Two\nlines' });
  });

  it("the rule is core's: a book added through core (the bot's door) is refused alike", async () => {
    const e = await w.core.books.create(SYSTEM_ACTOR, valid({ title: 'Nul\u0000' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('VALIDATION');
    const e2 = await w.core.books.create(SYSTEM_ACTOR, valid({ isbn: ' ' })).catch((x: unknown) => x);
    expect((e2 as DomainError).code).toBe('VALIDATION');
  });
});

describe('Book title and author refuse invisible formatting characters with 400', () => {
  for (const c of INVISIBLE) {
    for (const field of ['title', 'author']) {
      it(`${name(c)} in ${field}: POST, PUT and PATCH answer 400 naming ${field}, and nothing changes`, async () => {
        const book = await w.book({ title: 'Unchanged' });
        const rs = [
          await w.req('POST', '/api/books/', { token: staff.access, body: valid({ [field]: `Mid${c}dle` }) }),
          await w.req('PUT', `/api/books/${book.id}/`, { token: staff.access, body: valid({ [field]: `${c}Start` }) }),
          await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { [field]: `End${c}` } }),
        ];
        for (const r of rs) {
          expect(r.status).toBe(400);
          expect(r.body.error.code).toBe('VALIDATION');
          expect(fields(r)).toContain(field);
        }
        expect((await w.req('GET', `/api/books/${book.id}/`)).body).toEqual(book);
      });
    }
  }

  it('the joiners U+200C and U+200D are allowed (emoji sequences, Persian and Indic scripts)', async () => {
    const title = 'می\u200Cخواهم 👩\u200D💻';
    const r = await w.req('POST', '/api/books/', { token: staff.access, body: valid({ title, author: 'क्\u200Dष' }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ title, author: 'क्\u200Dष' });
  });

  it("the rule is core's: a book added or changed through core is refused alike", async () => {
    const e = await w.core.books.create(SYSTEM_ACTOR, valid({ author: 'Right\u202Eto left' })).catch((x: unknown) => x);
    expect((e as DomainError).code).toBe('VALIDATION');
    const book = await w.book({ title: 'Kept' });
    const e2 = await w.core.books.update(SYSTEM_ACTOR, book.id, { title: 'Zero\u200Bwidth' }, true).catch((x: unknown) => x);
    expect((e2 as DomainError).code).toBe('VALIDATION');
    expect((await w.core.books.get(book.id)).title).toBe('Kept');
  });
});

describe('isbn: empty or blank is 400, null clears it', () => {
  for (const isbn of ['', ' ', '\t']) {
    it(`${JSON.stringify(isbn)} answers 400 naming isbn on POST, PUT and PATCH`, async () => {
      const book = await w.book({ isbn: isbn13(Math.floor(Math.random() * 1e9)) });
      const rs = [
        await w.req('POST', '/api/books/', { token: staff.access, body: valid({ isbn }) }),
        await w.req('PUT', `/api/books/${book.id}/`, { token: staff.access, body: valid({ isbn }) }),
        await w.req('PATCH', `/api/books/${book.id}/`, { token: staff.access, body: { isbn } }),
      ];
      for (const r of rs) {
        expect(r.status).toBe(400);
        expect(fields(r)).toContain('isbn');
      }
      expect((await w.req('GET', `/api/books/${book.id}/`)).body.isbn).toBe(book.isbn);
    });
  }

  it('null clears it (PATCH and PUT)', async () => {
    const a = await w.book({ isbn: '978-3-16-148410-0' });
    const r = await w.req('PATCH', `/api/books/${a.id}/`, { token: staff.access, body: { isbn: null } });
    expect(r.status).toBe(200);
    expect(r.body.isbn).toBeNull();
    const b = await w.book({ isbn: '978-1-4028-9462-6' });
    expect(
      (await w.req('PUT', `/api/books/${b.id}/`, { token: staff.access, body: valid({ isbn: null }) })).body.isbn,
    ).toBeNull();
  });
});

describe('Every other text field the API takes refuses control characters too', () => {
  it('registration: first_name, last_name and email', async () => {
    const base = { email: 'ctl@example.test', password: 'correct horse', first_name: 'Ada', last_name: 'Lovelace' };
    for (const [field, value] of [
      ['first_name', 'A\u0000da'],
      ['last_name', 'Love\u001Blace'],
      ['email', 'ctl\u0000@example.test'],
    ] as const) {
      const r = await w.req('POST', '/api/users/', { body: { ...base, [field]: value } });
      expect(r.status).toBe(400);
      expect(fields(r)).toContain(field);
    }
    expect(await w.db.selectFrom('users').select('id').where('email', '=', base.email).executeTakeFirst()).toBeUndefined();
  });

  it('the profile: first_name and last_name', async () => {
    const u = await w.user();
    for (const field of ['first_name', 'last_name']) {
      const r = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { [field]: 'Bad\u0007name' } });
      expect(r.status).toBe(400);
      expect(fields(r)).toContain(field);
    }
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).body.first_name).toBe('Reader');
  });

  it('the catalogue search', async () => {
    const r = await w.req('GET', `/api/books/?search=${encodeURIComponent('dune\u0000')}`);
    expect(r.status).toBe(400);
    expect(fields(r)).toContain('search');
  });

  it('registration and the profile refuse invisible formatting characters in names', async () => {
    const base = { email: 'bidi@example.test', password: 'correct horse', first_name: 'Ada', last_name: 'Lovelace' };
    for (const [field, value] of [
      ['first_name', 'Ada\u202E'],
      ['last_name', '\u2066Love\u2069lace'],
      ['first_name', 'A\u200Bda'],
      ['last_name', 'Love\u2028lace'],
      ['first_name', '\uFEFFAda'],
    ] as const) {
      const r = await w.req('POST', '/api/users/', { body: { ...base, [field]: value } });
      expect(r.status).toBe(400);
      expect(fields(r)).toContain(field);
    }
    expect(await w.db.selectFrom('users').select('id').where('email', '=', base.email).executeTakeFirst()).toBeUndefined();
    const u = await w.user();
    for (const field of ['first_name', 'last_name']) {
      for (const c of ['\u202E', '\u200B', '\u2029']) {
        const r = await w.req('PATCH', '/api/users/me/', { token: u.access, body: { [field]: `Bad${c}name` } });
        expect(r.status).toBe(400);
        expect(fields(r)).toContain(field);
      }
    }
    expect((await w.req('GET', '/api/users/me/', { token: u.access })).body.first_name).toBe('Reader');
    // The joiners are letters' business: allowed in names too.
    expect((await w.req('PATCH', '/api/users/me/', { token: u.access, body: { first_name: 'Ne\u200Cda' } })).status).toBe(200);
  });

  it('the catalogue search refuses them too', async () => {
    const r = await w.req('GET', `/api/books/?search=${encodeURIComponent('dune\u202E')}`);
    expect(r.status).toBe(400);
    expect(fields(r)).toContain('search');
  });
});
