// Bulk seeding (db/seed.ts) on both engines: set-based, with core's search text, ids continuing.

import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.js';
import { bookSearchText, searchWords } from '../../core/catalogue/search-text.js';
import { createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import type { DB } from '../../db/connection.js';
import { bulkSeed } from '../../db/seed.js';
import type { PaymentGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';
import { openTestDatabase, TEST_ENGINE } from '../helpers/engine.js';

let db: DB;
let sqlite: SQLite.Database | undefined;
beforeEach(async () => {
  ({ db, sqlite } = await openTestDatabase());
});
afterEach(async () => {
  await db.destroy();
});

const count = async (t: 'books' | 'users' | 'borrowings') =>
  Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(t)}`.execute(db)).rows[0]!.n);

describe(`The bulk seeder (${TEST_ENGINE})`, () => {
  it('loads books, readers and borrowings set-based, each book with the search text core would write', async () => {
    const phases = new Set<string>();
    await bulkSeed(
      { db, sqlite },
      {
        books: 600,
        users: 40,
        borrowings: 900,
        today: '2026-03-10',
        fold: (w) => searchWords(w).join(' '),
        onProgress: (phase) => phases.add(phase),
      },
    );
    expect([await count('books'), await count('users'), await count('borrowings')]).toEqual([600, 40, 900]);
    expect(phases).toEqual(
      new Set([
        'books',
        'books indexes',
        'users',
        'users indexes',
        'borrowings',
        'borrowings indexes',
        ...(sqlite ? ['search index'] : []),
      ]),
    );
    const books = await db.selectFrom('books').select(['id', 'title', 'author', 'isbn', 'search_text']).orderBy('id').execute();
    for (const b of books) expect(b.search_text).toBe(bookSearchText(b));
    const late = await db
      .selectFrom('borrowings')
      .select(['borrow_date', 'expected_return_date', 'actual_return_date'])
      .execute();
    expect(
      late.every(
        (r) => r.expected_return_date > r.borrow_date && (r.actual_return_date === null || r.actual_return_date >= r.borrow_date),
      ),
    ).toBe(true);
    expect(late.some((r) => r.actual_return_date === null)).toBe(true);
  });

  it('leaves search, ids and the rules working for what core writes next', async () => {
    await bulkSeed(
      { db, sqlite },
      { books: 300, users: 10, borrowings: 0, today: '2026-03-10', fold: (w) => searchWords(w).join(' ') },
    );
    const gateway = {} as PaymentGateway;
    const core = createCore({
      db,
      clock: new ManualClock('2026-03-10T10:00:00Z'),
      config: testConfig({}),
      gateway,
      logger: silentLogger(),
    });
    const some = await db.selectFrom('books').select(['id', 'title', 'author']).where('id', '=', 123).executeTakeFirstOrThrow();
    const [w1] = some.title.split(' ');
    const found = await core.books.list({ search: `${w1} ${some.author.split(' ')[1]} 123`, limit: 100 });
    expect(found.results.map((b) => b.id)).toContain(123);
    const created = await core.books.create(SYSTEM_ACTOR, {
      title: 'Після сіру',
      author: 'Anon',
      cover: 'SOFT',
      inventory: 1,
      daily_fee: '1.00',
    });
    expect(created.id).toBe(301);
    const user = await core.users.register({
      email: 'after-seed@example.test',
      password: 'correct horse',
      first_name: 'A',
      last_name: 'B',
    });
    expect(user.id).toBe(11);
    expect((await core.books.list({ search: 'pislia' })).results.map((b) => b.id)).toEqual([301]);
  });
});
