// SPEC §11 under concurrency, across OS processes on one SQLite file: 30 readers queue for a
// book with one copy while its borrower returns it and staff raise the inventory. Whatever the
// interleaving, the copies that came back are set aside for the first readers in the queue — in
// queue order, nobody else — and inventory, set-aside copies and loans add up. SQLite only (the
// write lock is the file's); the PostgreSQL variant, with instances on a real server, belongs
// to the multi-instance suite (tests/multi-instance).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../core/kernel/clock.js';
import { createWorld, makeBook, tempDbFile, type World } from '../helpers/world.js';

const execFileAsync = promisify(execFile);
const STEP_MS = 12;

let w: World;
beforeAll(async () => {
  w = await createWorld({ file: tempDbFile(), env: { MAX_HOLDS: '5' } });
});
afterAll(async () => {
  await w?.close();
});

type Result = { ok: string; holdId?: number };
const worker = (actions: unknown[], startAt: number) =>
  execFileAsync(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/helpers/holds-race-worker.ts',
      w.file,
      w.stripe.apiBase,
      w.clock.now().toISOString(),
      String(startAt),
      String(STEP_MS),
      JSON.stringify(actions),
    ],
    { timeout: 120_000 },
  ).then(({ stdout }) => JSON.parse(stdout) as Result[]);

async function readers(n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = await w.db
      .insertInto('users')
      .values({
        email: null,
        password_hash: null,
        first_name: 'Racer',
        last_name: String(i),
        is_staff: 0,
        telegram_user_id: 8_800_000 + i,
        language: 'en',
        created_at: w.clock.now().toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

describe('30 readers queue for one copy while it is returned and staff raise the inventory, from two processes', () => {
  it('the first readers in queue order end READY, one per copy, the rest WAITING in order; the counts add up', async () => {
    const book = await makeBook(w.core, { title: 'Race for a copy', inventory: 1 });
    const [borrower, ...queue] = await readers(31);
    const { borrowing } = await w.core.borrowings.borrow(
      { userId: borrower!, isStaff: false },
      { book_id: book.id, expected_return_date: addDays(w.core.borrowings.today(), 5) },
    );

    // Process A: readers 0–14, the return among them; process B: readers 15–29, the raise to 3.
    const holdsOf = (ids: number[]) => ids.map((userId) => ({ kind: 'hold', userId, bookId: book.id }));
    const a = [
      ...holdsOf(queue.slice(0, 5)),
      { kind: 'return', userId: borrower, borrowingId: borrowing.id },
      ...holdsOf(queue.slice(5, 15)),
    ];
    const b = [
      ...holdsOf(queue.slice(15, 23)),
      { kind: 'inventory', bookId: book.id, inventory: 3 },
      ...holdsOf(queue.slice(23, 30)),
    ];
    const startAt = Date.now() + 3000;
    const [ra, rb] = await Promise.all([worker(a, startAt), worker(b, startAt)]);
    const results = [...ra, ...rb];

    // No failure of any kind; a hold is refused only while a copy was free for the taking.
    expect(results.filter((r) => r.ok !== 'OK' && r.ok !== 'COPY_AVAILABLE')).toEqual([]);
    const placed = results.filter((r) => r.holdId !== undefined).map((r) => r.holdId!);
    expect(placed.length).toBeGreaterThan(0);

    const holds = await w.db
      .selectFrom('holds')
      .select(['id', 'status', 'user_id'])
      .where('book_id', '=', book.id)
      .orderBy('id')
      .execute();
    expect(holds.map((h) => h.id).sort((x, y) => x - y)).toEqual([...placed].sort((x, y) => x - y));
    const row = await w.db
      .selectFrom('books')
      .select(['inventory', 'held', 'waiting'])
      .where('id', '=', book.id)
      .executeTakeFirstOrThrow();
    const loans = await w.db
      .selectFrom('borrowings')
      .select(sql<number>`count(*)`.as('n'))
      .where('book_id', '=', book.id)
      .where('actual_return_date', 'is', null)
      .executeTakeFirstOrThrow();

    // Every copy is on the shelf now (the one loan came back); the raise set 3 — or 3 + 1 when
    // it landed before the return brought its copy in.
    expect(Number(loans.n)).toBe(0);
    expect([3, 4]).toContain(row.inventory);
    // Queue order: the READY holds are exactly the first ones, as many as copies (or holds).
    const ready = Math.min(holds.length, row.inventory);
    expect(holds.map((h) => h.status)).toEqual(holds.map((_, i) => (i < ready ? 'READY' : 'WAITING')));
    expect(row).toEqual({ inventory: row.inventory, held: ready, waiting: holds.length - ready });
    // A copy sat free only while nobody was waiting: then every refused reader came after it.
    const available = row.inventory - row.held;
    if (row.waiting > 0) expect(available).toBe(0);
    // Each reader READY was told, once.
    const told = await w.db.selectFrom('outbox').select('dedup_key').where('kind', '=', 'reader.hold_ready').execute();
    expect(told.map((t) => t.dedup_key).sort()).toEqual(
      holds
        .slice(0, ready)
        .map((h) => `hold-ready:${h.id}`)
        .sort(),
    );
  });
});
