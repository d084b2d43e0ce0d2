// Several OS processes on one SQLite file: the write lock (BEGIN IMMEDIATE) is the file's, so
// borrows from three processes still never push the inventory below zero. SQLite only — on
// PostgreSQL the multi-instance tests against a real server cover the same (tests/multi-instance).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../core/kernel/clock.js';
import { codeOf, createWorld, makeBook, makeReader, tempDbFile, type World } from '../helpers/world.js';

const execFileAsync = promisify(execFile);
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('concurrency on one database file', () => {
  it('20 concurrent borrows of a 5-copy book from three processes: exactly 5 succeed, inventory ends at 0', async () => {
    const file = tempDbFile();
    world = await createWorld({ file });
    const book = await makeBook(world.core, { inventory: 5 });
    const readers = await Promise.all(Array.from({ length: 20 }, () => makeReader(world!.core)));
    const due = addDays(world.core.borrowings.today(), 7);
    const ids = readers.map((r) => r.user.id);
    // Two other processes, each with its own connection to the same WAL file, race this one.
    const worker = (slice: number[]) =>
      execFileAsync(process.execPath, [
        '--import',
        'tsx',
        'tests/helpers/borrow-worker.ts',
        file,
        String(book.id),
        slice.join(','),
        due,
        world!.stripe.apiBase,
        world!.clock.now().toISOString(),
      ]).then(({ stdout }) => JSON.parse(stdout) as string[]);
    const local = Promise.all(
      ids
        .slice(14)
        .map((id) =>
          codeOf(world!.core.borrowings.borrow({ userId: id, isStaff: false }, { book_id: book.id, expected_return_date: due })),
        ),
    );
    const results = (await Promise.all([worker(ids.slice(0, 7)), worker(ids.slice(7, 14)), local])).flat();
    expect(results).toHaveLength(20);
    expect(results.filter((r) => r === 'OK')).toHaveLength(5);
    expect(results.filter((r) => r === 'NO_COPIES_LEFT')).toHaveLength(15);
    expect((await world.core.books.get(book.id)).inventory).toBe(0);
    const count = await world.db
      .selectFrom('borrowings')
      .select(sql<number>`count(*)`.as('n'))
      .where('book_id', '=', book.id)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(5);
  });
});
