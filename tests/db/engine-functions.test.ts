// The engine functions of db/ (ARCHITECTURE.md, "Two engines, one core"): one suite, run by both
// projects — on SQLite, and on PostgreSQL (PGlite, or a real server with TEST_DATABASE_URL, where
// the tests marked "real server" also show what one PGlite session cannot: concurrent sessions).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookSearchText, queryWords } from '../../core/catalogue/search-text.js';
import { type DB, immediateTransaction, MIGRATION_NAMES, migrateToLatest } from '../../db/connection.js';
import { concatText, daysBetween, double, greatest, jsonObject, least, param, roundToInteger } from '../../db/dialect-sql.js';
import { type Engine, engineKind } from '../../db/engine.js';
import { isConstraintViolation, isRaised, isUniqueViolation } from '../../db/errors.js';
import { KvStore as KyselyStorage } from '../../db/kv-store.js';
import { acquireLease, liveLease, releaseLease } from '../../db/leases.js';
import { claimRow, dueHeads } from '../../db/outbox.js';
import { counterStoreFor } from '../../db/rate-limit-store.js';
import { bookSearchFilter } from '../../db/search.js';
import { isRetryableConflict, lockForUpdate, writeTransaction } from '../../db/transactions.js';
import { onPostgres, openTestDatabase, TEST_ENGINE } from '../helpers/engine.js';

const realServer = onPostgres && Boolean(process.env.TEST_DATABASE_URL);

let db: DB;
let engine: Engine;
beforeEach(async () => {
  ({ db, engine } = await openTestDatabase());
});
afterEach(async () => {
  await db.destroy();
});

