// The queries behind holds are index seeks (SPEC §9: 1,000,000 books, 10,000,000 borrowings):
// every statement core runs against `holds` while placing, returning, borrowing, cancelling,
// listing and expiring is recorded and its SQLite query plan read — none scans the table, and
// "the first WAITING hold of a book" and "READY holds past their deadline" use their indexes.
// SQLite only (query plans are the engine's own); PostgreSQL's planner gets the same indexes.

import type SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { addDays, ManualClock } from '../../core/kernel/clock.js';
import { type DB, openDatabase } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';

let sqlite: SQLite.Database;
let db: DB;
let core: Core;
let stripe: StartedFakeStripe;
const statements = new Set<string>();

beforeAll(async () => {
  const opened = await openDatabase(':memory:');
  sqlite = opened.sqlite;
  db = opened.db;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    if (/\bholds\b/.test(source)) statements.add(source);
    return prepare(source);
  }) as typeof sqlite.prepare;
  const clock = new ManualClock('2026-03-10T10:00:00Z');
  stripe = await startFakeStripe({ webhookSecret: 'whsec_plans', now: () => clock.now().getTime() });
  const gateway = createStripeGateway({
    secretKey: 'sk_test_plans',
    webhookSecret: 'whsec_plans',
    apiBase: stripe.apiBase,
    maxNetworkRetries: 0,
  });
  core = createCore({ db, clock, config: testConfig(), gateway, logger: silentLogger() });

  // Every use case that touches holds, once.
  const reader = async (n: number) => ({
    userId: (
      await db
        .insertInto('users')
        .values({
          email: null,
          password_hash: null,
          first_name: 'P',
          last_name: String(n),
          telegram_user_id: 9_900 + n,
          created_at: '2026-03-10T10:00:00Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
    isStaff: false,
  });
  const [a, b, c, d] = [await reader(1), await reader(2), await reader(3), await reader(4)];
  const book = await core.books.create(SYSTEM_ACTOR, {
    title: 'Plans',
    author: 'A',
    cover: 'SOFT',
    inventory: 1,
    daily_fee: '1.00',
  });
  const { borrowing } = await core.borrowings.borrow(a, { book_id: book.id, expected_return_date: addDays('2026-03-10', 3) });
  const hb = await core.holds.place(b, { book_id: book.id });
  await core.holds.place(c, { book_id: book.id });
  const hd = await core.holds.place(d, { book_id: book.id });
  await core.holds.list(b);
  await core.holds.list(SYSTEM_ACTOR, { bookId: book.id, status: 'WAITING' });
  await core.holds.list(SYSTEM_ACTOR, { userId: b.userId });
  await core.holds.queue(SYSTEM_ACTOR, book.id);
  await core.borrowings.returnBook(a, borrowing.id);
  await core.holds.cancel(d, hd.id);
  clock.advance(49 * 3_600_000);
  await core.holds.expireDue(SYSTEM_ACTOR);
  await core.borrowings.borrow(c, { book_id: book.id, expected_return_date: addDays('2026-03-12', 3) });
  await core.books.setInventory(SYSTEM_ACTOR, book.id, 2);
  await core.holds.get(b, hb.id);
});
afterAll(async () => {
  await db?.destroy();
  await stripe?.close();
});

// Parameters bound as 1: a plan does not depend on their values (statuses are literals).
const plan = (source: string) =>
  (
    sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array.from(source.matchAll(/\?/g), () => 1)) as { detail: string }[]
  ).map((r) => r.detail);

describe('holds queries', () => {
  it('never scan the holds table', () => {
    expect(statements.size).toBeGreaterThan(10);
    const scans = [...statements].flatMap((s) =>
      plan(s)
        .filter((d) => /^SCAN (holds|h|w)\b(?! USING (COVERING )?INDEX)/.test(d))
        .map((d) => `${d}  ⟵  ${s}`),
    );
    // The staff's whole list, newest first, reads the primary key backwards under LIMIT: allowed.
    expect(scans.filter((s) => !/ORDER BY "holds"\."id" desc/.test(s))).toEqual([]);
  });

  it("find a book's first WAITING hold and the READY holds past their deadline by index", () => {
    const first = [...statements].find((s) => /"book_id" = \? and "holds"\."status" = 'WAITING' order by "id" limit/.test(s));
    expect(first, [...statements].join('\n')).toBeDefined();
    expect(plan(first!).join(' | ')).toMatch(/SEARCH holds USING (COVERING )?INDEX holds_book_waiting \(book_id=\?\)/);
    const due = [...statements].find((s) => /"ready_until" <= \?/.test(s) && /^select/.test(s));
    expect(due).toBeDefined();
    expect(plan(due!).join(' | ')).toMatch(/SEARCH holds USING (COVERING )?INDEX holds_ready_due \(ready_until<\?\)/);
    const counters = [...statements].find((s) => s.startsWith('update "books" set "held" = (SELECT count(*)'));
    expect(plan(counters!).join(' | ')).toMatch(/holds_book_ready/);
  });
});
