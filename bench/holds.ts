// Holds (SPEC §11) over the API's catalogue of 1,000,000 books and 1,000,000 borrowings:
// - a return while 1,000 readers wait for the book (its copy is set aside for the first of them
//   in the same transaction) against a plain return, in-process through core, p50/p99;
// - expire-holds over 100,000 READY holds past their deadline, half of them with a reader
//   waiting behind (target < 2 s);
// - GET /api/holds/ for a reader with 5 holds, under autocannon, beside GET /api/borrowings/.
// What it adds to the seeded file (holds, loans, counters) is taken out again at the end.
import autocannon from 'autocannon';
import { createTokens } from '../api/tokens.js';
import { testConfig } from '../config.js';
import { createCore, SYSTEM_ACTOR, type UserActor } from '../core/index.js';
import { addDays, systemClock } from '../core/kernel/index.js';
import { createDb } from '../db/connection.js';
import { createStripeGateway } from '../gateways/stripe.js';
import { silentLogger } from '../logger.js';
import { args, BENCH_JWT_SECRET, durationSeconds, type Row, seededDb, startServer, TODAY, table } from './lib.js';

const BOOKS = 1_000_000;
const READY_HOLDS = 100_000;
const WAITING_READERS = 1_000;
const CYCLES = 1000;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function runHoldsBench(): Promise<string> {
  // The API section's seed: built once, shared.
  const file = await seededDb('api', { books: BOOKS, users: 50_000, borrowings: 1_000_000 });
  const { db, sqlite } = createDb(file);
  // Stripe unreachable: a borrow's checkout session fails fast after commit (renewable), as in the jobs bench.
  const gateway = createStripeGateway({
    secretKey: 'sk_test_bench',
    webhookSecret: 'whsec_bench',
    apiBase: 'http://127.0.0.1:9',
    maxNetworkRetries: 0,
  });
  const config = testConfig({ DATABASE_PATH: file, MAX_ACTIVE_LOANS: '100', MAX_HOLDS: '100' });
  const core = createCore({ db, clock: systemClock, config, gateway, logger: silentLogger() });
  const firstUser = (sqlite.prepare('SELECT max(id) AS m FROM users').get() as { m: number }).m + 1;
  const maxBorrowing = (sqlite.prepare('SELECT max(id) AS m FROM borrowings').get() as { m: number }).m;
  // Fresh readers for this run (each borrows at most once: a pending rent blocks a second loan).
  const pool = WAITING_READERS + 2 * CYCLES + 10;
  sqlite.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${pool})
    INSERT INTO users (id, email, first_name, last_name) SELECT ${firstUser} + i, 'holds' || (${firstUser} + i) || '@example.test', 'Holds', 'Reader' FROM c`);
  const reader = (i: number): UserActor => ({ userId: firstUser + i, isStaff: false });
  const due = addDays(TODAY, 7);
  const rows: Row[] = [];
  const base = 100_001;
  // Inventories this run changes, put back at the end.
  sqlite.exec(
    `CREATE TEMP TABLE holds_bench_saved AS SELECT id, inventory FROM books WHERE id IN (11, 12, 21, 22, 23, 24, 25) OR id BETWEEN ${base} AND ${base + READY_HOLDS - 1}`,
  );
  try {
    // ---- a return with 1,000 readers waiting, against a plain return: interleaved, so WAL
    // checkpoints and a noisy machine fall on both alike.
    const plainBook = 11;
    const queuedBook = 12;
    sqlite.prepare('UPDATE books SET inventory = 1 WHERE id IN (?, ?)').run(plainBook, queuedBook);
    const lender = reader(pool - 1);
    const first = await core.borrowings.borrow(lender, { book_id: queuedBook, expected_return_date: due });
    // The queue: 1,000 readers plus one per cycle (each cycle's return hands a copy to the first).
    for (let i = 0; i <= WAITING_READERS + CYCLES; i++) await core.holds.place(reader(i), { book_id: queuedBook });
    await core.borrowings.returnBook(lender, first.borrowing.id);
    const plain: number[] = [];
    const queued: number[] = [];
    const cycle = async (bookId: number, who: UserActor, into: number[]) => {
      const { borrowing } = await core.borrowings.borrow(who, { book_id: bookId, expected_return_date: due });
      const t = performance.now();
      await core.borrowings.returnBook(who, borrowing.id);
      into.push(performance.now() - t);
    };
    for (let i = 0; i < CYCLES; i++) {
      // Plain: a fresh reader borrows and returns. Queued: the READY reader borrows (fulfils) and returns.
      await cycle(plainBook, reader(WAITING_READERS + CYCLES + 1 + i), plain);
      await cycle(queuedBook, reader(i), queued);
    }
    plain.sort((a, b) => a - b);
    queued.sort((a, b) => a - b);
    const waitingNow = (await core.books.get(queuedBook)).holds;
    const p = (xs: number[]) => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) });
    const [pp, qp] = [p(plain), p(queued)];
    rows.push({
      scenario: `return, nobody waiting (baseline, ${CYCLES} returns)`,
      'p50 ms': pp.p50,
      'p99 ms': pp.p99,
      result: 'copy to the shelf',
      'vs baseline (p99)': '100%',
    });
    rows.push({
      scenario: `return with ${WAITING_READERS.toLocaleString('en')}+ readers waiting (${CYCLES} returns)`,
      'p50 ms': qp.p50,
      'p99 ms': qp.p99,
      result: `copy set aside for the first; ${waitingNow} still waiting`,
      'vs baseline (p99)': `${Math.round((qp.p99 / pp.p99) * 100)}%`,
    });

    // ---- GET /api/holds/ for a reader with 5 holds, beside GET /api/borrowings/
    const holdsReader = reader(WAITING_READERS + 2 * CYCLES + 2);
    for (let b = 21; b <= 25; b++) {
      sqlite.prepare('UPDATE books SET inventory = 0 WHERE id = ?').run(b);
      await core.holds.place(holdsReader, { book_id: b });
    }
    const token = await createTokens({ secret: BENCH_JWT_SECRET, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 }).issue(
      holdsReader.userId,
      'access',
      0,
    );
    const api = await startServer(['api', file]);
    const headers = { authorization: `Bearer ${token}` };
    const load = async (path: string) => {
      await autocannon({ url: `${api.url}${path}`, headers, connections: Number(args.connections), duration: 1 });
      const r = await autocannon({
        url: `${api.url}${path}`,
        headers,
        connections: Number(args.connections),
        duration: durationSeconds(),
      });
      return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: `${r.errors + r.timeouts}/${r.non2xx}` };
    };
    const borrowings = await load('/api/borrowings/');
    const holds = await load('/api/holds/');
    await api.stop();
    const httpRows: Row[] = [
      {
        scenario: 'GET /api/borrowings/ (reader; baseline)',
        'req/s': Math.round(borrowings.rps),
        'p50 ms': borrowings.p50,
        'p99 ms': borrowings.p99,
        'errors/non-2xx': borrowings.bad,
        'vs baseline': '100%',
      },
      {
        scenario: 'GET /api/holds/ (reader with 5 holds)',
        'req/s': Math.round(holds.rps),
        'p50 ms': holds.p50,
        'p99 ms': holds.p99,
        'errors/non-2xx': holds.bad,
        'vs baseline': `${Math.round((holds.rps / borrowings.rps) * 100)}%`,
      },
    ];

    // ---- expire-holds over 100,000 READY holds, half with a reader waiting behind
    const past = new Date(Date.now() - 3_600_000).toISOString();
    sqlite.exec('BEGIN');
    sqlite.exec(`UPDATE books SET inventory = max(inventory, 1) WHERE id BETWEEN ${base} AND ${base + READY_HOLDS - 1}`);
    sqlite.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${READY_HOLDS})
      INSERT INTO holds (book_id, user_id, status, created_at, updated_at, ready_until)
      SELECT ${base} + i, ${firstUser} + (i % ${pool}), 'READY', '${past}', '${past}', '${past}' FROM c`);
    sqlite.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 2 FROM c WHERE i + 2 < ${READY_HOLDS})
      INSERT INTO holds (book_id, user_id, status, created_at, updated_at)
      SELECT ${base} + i, ${firstUser} + ((i + 1) % ${pool}), 'WAITING', '${past}', '${past}' FROM c`);
    sqlite.exec(
      `UPDATE books SET held = 1, waiting = CASE WHEN (id - ${base}) % 2 = 0 THEN 1 ELSE 0 END WHERE id BETWEEN ${base} AND ${base + READY_HOLDS - 1}`,
    );
    sqlite.exec('COMMIT');
    // The set-up's own writes go to the database file now, not during the timed run.
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const t = performance.now();
    const summary = await core.holds.expireDue(SYSTEM_ACTOR);
    const expireMs = performance.now() - t;
    const jobRows: Row[] = [
      {
        scenario: `expire-holds over ${READY_HOLDS.toLocaleString('en')} READY holds past their deadline`,
        ms: Math.round(expireMs),
        result: `${summary.expired} expired, ${summary.passedOn} passed on, ${summary.toShelf} to the shelf`,
        target: '< 2000 ms',
      },
    ];

    return [
      table(`Holds over ${BOOKS.toLocaleString('en')} books: returns (in-process through core)`, rows),
      table(`Holds over HTTP (autocannon, ${args.connections} connections, ${durationSeconds()} s each)`, httpRows),
      table('Holds: the expire-holds job', jobRows),
    ].join('\n\n');
  } finally {
    // Leave the shared seed as it was: no holds, no counters, no loans or readers of ours.
    sqlite.exec('BEGIN');
    sqlite.exec('DELETE FROM holds');
    sqlite.exec('UPDATE books SET held = 0, waiting = 0 WHERE held > 0 OR waiting > 0');
    sqlite.exec(
      'UPDATE books SET inventory = (SELECT s.inventory FROM holds_bench_saved s WHERE s.id = books.id) WHERE id IN (SELECT id FROM holds_bench_saved)',
    );
    sqlite.exec('DROP TABLE holds_bench_saved');
    sqlite.exec(`DELETE FROM payments WHERE borrowing_id > ${maxBorrowing}`);
    sqlite.exec(`DELETE FROM borrowings WHERE id > ${maxBorrowing}`);
    sqlite.exec(`DELETE FROM users WHERE id >= ${firstUser}`);
    sqlite.exec('DELETE FROM outbox');
    sqlite.exec('COMMIT');
    await db.destroy().catch(() => undefined);
  }
}