const addBook = (over: Partial<{ title: string; author: string; isbn: string | null; inventory: number }> = {}) =>
  db
    .insertInto('books')
    .values({
      title: 'A Book',
      author: 'An Author',
      isbn: null,
      cover: 'SOFT',
      inventory: 1,
      daily_fee_cents: 100,
      created_at: '2026-03-10T10:00:00.000Z',
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
    .then((r) => r.id);

const addUser = (over: Partial<{ email: string | null; telegram_user_id: number | null }> = {}) =>
  db
    .insertInto('users')
    .values({ email: null, first_name: 'Ann', last_name: 'Reader', created_at: '2026-03-10T10:00:00.000Z', ...over })
    .returning('id')
    .executeTakeFirstOrThrow()
    .then((r) => r.id);

const inventoryOf = async (id: number) =>
  (await db.selectFrom('books').select('inventory').where('id', '=', id).executeTakeFirstOrThrow()).inventory;

describe(`The engine (${TEST_ENGINE})`, () => {
  it('is the one the project asked for, on the database and on its transactions', async () => {
    expect(engine.kind).toBe(TEST_ENGINE);
    expect(engineKind(db)).toBe(TEST_ENGINE);
    await immediateTransaction(db, async (trx) => expect(engineKind(trx)).toBe(TEST_ENGINE));
  });

  it('gives ids, Telegram chat ids, epoch milliseconds and count(*) back as JS numbers', async () => {
    const user = await addUser({ telegram_user_id: 5_000_000_123 });
    await db
      .insertInto('outbox')
      .values({
        chat_id: -1001234567890,
        kind: 'x',
        payload: '{}',
        next_attempt_at: 1_773_136_800_000,
        created_at: '2026-03-10T10:00:00.000Z',
      })
      .execute();
    const row = await db.selectFrom('outbox').select(['id', 'chat_id', 'next_attempt_at']).executeTakeFirstOrThrow();
    expect(row).toEqual({ id: 1, chat_id: -1001234567890, next_attempt_at: 1_773_136_800_000 });
    const u = await db
      .selectFrom('users')
      .select(['id', 'telegram_user_id', 'is_staff'])
      .where('id', '=', user)
      .executeTakeFirstOrThrow();
    expect(u).toEqual({ id: user, telegram_user_id: 5_000_000_123, is_staff: 0 });
    const n = await db.selectFrom('outbox').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
    const s = await db.selectFrom('books').select(sql<number>`coalesce(sum(inventory), 0)`.as('s')).executeTakeFirstOrThrow();
    expect(s.s).toBe(0);
  });

  it('reports affected rows as Kysely expects (core checks numUpdatedRows)', async () => {
    const id = await addBook({ inventory: 1 });
    const took = await db
      .updateTable('books')
      .set({ inventory: sql`inventory - 1` })
      .where('id', '=', id)
      .where('inventory', '>', 0)
      .executeTakeFirst();
    expect(Number(took.numUpdatedRows)).toBe(1);
    const none = await db
      .updateTable('books')
      .set({ inventory: sql`inventory - 1` })
      .where('id', '=', id)
      .where('inventory', '>', 0)
      .executeTakeFirst();
    expect(Number(none.numUpdatedRows)).toBe(0);
    const ins = await db
      .insertInto('settings')
      .values({ key: 'k', value: 'v' })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    const again = await db
      .insertInto('settings')
      .values({ key: 'k', value: 'v' })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    expect([Number(ins.numInsertedOrUpdatedRows), Number(again.numInsertedOrUpdatedRows)]).toEqual([1, 0]);
  });

  it('orders text by code point, as SQLite does (titles, keyset cursors)', async () => {
    for (const title of ['b', 'B', 'a', '_', 'Z', 'á', '10', '9', 'Ärger', 'Яблуко']) await addBook({ title });
    const rows = await db.selectFrom('books').select('title').orderBy('title').orderBy('id').execute();
    expect(rows.map((r) => r.title)).toEqual(['10', '9', 'B', 'Z', '_', 'a', 'b', 'Ärger', 'á', 'Яблуко']);
    const after = await db.selectFrom('books').select('title').where('title', '>', 'Z').orderBy('title').execute();
    expect(after.map((r) => r.title)).toEqual(['_', 'a', 'b', 'Ärger', 'á', 'Яблуко']);
  });
});

describe('Migrations', () => {
  it('run up on an empty database, all of them, and a second run applies none', async () => {
    if (onPostgres) {
      const { openPglite } = await import('../../db/pglite.js');
      const fresh = await openPglite();
      try {
        const applied = await migrateToLatest(fresh.db);
        expect(applied).toEqual([...MIGRATION_NAMES]);
        expect(await migrateToLatest(fresh.db)).toEqual([]);
      } finally {
        await fresh.engine.close();
      }
    } else {
      const { openDatabase } = await import('../../db/connection.js');
      const fresh = await openDatabase(':memory:');
      expect(fresh.applied).toEqual([...MIGRATION_NAMES]);
      expect(await migrateToLatest(fresh.db)).toEqual([]);
      await fresh.db.destroy();
    }
  });

  it('hold the same constraints: dates, emails stored in lower case, JSON payloads, unique ISBNs of live books', async () => {
    const user = await addUser();
    const book = await addBook();
    const borrow = (borrow_date: string, expected_return_date: string) =>
      db
        .insertInto('borrowings')
        .values({ book_id: book, user_id: user, borrow_date, expected_return_date, actual_return_date: null, created_at: 'x' })
        .execute();
    await expect(borrow('2026-02-30', '2026-03-10')).rejects.toSatisfy(isConstraintViolation);
    await expect(borrow('2026-03-10', '2026-03-09')).rejects.toSatisfy(isConstraintViolation);
    await expect(borrow('2026-3-10', '2026-03-19')).rejects.toSatisfy(isConstraintViolation);
    await borrow('2026-03-10', '2026-03-17');
    await expect(
      db
        .insertInto('outbox')
        .values({ chat_id: 1, kind: 'x', payload: '{not json', next_attempt_at: 0, created_at: 'x' })
        .execute(),
    ).rejects.toSatisfy(isConstraintViolation);
    await addUser({ email: 'ann@example.test' });
    await expect(addUser({ email: 'ann@example.test' })).rejects.toSatisfy(isUniqueViolation);
    if (onPostgres) await expect(addUser({ email: 'Bob@Example.test' })).rejects.toSatisfy(isConstraintViolation);
    await addBook({ isbn: '978-1' });
    await expect(addBook({ isbn: '978-1' })).rejects.toSatisfy(isUniqueViolation);
  });

  it('guard books on loan and deleted books with triggers that raise the same message', async () => {
    const user = await addUser();
    const book = await addBook();
    await db
      .insertInto('borrowings')
      .values({
        book_id: book,
        user_id: user,
        borrow_date: '2026-03-10',
        expected_return_date: '2026-03-17',
        actual_return_date: null,
        created_at: 'x',
      })
      .execute();
    const del = db.updateTable('books').set({ deleted_at: '2026-03-11T00:00:00.000Z' }).where('id', '=', book).execute();
    await expect(del).rejects.toSatisfy((e: unknown) => isRaised(e, 'BOOK_ON_LOAN'));
    const gone = await addBook({ title: 'Gone' });
    await db.updateTable('books').set({ deleted_at: '2026-03-11T00:00:00.000Z' }).where('id', '=', gone).execute();
    const lend = db
      .insertInto('borrowings')
      .values({
        book_id: gone,
        user_id: user,
        borrow_date: '2026-03-10',
        expected_return_date: '2026-03-17',
        actual_return_date: null,
        created_at: 'x',
      })
      .execute();
    await expect(lend).rejects.toSatisfy((e: unknown) => isRaised(e, 'BOOK_DELETED'));
  });
});

describe('Write transactions', () => {
  it('50 concurrent conditional decrements of one row end exact: 20 copies, 20 taken, 30 refused', async () => {
    const book = await addBook({ inventory: 20 });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        writeTransaction(db, async (trx) => {
          await lockForUpdate(trx, 'books', [book]);
          const { inventory } = await trx
            .selectFrom('books')
            .select('inventory')
            .where('id', '=', book)
            .executeTakeFirstOrThrow();
          if (inventory <= 0) return 'refused';
          await trx
            .updateTable('books')
            .set({ inventory: inventory - 1 })
            .where('id', '=', book)
            .execute();
          return 'taken';
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(20);
    expect(await inventoryOf(book)).toBe(0);
  });

  it('roll back everything on an error', async () => {
    const book = await addBook({ inventory: 5 });
    await expect(
      immediateTransaction(db, async (trx) => {
        await trx.updateTable('books').set({ inventory: 0 }).where('id', '=', book).execute();
        throw new Error('rule refused');
      }),
    ).rejects.toThrow('rule refused');
    expect(await inventoryOf(book)).toBe(5);
  });

  it('run again after a serialization failure or deadlock (PostgreSQL), with earlier attempts rolled back', async () => {
    const book = await addBook({ inventory: 5 });
    let calls = 0;
    const conflict = (code: string) => Object.assign(new Error('conflict'), { code });
    const run = writeTransaction(db, async (trx) => {
      calls++;
      await trx.updateTable('books').set({ inventory: sql`inventory - 1` }).where('id', '=', book).execute();
      if (calls === 1) throw conflict('40001');
      if (calls === 2) throw conflict('40P01');
      return calls;
    });
    if (onPostgres) {
      expect(await run).toBe(3);
      expect(await inventoryOf(book)).toBe(4);
    } else {
      // BEGIN IMMEDIATE never loses such a race: an error is the use case's own, not retried.
      await expect(run).rejects.toThrow('conflict');
      expect(calls).toBe(1);
      expect(await inventoryOf(book)).toBe(5);
    }
    expect(isRetryableConflict(conflict('40001'))).toBe(true);
    expect(isRetryableConflict(conflict('23505'))).toBe(false);
  });

  it('give up after the last attempt with the conflict itself', async () => {
    let calls = 0;
    const run = writeTransaction(
      db,
      async () => {
        calls++;
        throw Object.assign(new Error('still conflicting'), { code: '40001' });
      },
      { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    );
    await expect(run).rejects.toThrow('still conflicting');
    expect(calls).toBe(onPostgres ? 3 : 1);
  });

  it('lock only rows that exist, in any order, duplicates and all (a no-op on SQLite)', async () => {
    const a = await addBook();
    const b = await addBook();
    await writeTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'books', [b, a, b, 999]);
      await lockForUpdate(trx, 'books', []);
    });
  });

  it.runIf(realServer)('real server: a locked row makes another transaction wait for the commit', async () => {
    const book = await addBook({ inventory: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const first = writeTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'books', [book]);
      order.push('first locked');
      await gate;
      await trx.updateTable('books').set({ inventory: 0 }).where('id', '=', book).execute();
      order.push('first commits');
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = writeTransaction(db, async (trx) => {
      await lockForUpdate(trx, 'books', [book]);
      order.push('second locked');
      return (await trx.selectFrom('books').select('inventory').where('id', '=', book).executeTakeFirstOrThrow()).inventory;
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await first;
    expect(await second).toBe(0);
    expect(order).toEqual(['first locked', 'first commits', 'second locked']);
  });

  it.runIf(realServer)(
    'real server: two transactions locking in opposite orders both finish (the deadlock loser is retried)',
    async () => {
      const a = await addBook({ inventory: 10 });
      const b = await addBook({ inventory: 10 });
      const take = (first: number, second: number) =>
        writeTransaction(db, async (trx) => {
          await trx.updateTable('books').set({ inventory: sql`inventory - 1` }).where('id', '=', first).execute();
          await new Promise((r) => setTimeout(r, 50));
          await trx.updateTable('books').set({ inventory: sql`inventory - 1` }).where('id', '=', second).execute();
        });
      await Promise.all([take(a, b), take(b, a)]);
      expect([await inventoryOf(a), await inventoryOf(b)]).toEqual([8, 8]);
    },
  );
});

describe('The change token', () => {
  it('moves with every commit that writes books, and stays put while nothing is committed', async () => {
    const t0 = await engine.changeToken.current();
    expect(await engine.changeToken.current()).toBe(t0);
    const id = await addBook();
    const t1 = await engine.changeToken.current();
    expect(t1).toBeGreaterThan(t0);
    await db.updateTable('books').set({ inventory: 7 }).where('id', '=', id).execute();
    const t2 = await engine.changeToken.current();
    expect(t2).toBeGreaterThan(t1);
    await db.deleteFrom('books').where('id', '=', id).execute();
    expect(await engine.changeToken.current()).toBeGreaterThan(t2);
  });

  it('does not move for a write that was rolled back (PostgreSQL: the bump rolls back with it)', async () => {
    const t0 = await engine.changeToken.current();
    await expect(
      immediateTransaction(db, async (trx) => {
        await trx
          .insertInto('books')
          .values({ title: 'T', author: 'A', cover: 'SOFT', inventory: 1, daily_fee_cents: 1, isbn: null, created_at: 'x' })
          .execute();
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const t1 = await engine.changeToken.current();
    // SQLite's total_changes() counts rolled-back changes too: a spare reload, never a stale one.
    if (onPostgres) expect(t1).toBe(t0);
    else expect(t1).toBeGreaterThanOrEqual(t0);
  });

  it('is shared: a commit through another instance on the same database moves this one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-token-'));
    const file = path.join(dir, 'library.db');
    const a = await openTestDatabase(file);
    const b = await openTestDatabase(file);
    try {
      const before = await a.engine.changeToken.current();
      await b.db
        .insertInto('books')
        .values({ title: 'T', author: 'A', cover: 'SOFT', inventory: 1, daily_fee_cents: 1, isbn: null, created_at: 'x' })
        .execute();
      expect(await a.engine.changeToken.current()).toBeGreaterThan(before);
      const seen = await a.db.selectFrom('books').select('title').execute();
      expect(seen.map((r) => r.title)).toEqual(['T']);
    } finally {
      await a.db.destroy();
      await b.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(realServer)(
    'real server: is never newer than data a reader loads after it (an uncommitted write moves nothing)',
    async () => {
      const id = await addBook({ inventory: 1 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      const writer = writeTransaction(db, async (trx) => {
        await trx.updateTable('books').set({ inventory: 9 }).where('id', '=', id).execute();
        written();
        await gate;
      });
      await wrote;
      const token = await engine.changeToken.current();
      const data = await inventoryOf(id);
      release();
      await writer;
      expect(data).toBe(1);
      expect(await engine.changeToken.current()).toBeGreaterThan(token);
      expect(await inventoryOf(id)).toBe(9);
    },
  );
});

describe('Leases', () => {
  it('one holder until expiry, renewal by the holder, takeover after expiry, release', async () => {
    expect(await acquireLease(db, 'dispatcher', 'a', 1000, 10_000)).toBe(true);
    expect(await acquireLease(db, 'dispatcher', 'b', 1000, 10_500)).toBe(false);
    expect(await acquireLease(db, 'dispatcher', 'a', 1000, 10_900)).toBe(true);
    expect(await liveLease(db, 'dispatcher', 11_000)).toEqual({ name: 'dispatcher', holder: 'a', expiresAt: 11_900 });
    expect(await acquireLease(db, 'dispatcher', 'b', 1000, 11_900)).toBe(true);
    await releaseLease(db, 'dispatcher', 'a');
    expect((await liveLease(db, 'dispatcher', 12_000))?.holder).toBe('b');
    await releaseLease(db, 'dispatcher', 'b');
    expect(await liveLease(db, 'dispatcher', 12_000)).toBeUndefined();
  });

  it('20 contenders at once: exactly one holds it', async () => {
    const won = await Promise.all(Array.from({ length: 20 }, (_, i) => acquireLease(db, 'job:overdue', `h${i}`, 5000, 1_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});

describe('Outbox claims', () => {
  const queue = async (chatId: number, n: number, at = 0) => {
    for (let i = 0; i < n; i++) {
      await db
        .insertInto('outbox')
        .values({ chat_id: chatId, kind: 'k', payload: '{}', next_attempt_at: at, created_at: 'x' })
        .execute();
    }
  };

  it('a due row is claimed once, whoever asks at the same time', async () => {
    await queue(1, 1);
    const [id] = (await dueHeads(db, 100, 0, 10)).map((h) => h.id);
    const wins = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => claimRow(db, id!, { holder, holdMs: 1000 }, 100)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const row = await db.selectFrom('outbox').select(['attempts', 'claimed_by', 'next_attempt_at']).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(row.next_attempt_at).toBe(1100);
  });

  it('a fenced claim needs the live lease', async () => {
    await queue(1, 1);
    const [id] = (await dueHeads(db, 100, 0, 10)).map((h) => h.id);
    expect(await claimRow(db, id!, { holder: 'a', holdMs: 1000, fence: 'dispatcher' }, 100)).toBe(false);
    await acquireLease(db, 'dispatcher', 'a', 1000, 100);
    expect(await claimRow(db, id!, { holder: 'a', holdMs: 1000, fence: 'dispatcher' }, 100)).toBe(true);
  });
});

describe('Catalogue search', () => {
  const addBookRow = addBook;
  const search = async (q: string) => {
    const filter = bookSearchFilter(db, queryWords(q));
    if (!filter) return null;
    const rows = await db
      .selectFrom('books')
      .select('title')
      .where('deleted_at', 'is', null)
      .where(filter)
      .orderBy('title')
      .orderBy('id')
      .execute();
    return rows.map((r) => r.title);
  };

  beforeEach(async () => {
    // Core writes the search text with every book; these rows are written here, so here too.
    const addBook = async (b: { title: string; author: string; isbn: string | null }) => {
      const id = await addBookRow(b);
      await db
        .updateTable('books')
        .set({ search_text: bookSearchText(b) })
        .where('id', '=', id)
        .execute();
    };
    await addBook({ title: 'The Hobbit', author: 'J. R. R. Tolkien', isbn: '978-0547928227' });
    await addBook({ title: 'Pride and Prejudice', author: 'Jane Austen', isbn: '978-0141439518' });
    await addBook({ title: 'One Hundred Years of Solitude', author: 'Gabriel García Márquez', isbn: '978-0060883287' });
    await addBook({ title: 'Kobzar', author: 'Тарас Шевченко', isbn: null });
    await addBook({ title: 'Moby-Dick', author: 'Herman Melville', isbn: '978-1503280786' });
    await addBook({ title: 'Brave New World', author: 'Aldous Huxley', isbn: '978-0060850524' });
    await addBook({ title: 'Дума про Марусю', author: 'Невідомий', isbn: null });
  });

  it('finds books where every word is a prefix of a word in title, author or ISBN, in title order', async () => {
    expect(await search('hob')).toEqual(['The Hobbit']);
    expect(await search('jane pri')).toEqual(['Pride and Prejudice']);
    expect(await search('J R R')).toEqual(['The Hobbit']);
    expect(await search('978')).toEqual([
      'Brave New World',
      'Moby-Dick',
      'One Hundred Years of Solitude',
      'Pride and Prejudice',
      'The Hobbit',
    ]);
    expect(await search('0141439')).toEqual(['Pride and Prejudice']);
    expect(await search('978-0141439518')).toEqual(['Pride and Prejudice']);
    expect(await search('dick moby')).toEqual(['Moby-Dick']);
    expect(await search('new')).toEqual(['Brave New World']);
  });

  it('ignores case and Latin diacritics, and knows other scripts', async () => {
    expect(await search('MARQUEZ')).toEqual(['One Hundred Years of Solitude']);
    expect(await search('garcía')).toEqual(['One Hundred Years of Solitude']);
    expect(await search('шевч')).toEqual(['Kobzar']);
    expect(await search('ТАРАС')).toEqual(['Kobzar']);
    expect(await search('мару')).toEqual(['Дума про Марусю']);
  });

  it('finds across Cyrillic and Latin script, both ways (the words core folded)', async () => {
    expect(await search('кобзар')).toEqual(['Kobzar']);
    expect(await search('shevchenko')).toEqual(['Kobzar']);
    expect(await search('duma marus')).toEqual(['Дума про Марусю']);
    expect(await search('гобіт')).toEqual(['The Hobbit']);
  });

  it('finds nothing, without an error, for a word longer than any indexed word', async () => {
    expect(await search('abcdefgijk'.repeat(500))).toBeNull();
    expect(await search(`hob ${'bcdefgijk'.repeat(100)}`)).toEqual([]);
  });

  it('matches prefixes only, and every word must match', async () => {
    expect(await search('obbit')).toEqual([]);
    expect(await search('hobbit austen')).toEqual([]);
    expect(await search('zzz')).toEqual([]);
  });

  it('reads punctuation and query syntax as plain words, never as an error', async () => {
    expect(await search('"hob"')).toEqual(['The Hobbit']);
    expect(await search('hob* OR')).toEqual([]);
    expect(await search("l'hob")).toEqual([]);
    expect(await search('NEAR(hob)')).toEqual([]);
    expect(await search('((( :* & | !')).toBeNull();
    expect(await search('')).toBeNull();
  });
});

describe('SQL that differs per engine (db/dialect-sql.ts)', () => {
  const one = async <T>(expr: ReturnType<typeof sql<T>>) => (await sql<{ v: T }>`SELECT ${expr} AS v`.execute(db)).rows[0]!.v;

  it('jsonObject: the same object from columns and parameters', async () => {
    const id = await addBook({ title: 'Dune', inventory: 4 });
    const row = await db
      .selectFrom('books')
      .select(jsonObject(db, { id: sql.ref('id'), title: sql.ref('title'), n: 3, ratio: 1.5, word: "it's", none: null }).as('j'))
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.j)).toEqual({ id, title: 'Dune', n: 3, ratio: 1.5, word: "it's", none: null });
  });

  it('daysBetween: whole days between ISO dates, either way, across months and leap days', async () => {
    expect(await one(daysBetween(db, '2026-03-10', '2026-03-17'))).toBe(7);
    expect(await one(daysBetween(db, '2026-03-17', '2026-03-10'))).toBe(-7);
    expect(await one(daysBetween(db, '2028-02-28', '2028-03-01'))).toBe(2);
    expect(await one(daysBetween(db, '2026-12-31', '2027-01-01'))).toBe(1);
  });

  it('least / greatest of two values', async () => {
    expect(await one(least(db, 1_000_001, 1_000_000))).toBe(1_000_000);
    expect(await one(greatest(db, -3, 2))).toBe(2);
    const id = await addBook({ inventory: 1_000_000 });
    await db
      .updateTable('books')
      .set({ inventory: least(db, sql<number>`inventory + 1`, 1_000_000) })
      .where('id', '=', id)
      .execute();
    expect(await inventoryOf(id)).toBe(1_000_000);
  });

  it('roundToInteger rounds halves up as Math.round does; double keeps fractions of parameters', async () => {
    for (const x of [0.5, 1.5, 2.5, 16.5, 16.499999999999996, 108.9, 3.0000000000000004]) {
      expect(await one(roundToInteger(db, double(db, x)))).toBe(Math.round(x));
    }
    expect(await one(roundToInteger(db, sql<number>`${double(db, 3)} * 33 * ${double(db, 1.1)}`))).toBe(Math.round(3 * 33 * 1.1));
  });

  it('param and concatText in an INSERT … SELECT (typed parameters in a select list)', async () => {
    const user = await addUser({ telegram_user_id: 42 });
    const inserted = await db
      .insertInto('outbox')
      .columns(['chat_id', 'kind', 'payload', 'dedup_key', 'next_attempt_at', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('users as u')
          .select([
            'u.telegram_user_id',
            param(db, 'reader.due_soon', 'text').as('kind'),
            param(db, '{}', 'text').as('payload'),
            concatText(db, 'due-soon:', sql.ref<number>('u.id')).as('dedup_key'),
            param(db, 1_773_136_800_000, 'bigint').as('next_attempt_at'),
            param(db, '2026-03-10T10:00:00.000Z', 'text').as('created_at'),
          ])
          .where('u.id', '=', user),
      )
      .executeTakeFirst();
    expect(Number(inserted.numInsertedOrUpdatedRows)).toBe(1);
    const row = await db.selectFrom('outbox').select(['chat_id', 'dedup_key', 'next_attempt_at']).executeTakeFirstOrThrow();
    expect(row).toEqual({ chat_id: 42, dedup_key: `due-soon:${user}`, next_attempt_at: 1_773_136_800_000 });
  });
});

describe('Throttling counters', () => {
  it('one store per database; on PostgreSQL shared by every instance on it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-counters-'));
    const file = path.join(dir, 'library.db');
    const a = await openTestDatabase(file);
    const b = await openTestDatabase(file);
    try {
      const spec = { name: 'login-address', points: 3, durationSec: 60 };
      const ca = counterStoreFor(a.db).counter(spec);
      const cb = counterStoreFor(b.db).counter(spec);
      await ca.consume('10.0.0.1');
      await cb.consume('10.0.0.1');
      await ca.consume('10.0.0.1');
      // The fourth point of the window, through the other instance.
      const fourth = cb.consume('10.0.0.1').then(
        () => 'allowed',
        () => 'refused',
      );
      // SQLite: each process (here: each database handle) counts for itself.
      expect(await fourth).toBe(onPostgres ? 'refused' : 'allowed');
      expect(counterStoreFor(a.db)).toBe(counterStoreFor(a.db));
    } finally {
      await a.db.destroy();
      await b.db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Bot session storage', () => {
  it('reads, writes (only when changed), overwrites and deletes by key', async () => {
    let now = new Date('2026-03-10T10:00:00.000Z');
    const store = new KyselyStorage<{ step: number }>(db, 's:', () => now);
    expect(await store.read('1')).toBeUndefined();
    await store.write('1', { step: 1 });
    expect(await store.read('1')).toEqual({ step: 1 });
    now = new Date('2026-03-10T11:00:00.000Z');
    await store.write('1', { step: 1 });
    const unchanged = await db.selectFrom('bot_sessions').select('updated_at').executeTakeFirstOrThrow();
    expect(unchanged.updated_at).toBe('2026-03-10T10:00:00.000Z');
    await store.write('1', { step: 2 });
    expect(await store.read('1')).toEqual({ step: 2 });
    expect(await store.has('1')).toBe(true);
    await store.delete('1');
    expect(await store.has('1')).toBe(false);
  });
});
