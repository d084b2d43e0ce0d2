// SPEC §2, §10: a book with active borrowings cannot be deleted (409), and across processes on
// one file a removal racing a borrow is never a 500: exactly one of them wins, consistently.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Book } from '../../core/catalogue/books.js';
import { type ApiWorld, createApiWorld, type TestUser, tempDbFile } from '../helpers/api.js';

const execFileAsync = promisify(execFile);

let w: ApiWorld;
let staff: TestUser;
let db: ReturnType<typeof tempDbFile>;
beforeAll(async () => {
  db = tempDbFile();
  w = await createApiWorld({ file: db.file, listen: true, catalogueCacheMs: 60_000 });
  staff = await w.user({ staff: true });
});
afterAll(async () => {
  await w?.close();
  db?.cleanup();
});

// Book i is borrowed and removed by every process at startAt + i × STEP_MS.
const STEP_MS = 20;
const at = (startAt: number, i: number) => new Promise((r) => setTimeout(r, Math.max(0, startAt + i * STEP_MS - Date.now())));
const worker = (action: 'borrow' | 'remove', items: string[], startAt: number) =>
  execFileAsync(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/helpers/race-worker.ts',
      db.file,
      action,
      items.join(','),
      w.stripe.apiBase,
      w.clock.now().toISOString(),
      String(startAt),
      String(STEP_MS),
    ],
    { timeout: 120_000 },
  ).then(({ stdout }) => JSON.parse(stdout) as string[]);

describe('Removing a book races borrowing it from other processes', () => {
  it('every removal answers 204, 404 or 409 (never 500), and each book ends either deleted with no active loan or lent and not deleted', async () => {
    const N = 40;
    const books: Book[] = [];
    const readers: TestUser[] = [];
    for (let i = 0; i < N; i++) {
      books.push(await w.book({ title: `Race ${i}`, inventory: 1 }));
      readers.push(await w.user());
    }
    // Read through the cache first, so a stale cached detail would show below.
    for (const b of books) expect((await w.http('GET', `/api/books/${b.id}/`)).status).toBe(200);

    const startAt = Date.now() + 3000;
    const borrowing = worker(
      'borrow',
      books.map((b, i) => `${b.id}:${readers[i]!.id}`),
      startAt,
    );
    const removing = worker(
      'remove',
      books.map((b) => String(b.id)),
      startAt,
    );
    const http = await Promise.all(
      books.map(async (b, i) => {
        await at(startAt, i);
        return w.http('DELETE', `/api/books/${b.id}/`, { token: staff.access });
      }),
    );
    const [borrows, removals] = await Promise.all([borrowing, removing]);

    const statuses = http.map((r) => r.status);
    expect(
      statuses.filter((s) => ![204, 404, 409].includes(s)),
      JSON.stringify(http.filter((r) => r.status >= 500).map((r) => r.text)),
    ).toEqual([]);
    expect(borrows.filter((r) => !['OK', 'NOT_FOUND'].includes(r))).toEqual([]);
    expect(removals.filter((r) => !['OK', 'NOT_FOUND', 'BOOK_ON_LOAN'].includes(r))).toEqual([]);

    for (let i = 0; i < N; i++) {
      const b = books[i]!;
      const state = await w.db
        .selectFrom('books')
        .select(['deleted_at', 'inventory'])
        .where('id', '=', b.id)
        .executeTakeFirstOrThrow();
      const active = await w.db
        .selectFrom('borrowings')
        .select(sql<number>`count(*)`.as('n'))
        .where('book_id', '=', b.id)
        .where('actual_return_date', 'is', null)
        .executeTakeFirstOrThrow();
      const deletedBy = [statuses[i] === 204, removals[i] === 'OK'].filter(Boolean).length;
      if (borrows[i] === 'OK') {
        // The borrow won: the book stands, lent, and every removal was refused.
        expect(state.deleted_at).toBeNull();
        expect(active.n).toBe(1);
        expect(state.inventory).toBe(0);
        expect(deletedBy).toBe(0);
        expect((await w.http('GET', `/api/books/${b.id}/`)).status).toBe(200);
      } else {
        // The removal won: exactly one removal says so, and nobody holds the book.
        expect(borrows[i]).toBe('NOT_FOUND');
        expect(state.deleted_at).not.toBeNull();
        expect(active.n).toBe(0);
        expect(deletedBy).toBe(1);
        expect((await w.http('GET', `/api/books/${b.id}/`)).status).toBe(404);
      }
    }
  }, 180_000);
});

describe('The database refuses what core refuses, for any writer', () => {
  it('soft-deleting a book on loan, or lending a deleted book, is refused by the database itself', async () => {
    const u = await w.user();
    const lent = await w.book({ inventory: 1 });
    expect(
      (await w.req('POST', '/api/borrowings/', { token: u.access, body: { book_id: lent.id, expected_return_date: w.day(2) } }))
        .status,
    ).toBe(201);
    await expect(
      w.db.updateTable('books').set({ deleted_at: new Date().toISOString() }).where('id', '=', lent.id).execute(),
    ).rejects.toThrow(/BOOK_ON_LOAN/);

    const gone = await w.book();
    expect((await w.req('DELETE', `/api/books/${gone.id}/`, { token: staff.access })).status).toBe(204);
    await expect(
      w.db
        .insertInto('borrowings')
        .values({
          book_id: gone.id,
          user_id: u.id,
          borrow_date: w.day(0),
          expected_return_date: w.day(1),
          actual_return_date: null,
        })
        .execute(),
    ).rejects.toThrow(/BOOK_DELETED/);
  });
});
