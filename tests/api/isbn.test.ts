// An ISBN is checked by its check digit wherever a book is written (issue 13, item 8): the API
// refuses a mistyped one with 400 naming isbn, as the bot's add-book step does (one rule, in core).
import { describe, expect, it } from 'vitest';
import { isbnChecksumValid } from '../../core/catalogue/books.js';
import { useApiWorld } from '../helpers/api.js';

const { world: w, staff } = useApiWorld();
const book = (isbn: unknown) => ({
  title: 'Solaris',
  author: 'Stanisław Lem',
  cover: 'SOFT',
  inventory: 1,
  daily_fee: '1.00',
  isbn,
});

describe('ISBN check digits', () => {
  it('accepts valid ISBN-10 (X included) and ISBN-13, with or without hyphens', () => {
    for (const ok of [
      '0-306-40615-2',
      '0306406152',
      '0-8044-2957-X',
      '080442957x',
      '978-0-306-40615-7',
      '9780306406157',
      '978-3-16-148410-0',
    ])
      expect(isbnChecksumValid(ok), ok).toBe(true);
    for (const bad of ['0-306-40615-3', '978-0-306-40615-8', '9780306406175', '12345', '97803064061570', 'X306406152', ''])
      expect(isbnChecksumValid(bad), bad).toBe(false);
  });

  it('POST, PUT and PATCH answer 400 naming isbn for a wrong check digit; a valid one is stored as given', async () => {
    const created = await w.req('POST', '/api/books/', { token: staff.access, body: book('978-0-306-40615-7') });
    expect(created.status).toBe(201);
    expect(created.body.isbn).toBe('978-0-306-40615-7');
    const wrong = '978-0-306-40615-8';
    for (const r of [
      await w.req('POST', '/api/books/', { token: staff.access, body: book(wrong) }),
      await w.req('PUT', `/api/books/${created.body.id}/`, { token: staff.access, body: book(wrong) }),
      await w.req('PATCH', `/api/books/${created.body.id}/`, { token: staff.access, body: { isbn: wrong } }),
    ]) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
      expect(r.body.error.message).toContain('check digit');
      expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'isbn' })]);
    }
    expect((await w.req('GET', `/api/books/${created.body.id}/`)).body.isbn).toBe('978-0-306-40615-7');
  });
});
