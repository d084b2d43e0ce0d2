// No request, however expensive, holds up the others (README, "Searches never hold up the
// service"): on a SQLite file a search runs
// in a worker thread with its own read-only connection (db/read-pool.ts), so while several
// expensive searches run, the service's event loop keeps answering /health. Measured directly:
// the CPU time the service's thread spends between the ticks of a 5 ms timer. The pool itself:
// lazy, bounded, and it lets idle workers go.
import fs from 'node:fs';
import { performance as nodePerformance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchWords } from '../../core/catalogue/search-text.js';
import { openDatabase } from '../../db/connection.js';
import { createReadPool, isReadPoolBusy, MAX_WAITING } from '../../db/read-pool.js';
import { bulkSeed } from '../../db/seed.js';
import { type ApiWorld, createApiWorld, tempDbFile } from '../helpers/api.js';

// Enough books that one search is slow: a prefix of every ISBN ("9780…") is no whole word of any
// book, so the rarity probe takes it for rare and FTS5 answers, merging one term per book.
const BOOKS = 100_000;
const SEARCHES = ['9780', '97800', '978000', '9780000'].flatMap((q) =>
  [5, 10].map((limit) => `/api/books/?search=${q}&limit=${limit}`),
);

/**
 * The CPU time this process's main thread has used, in ms: Linux counts it per thread in
 * /proc (schedstat, nanoseconds); elsewhere the event loop's own account of its busy time
 * (performance.eventLoopUtilization), which also counts the time the thread waited for a core.
 */
