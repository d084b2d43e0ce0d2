// The catalogue cache: the next answer after a commit anywhere is fresh (SPEC §10), and strangers
// sending distinct cursors cannot grow it past its byte budget.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSearchText } from '../../core/catalogue/search-text.js';
import { DEMO_BOOKS } from '../../core/demo/demo.js';
import { encodeCursor } from '../../core/kernel/paging.js';
import { createReadCache, estimateBytes } from '../../core/kernel/read-cache.js';
import { createDb } from '../../db/connection.js';
import { type ApiWorld, createApiWorld, tempDbFile } from '../helpers/api.js';

const execFileAsync = promisify(execFile);

describe('A commit anywhere shows in the very next API answer', () => {
  let w: ApiWorld;
  let db: ReturnType<typeof tempDbFile>;
  beforeAll(async () => {
    db = tempDbFile();
    // A lifetime far beyond the test: only the change token can make these answers fresh.
    w = await createApiWorld({ file: db.file, catalogueCacheMs: 3_600_000 });
  });
  afterAll(async () => {
    await w?.close();
    db?.cleanup();
  });

  it('a book inserted and an inventory changed by a second connection to the file', async () => {
    const book = await w.book({ title: 'Second Connection', inventory: 2 });
    const list = () => w.req('GET', '/api/books/?search=second%20connection');
    expect((await list()).body.results).toHaveLength(1);
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(2);
    // Served from memory now: the same answers again without a change.
    const stats = w.core.books.cacheStats();
    await list();
    expect(w.core.books.cacheStats()).toEqual(stats);

    const other = createDb(db.file);
    try {
      await other.db.updateTable('books').set({ inventory: 7 }).where('id', '=', book.id).execute();
      expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(7);
      // Another process writes a book as core does, search text and all.
      const two = { title: 'Second Connection Two', author: 'Other', isbn: null };
      await other.db
        .insertInto('books')
        .values({ ...two, search_text: bookSearchText(two), cover: 'SOFT', inventory: 1, daily_fee_cents: 100, deleted_at: null })
        .execute();
      expect((await list()).body.results.map((b: { title: string }) => b.title)).toEqual([
        'Second Connection',
        'Second Connection Two',
      ]);
    } finally {
      await other.db.destroy();
    }
  });

  it("a write on this very connection behind core's back", async () => {
    const book = await w.book({ title: 'Behind The Back', inventory: 1 });
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(1);
    await w.db.updateTable('books').set({ inventory: 4 }).where('id', '=', book.id).execute();
    expect((await w.req('GET', `/api/books/${book.id}/`)).body.inventory).toBe(4);
  });

  it('books added by `npm run seed` in another process', async () => {
    const title = DEMO_BOOKS[0]!.title;
    const search = `/api/books/?search=${encodeURIComponent(title)}`;
    expect((await w.req('GET', search)).body.results).toEqual([]);
    await execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], {
      env: { ...process.env, DATABASE_PATH: db.file, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    const r = await w.req('GET', search);
    expect(r.body.results.map((b: { title: string }) => b.title)).toContain(title);
  });
});

describe('The cache stays within its byte budget', () => {
  const BUDGET = 256 * 1024;
  let w: ApiWorld;
  beforeAll(async () => {
    w = await createApiWorld({ catalogueCacheMs: 3_600_000, catalogueCacheBytes: BUDGET });
    for (let i = 0; i < 30; i++) await w.book({ title: `Budget ${String(i).padStart(2, '0')}` });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('5,000 anonymous requests with distinct cursors never take it past the budget', async () => {
    let most = 0;
    for (let i = 0; i < 5000; i++) {
      const cursor = encodeCursor([`Budget ${String(i % 30).padStart(2, '0')}`, i]);
      const r = await w.req('GET', `/api/books/?cursor=${cursor}&limit=${1 + (i % 100)}`);
      expect(r.status).toBe(200);
      most = Math.max(most, w.core.books.cacheStats().bytes);
    }
    const { entries, bytes } = w.core.books.cacheStats();
    expect(most).toBeLessThanOrEqual(BUDGET);
    expect(bytes).toBeLessThanOrEqual(BUDGET);
    // Still a cache: it holds what fits, the newest answers.
    expect(entries).toBeGreaterThan(20);
    expect(entries).toBeLessThan(5000);
  });
});

describe('createReadCache', () => {
  const clockAt = { t: 0 };
  const make = (token: () => number, over: Partial<Parameters<typeof createReadCache>[0]> = {}) =>
    createReadCache({ token, ttlMs: 1000, maxBytes: 1_000_000, now: () => clockAt.t, ...over });

  it('expired entries go, even when nobody asks for them again', async () => {
    clockAt.t = 0;
    const cache = make(() => 1);
    for (let i = 0; i < 50; i++) await cache.get(`k${i}`, async () => ({ i }));
    expect(cache.stats().entries).toBe(50);
    clockAt.t = 999;
    await cache.get('fresh', async () => 'x');
    expect(cache.stats().entries).toBe(51);
    clockAt.t = 1000;
    await cache.get('another', async () => 'y');
    expect(cache.stats()).toEqual({ entries: 2, bytes: estimateBytes('fresh', 'x') + estimateBytes('another', 'y') });
  });

  it('a new token drops every entry; an older token is served fresh and not kept', async () => {
    clockAt.t = 0;
    let token = 5;
    const cache = make(() => token);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    token = 6;
    expect(await cache.get('a', load)).toBe(2);
    token = 4;
    expect(await cache.get('a', load)).toBe(3);
    token = 6;
    expect(await cache.get('a', load)).toBe(2);
  });

  it("beforeLoad runs only for a caller about to load, and its refusal is that caller's alone", async () => {
    clockAt.t = 0;
    const cache = make(() => 1);
    let loads = 0;
    let asked = 0;
    const load = async () => ++loads;
    const refuse = async () => {
      asked++;
      throw new Error('throttled');
    };
    // Refused before loading: nothing loaded, nothing kept for the next caller.
    await expect(cache.get('k', load, refuse)).rejects.toThrow('throttled');
    expect([loads, asked, cache.stats().entries]).toEqual([0, 1, 0]);
    // A refused caller and an allowed one at once: only the refused one fails.
    const [refused, allowed] = await Promise.allSettled([
      cache.get('k', load, refuse),
      cache.get('k', load, async () => undefined),
    ]);
    expect(refused.status).toBe('rejected');
    expect(allowed).toEqual({ status: 'fulfilled', value: 1 });
    // Kept: later callers are served without being asked.
    expect(await cache.get('k', load, refuse)).toBe(1);
    expect([loads, asked]).toEqual([1, 2]);
  });

  it('a failed load is not remembered, and the oldest entries go first when over budget', async () => {
    clockAt.t = 0;
    const cache = make(() => 1, { maxBytes: 3 * estimateBytes('k0', 'v') });
    await expect(
      cache.get('bad', async () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(cache.stats().entries).toBe(0);
    for (let i = 0; i < 5; i++) await cache.get(`k${i}`, async () => 'v');
    expect(cache.stats().entries).toBe(3);
    let reloaded = false;
    await cache.get('k0', async () => {
      reloaded = true;
      return 'v';
    });
    expect(reloaded).toBe(true);
  });
});
