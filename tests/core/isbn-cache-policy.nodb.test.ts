// How long a lookup's answer stands (found: 30 days, not found: 24 hours, unavailable: never
// kept) and the order a lookup goes in: the cache, the source, the cache again.
import { describe, expect, it } from 'vitest';
import {
  type CachedLookup,
  entryToCache,
  FOUND_FRESH_MS,
  type IsbnLookupCache,
  isFresh,
  lookupThroughCache,
  NOT_FOUND_FRESH_MS,
} from '../../core/catalogue/isbn-cache-policy.js';
import type { IsbnLookup, IsbnLookupResult } from '../../core/catalogue/isbn-lookup.js';
import { ManualClock } from '../../core/kernel/clock.js';

const ISBN = { isbn13: '9780140328721', isbn10: '0140328726' };
const FOUND: IsbnLookupResult = {
  status: 'found',
  ...ISBN,
  title: 'Fantastic Mr Fox',
  subtitle: null,
  authors: ['Roald Dahl'],
  authors_omitted: 0,
  publishers: ['Puffin'],
  publish_date: 'October 1, 1988',
  pages: 96,
  cover_image_url: 'https://covers.openlibrary.org/b/id/8739161-M.jpg',
  source: 'books-api',
};
const UNAVAILABLE: IsbnLookupResult = { status: 'unavailable', retryAfterSeconds: 60, reason: 'Open Library answered 503' };

/** A cache in a Map, and a source that answers what it is told and counts the questions. */
function world(answer: IsbnLookupResult) {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  const kept = new Map<string, CachedLookup>();
  const cache: IsbnLookupCache = { get: async (k) => kept.get(k), put: async (k, e) => void kept.set(k, e) };
  const source: IsbnLookup & { asked: number; answer: IsbnLookupResult } = {
    asked: 0,
    answer,
    lookup: async () => (source.asked++, source.answer),
  };
  return { clock, kept, cache, source, run: () => lookupThroughCache(ISBN, { cache, source, clock }) };
}

describe('how long an answer stands', () => {
  const at = new Date('2026-03-01T12:00:00Z');
  const ago = (ms: number) => new Date(at.getTime() - ms);

  it('a found edition for 30 days', () => {
    expect(isFresh({ status: 'found', fetched_at: ago(FOUND_FRESH_MS - 1) }, at)).toBe(true);
    expect(isFresh({ status: 'found', fetched_at: ago(FOUND_FRESH_MS) }, at)).toBe(false);
    expect(FOUND_FRESH_MS).toBe(30 * 24 * 3600 * 1000);
  });

  it('a not-found for 24 hours', () => {
    expect(isFresh({ status: 'not_found', fetched_at: ago(NOT_FOUND_FRESH_MS - 1) }, at)).toBe(true);
    expect(isFresh({ status: 'not_found', fetched_at: ago(NOT_FOUND_FRESH_MS) }, at)).toBe(false);
    expect(NOT_FOUND_FRESH_MS).toBe(24 * 3600 * 1000);
  });

  it('an answer stamped ahead of this clock (another instance running fast) stands', () => {
    expect(isFresh({ status: 'not_found', fetched_at: new Date(at.getTime() + 60_000) }, at)).toBe(true);
  });

  it('keeps found and not found, never unavailable', () => {
    expect(entryToCache(FOUND, at)).toEqual({ status: 'found', fetched_at: at, metadata: { ...FOUND, status: undefined } });
    expect(entryToCache(FOUND, at)).not.toHaveProperty('metadata.status');
    expect(entryToCache({ status: 'not_found' }, at)).toEqual({ status: 'not_found', fetched_at: at });
    expect(entryToCache(UNAVAILABLE, at)).toBeUndefined();
  });
});

describe('a lookup goes to the cache, then the source', () => {
  it('asks the source once and answers from the cache for the next 30 days', async () => {
    const w = world(FOUND);
    expect(await w.run()).toEqual({ result: FOUND, origin: 'source' });
    w.clock.advanceDays(29);
    expect(await w.run()).toEqual({ result: FOUND, origin: 'cache' });
    expect(w.source.asked).toBe(1);
    w.clock.advanceDays(1);
    expect((await w.run()).origin).toBe('source');
    expect(w.source.asked).toBe(2);
  });

  it('asks again about a not-found after a day', async () => {
    const w = world({ status: 'not_found' });
    await w.run();
    w.clock.advance(NOT_FOUND_FRESH_MS - 1000);
    expect(await w.run()).toEqual({ result: { status: 'not_found' }, origin: 'cache' });
    w.clock.advance(1000);
    w.source.answer = FOUND;
    expect(await w.run()).toEqual({ result: FOUND, origin: 'source' });
    expect(w.kept.get(ISBN.isbn13)?.status).toBe('found');
  });

  it('keeps nothing when the source is unavailable, so the next lookup asks again', async () => {
    const w = world(UNAVAILABLE);
    expect(await w.run()).toEqual({ result: UNAVAILABLE, origin: 'source' });
    expect(w.kept.size).toBe(0);
    await w.run();
    expect(w.source.asked).toBe(2);
  });

  it('gives a found answer past its 30 days when the source is unavailable, not a stale not-found', async () => {
    const w = world(FOUND);
    await w.run();
    w.clock.advanceDays(45);
    w.source.answer = UNAVAILABLE;
    expect(await w.run()).toEqual({ result: FOUND, origin: 'stale-cache' });

    const n = world({ status: 'not_found' });
    await n.run();
    n.clock.advanceDays(2);
    n.source.answer = UNAVAILABLE;
    expect(await n.run()).toEqual({ result: UNAVAILABLE, origin: 'source' });
  });
});
