// npm run db:copy (db/copy.ts): a SQLite library copied into PostgreSQL keeps every row as it was,
// and the service goes on from the copy — the next ids continue after the copied ones.
// PostgreSQL project only: the source is always SQLite, the target the PostgreSQL under test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.js';
import { type Core, createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import { type DB, getOrCreateSetting, openDatabase } from '../../db/connection.js';
import { copyDatabase, planCopy, TargetNotEmptyError } from '../../db/copy.js';
import { KvStore } from '../../db/kv-store.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';
import { type StartedFakeStripe, startFakeStripe } from '../fakes/stripe.js';
import { onPostgres, openTestDatabase } from '../helpers/engine.js';

let dir: string;
let stripe: StartedFakeStripe;
let source: DB;
let target: DB;
const clock = new ManualClock('2026-03-10T10:00:00Z');
const config = testConfig({ TELEGRAM_STAFF_CHAT_ID: '-1001234567890' });

const coreOver = (db: DB): Core =>
  createCore({
    db,
    clock,
    config,
    logger: silentLogger(),
    gateway: createStripeGateway({
      secretKey: 'sk_test_copy',
      webhookSecret: 'whsec_copy',
      apiBase: stripe.apiBase,
      timeoutMs: 2000,
      maxNetworkRetries: 0,
    }),
  });

const reader = async (core: Core, db: DB, n: number, telegramId?: number) => {
  const u = await core.users.register({
    email: `copy-reader${n}@example.test`,
    password: 'correct horse',
    first_name: 'Copy',
    last_name: `Reader${n}`,
  });
  if (telegramId) await db.updateTable('users').set({ telegram_user_id: telegramId }).where('id', '=', u.id).execute();
  return { userId: u.id, isStaff: false };
};

beforeAll(async () => {
  expect(onPostgres).toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-copy-'));
  stripe = await startFakeStripe({ webhookSecret: 'whsec_copy', now: () => clock.now().getTime() });
  ({ db: source } = await openDatabase(path.join(dir, 'library.db')));
  const core = coreOver(source);
  await core.demo.loadCatalogue(SYSTEM_ACTOR);
  await core.demo.ensureStaffAccount(SYSTEM_ACTOR);
  await getOrCreateSetting(source, 'jwt_secret', () => 'the-secret-that-must-survive');
  const [ann, bob, cid] = [
    await reader(core, source, 1, 5_000_000_001),
    await reader(core, source, 2),
    await reader(core, source, 3, 5_000_000_003),
  ];
  const books = (await core.books.list({ limit: 100 })).results;
  const paid = await core.borrowings.borrow(ann, { book_id: books[0]!.id, expected_return_date: '2026-03-15' });
  const sessionId = paid.borrowing.payments[0]!.session_id!;
  await stripe.api.pay(sessionId);
  await core.payments.confirmSession(sessionId);
  const late = await core.borrowings.borrow(bob, { book_id: books[1]!.id, expected_return_date: '2026-03-12' });
  await core.borrowings.borrow(cid, { book_id: books[2]!.id, expected_return_date: '2026-03-20' });
  clock.set('2026-03-14T10:00:00Z');
  await core.borrowings.returnBook(SYSTEM_ACTOR, late.borrowing.id);
  // A returned loan of a book deleted since: history the target's guard trigger would refuse to write anew.
  await core.books.remove(SYSTEM_ACTOR, books[1]!.id);
  await source
    .insertInto('stripe_events')
    .values({ id: 'evt_copied', type: 'checkout.session.completed', processed_at: '2026-03-10T10:05:00.000Z' })
    .execute();
  await new KvStore(source, 'session:').write('5000000001', { language: 'uk', catalogue: { search: 'кобзар' } });
  await source
    .insertInto('telegram_link_codes')
    .values({
      code: 'link-code-1',
      user_id: ann.userId,
      expires_at: '2026-03-10T10:10:00.000Z',
      used_at: null,
      used_by_telegram_user_id: null,
    })
    .execute();
  // Transient: not copied.
  await source
    .insertInto('leases')
    .values({ name: 'dispatcher', holder: 'old instance', expires_at: clock.now().getTime() + 5000 })
    .execute();
  ({ db: target } = await openTestDatabase());
});

afterAll(async () => {
  await source?.destroy();
  await target?.destroy();
  await stripe?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rowsOf = async (db: Kysely<any>, table: string, columns: string[], key: string) =>
  (await db.selectFrom(table).select(columns).orderBy(key).execute()) as Record<string, unknown>[];

describe('db:copy from SQLite to PostgreSQL', () => {
  it('copies every shared table row for row, with its ids, dates, payments, sessions, outbox and settings', async () => {
    const progress: Array<[string, number, number]> = [];
    const copied = await copyDatabase(source, target, { batch: 7, onProgress: (t, d, n) => progress.push([t, d, n]) });
    const plan = await planCopy(source, target);
    expect(plan.map((p) => p.name).slice(0, 4)).toEqual(['users', 'books', 'borrowings', 'payments']);
    expect(plan.map((p) => p.name)).toEqual(
      expect.arrayContaining(['outbox', 'settings', 'bot_sessions', 'stripe_events', 'telegram_link_codes']),
    );
    expect(plan.map((p) => p.name)).not.toContain('leases');
    expect(plan.map((p) => p.name).some((n) => n.startsWith('books_search'))).toBe(false);
    for (const p of plan) {
      expect(copied[p.name], p.name).toBe(p.rows);
      expect(await rowsOf(target, p.name, p.columns, p.key), p.name).toEqual(await rowsOf(source, p.name, p.columns, p.key));
    }
    expect(copied.books).toBe(24);
    expect(copied.outbox).toBeGreaterThan(0);
    // In batches, with progress for each.
    expect(progress.filter(([t]) => t === 'books').map(([, d]) => d)).toEqual([0, 7, 14, 21, 24]);
    expect(await target.selectFrom('leases').selectAll().execute()).toEqual([]);
  });

  it('the service goes on from the copy: search works, sessions read back, and new ids continue', async () => {
    const core = coreOver(target);
    expect((await core.books.list({ search: 'кобзар' })).results.map((b) => b.title)).toEqual(['Kobzar']);
    expect(await new KvStore(target, 'session:').read('5000000001')).toEqual({ language: 'uk', catalogue: { search: 'кобзар' } });
    expect(await getOrCreateSetting(target, 'jwt_secret', () => 'a new one')).toBe('the-secret-that-must-survive');
    const max = async (t: 'books' | 'borrowings' | 'payments' | 'users' | 'outbox') =>
      Number((await sql<{ m: number }>`SELECT max(id) AS m FROM ${sql.id(t)}`.execute(source)).rows[0]!.m);
    const dan = await reader(core, target, 4);
    expect(dan.userId).toBe((await max('users')) + 1);
    const book = await core.books.create(SYSTEM_ACTOR, {
      title: 'After the Copy',
      author: 'New Author',
      cover: 'SOFT',
      inventory: 2,
      daily_fee: '1.00',
    });
    expect(book.id).toBe((await max('books')) + 1);
    const loan = await core.borrowings.borrow(dan, { book_id: book.id, expected_return_date: '2026-03-20' });
    expect(loan.borrowing.id).toBe((await max('borrowings')) + 1);
    expect(loan.borrowing.payments[0]!.id).toBe((await max('payments')) + 1);
    expect((await core.books.get(book.id)).inventory).toBe(1);
  });

  it('refuses a target that holds a library, and replaces it with --force', async () => {
    await expect(copyDatabase(source, target)).rejects.toBeInstanceOf(TargetNotEmptyError);
    expect(await target.selectFrom('books').select('id').where('title', '=', 'After the Copy').execute()).toHaveLength(1);
    const copied = await copyDatabase(source, target, { force: true });
    expect(copied.books).toBe(24);
    expect(await target.selectFrom('books').select('id').where('title', '=', 'After the Copy').execute()).toEqual([]);
    const next = await coreOver(target).books.create(SYSTEM_ACTOR, {
      title: 'Again',
      author: 'A',
      cover: 'SOFT',
      inventory: 1,
      daily_fee: '1.00',
    });
    expect(next.id).toBe(25);
  });
});