function mainThreadBusyMs(): () => number {
  const schedstat = `/proc/self/task/${process.pid}/schedstat`;
  if (fs.existsSync(schedstat)) return () => Number(fs.readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  return () => nodePerformance.eventLoopUtilization().active;
}

/**
 * Runs fn while a 5 ms timer ticks. Between two ticks the loop was running JavaScript (blocked:
 * what a synchronous search does), or waiting for events, or — on a loaded machine, which no
 * code can help — waiting for a core. `blockedMs` is the most CPU time the service's thread
 * spent between two ticks; `stalledMs` the longest stretch between ticks in all.
 */
async function loopWhile<T>(fn: () => Promise<T>): Promise<{ result: T; blockedMs: number; stalledMs: number }> {
  const busy = mainThreadBusyMs();
  let last = performance.now();
  let lastBusy = busy();
  let blocked = 0;
  let stalled = 0;
  const measure = () => {
    const now = performance.now();
    const nowBusy = busy();
    blocked = Math.max(blocked, nowBusy - lastBusy);
    stalled = Math.max(stalled, now - last);
    last = now;
    lastBusy = nowBusy;
  };
  const tick = setInterval(measure, 5);
  try {
    const result = await fn();
    measure();
    return { result, blockedMs: blocked, stalledMs: stalled };
  } finally {
    clearInterval(tick);
  }
}

describe('Expensive searches run off the event loop (SQLite file)', () => {
  let w: ApiWorld;
  let file: ReturnType<typeof tempDbFile>;
  beforeAll(async () => {
    file = tempDbFile();
    const { db, sqlite } = await openDatabase(file.file);
    await bulkSeed(
      { db, sqlite },
      { books: BOOKS, users: 0, borrowings: 0, today: '2026-03-10', fold: (word) => searchWords(word).join(' ') },
    );
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await db.destroy();
    // No catalogue cache: every search below is work for the database.
    w = await createApiWorld({ file: file.file });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
    if (file && fs.existsSync(file.file)) file.cleanup();
  });

  it('/health answers and the loop runs while eight expensive searches run at once', async () => {
    // One search alone, for its cost on this machine (the first also starts the worker).
    await w.req('GET', SEARCHES[0]!);
    const started = performance.now();
    const alone = await w.req('GET', SEARCHES[1]!);
    const oneSearchMs = performance.now() - started;
    expect(alone.body.results).toHaveLength(10);

    const healthMs: number[] = [];
    const {
      result: answers,
      blockedMs,
      stalledMs,
    } = await loopWhile(async () => {
      let done = false;
      const flood = Promise.all(SEARCHES.map((p) => w.req('GET', p))).finally(() => (done = true));
      while (!done) {
        const t = performance.now();
        expect((await w.req('GET', '/health')).status).toBe(200);
        healthMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
      return flood;
    });

    // The searches answered, each a full page of books whose ISBN starts with the prefix.
    for (const [i, a] of answers.entries()) {
      expect(a.status).toBe(200);
      const prefix = new URL(SEARCHES[i]!, 'http://x').searchParams.get('search')!;
      const limit = Number(new URL(SEARCHES[i]!, 'http://x').searchParams.get('limit'));
      expect(a.body.results).toHaveLength(limit);
      for (const b of a.body.results) expect(b.isbn.startsWith(prefix)).toBe(true);
    }
    // On the loop, the searches would keep it busy for their whole cost (hundreds of ms here).
    const context = `one search alone took ${oneSearchMs.toFixed(0)} ms; the service's thread ran for at most ${blockedMs.toFixed(0)} ms at a stretch (and went ${stalledMs.toFixed(0)} ms at most between ticks); /health took at most ${Math.max(...healthMs).toFixed(0)} ms over ${healthMs.length} requests`;
    expect(blockedMs, context).toBeLessThan(50);
    // /health was asked all along, not once before the searches took the loop; its time also
    // counts waits for a core on a loaded machine, hence the wide bound.
    expect(healthMs.length, context).toBeGreaterThan(3);
    expect(Math.max(...healthMs), context).toBeLessThan(500);
  }, 120_000);

  it(`refuses searches beyond the ${MAX_WAITING} waiting with 503 BUSY and Retry-After, and answers the rest`, async () => {
    const answers = await Promise.all(
      Array.from({ length: MAX_WAITING + 30 }, (_, i) => w.req('GET', `/api/books/?search=9780&limit=${1 + (i % 90)}`)),
    );
    const busy = answers.filter((a) => a.status === 503);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(MAX_WAITING);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.length + answers.filter((a) => a.status === 200).length).toBe(answers.length);
    for (const a of busy) {
      expect(a.body.error).toMatchObject({ code: 'BUSY', details: { retry_after: 1 } });
      expect(a.headers.get('retry-after')).toBe('1');
    }
  }, 120_000);
});

describe('The read pool', () => {
  let file: ReturnType<typeof tempDbFile>;
  beforeAll(async () => {
    file = tempDbFile();
    const { db } = await openDatabase(file.file);
    await db.destroy();
  });
  afterAll(() => file?.cleanup());

  const one = (db: Parameters<Parameters<ReturnType<typeof createReadPool>['run']>[0]>[0]) =>
    db
      .selectFrom('books')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

  it('starts no worker before the first read, and lets an idle one go', async () => {
    const pool = createReadPool({ file: file.file, idleMs: 50 });
    try {
      expect(pool.stats().workers).toBe(0);
      expect(await pool.run(one)).toEqual({ n: 0 });
      expect(pool.stats()).toEqual({ workers: 1, running: 0, waiting: 0 });
      await new Promise((r) => setTimeout(r, 300));
      expect(pool.stats().workers).toBe(0);
      // Started again when needed.
      expect(await pool.run(one)).toEqual({ n: 0 });
    } finally {
      await pool.close();
    }
  });

  it('runs one read per worker, queues the next ones first come first served, and refuses beyond its bound', async () => {
    const pool = createReadPool({ file: file.file, workers: 1, maxWaiting: 2 });
    try {
      let release!: () => void;
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const order: number[] = [];
      const first = pool.run(async (db) => {
        await one(db);
        const gate = new Promise<void>((r) => (release = r));
        holding();
        await gate;
        order.push(1);
      });
      await held;
      const queued = [2, 3].map((n) =>
        pool.run(async (db) => {
          await one(db);
          order.push(n);
        }),
      );
      const refused = await pool.run(one).then(
        () => 'ran',
        (e: unknown) => (isReadPoolBusy(e) ? 'busy' : String(e)),
      );
      expect(refused).toBe('busy');
      expect(pool.stats()).toEqual({ workers: 1, running: 1, waiting: 2 });
      release();
      await Promise.all([first, ...queued]);
      expect(order).toEqual([1, 2, 3]);
    } finally {
      await pool.close();
    }
  });

  it('runs reads only', async () => {
    const pool = createReadPool({ file: file.file });
    try {
      await expect(pool.run((db) => db.deleteFrom('books').execute())).rejects.toThrow(/readonly|read-only|only/i);
    } finally {
      await pool.close();
    }
  });
});
