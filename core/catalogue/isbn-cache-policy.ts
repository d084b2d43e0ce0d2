// How long a lookup's answer stands, and the order a lookup goes in: the cache, then the source,
// then the cache again. The table that holds the answers (isbn_lookups) is a storage detail
// behind IsbnLookupCache; this file decides only what is fresh and what is kept.
//
// An edition's details hardly change, so "found" stands for 30 days. "Not found" stands for a day
// only: Open Library imports editions when asked about them, so tomorrow it may know the book.
// "Unavailable" is never kept — it says nothing about the book.
import type { Clock } from '../kernel/index.js';
import type { BookMetadata, IsbnLookup, IsbnLookupResult } from './isbn-lookup.js';

export const FOUND_FRESH_MS = 30 * 86_400_000;
export const NOT_FOUND_FRESH_MS = 24 * 3_600_000;

/** An answer as the cache keeps it. */
export type CachedLookup =
  | { status: 'found'; fetched_at: Date; metadata: BookMetadata }
  | { status: 'not_found'; fetched_at: Date };

export interface IsbnLookupCache {
  get(isbn13: string): Promise<CachedLookup | undefined>;
  /** Replaces any earlier answer for the ISBN. */
  put(isbn13: string, entry: CachedLookup): Promise<void>;
}

/** How long an answer of this kind stands. */
export const freshnessMs = (status: CachedLookup['status']): number => (status === 'found' ? FOUND_FRESH_MS : NOT_FOUND_FRESH_MS);

/**
 * Whether a kept answer still stands at `now`. An answer stamped in the future (another
 * instance's clock running ahead) stands: it was fetched no earlier than now.
 */
export function isFresh(entry: Pick<CachedLookup, 'status' | 'fetched_at'>, now: Date): boolean {
  return now.getTime() - entry.fetched_at.getTime() < freshnessMs(entry.status);
}

/** The answer to keep for a source's result, or undefined when it is not to be kept. */
export function entryToCache(result: IsbnLookupResult, now: Date): CachedLookup | undefined {
  if (result.status === 'not_found') return { status: 'not_found', fetched_at: now };
  if (result.status === 'found') {
    const { status: _status, ...metadata } = result;
    return { status: 'found', fetched_at: now, metadata };
  }
  return undefined;
}

const fromCache = (entry: CachedLookup): IsbnLookupResult =>
  entry.status === 'found' ? { status: 'found', ...entry.metadata } : { status: 'not_found' };

/** Where an answer came from: a fresh kept one, the source, or a kept one past its time. */
export type LookupOrigin = 'cache' | 'source' | 'stale-cache';

/**
 * The cache, then the source, then the cache again: a fresh kept answer is given as it is;
 * otherwise the source is asked and a found or not-found answer kept. When the source cannot
 * answer, a "found" kept past its 30 days is still given (an edition's title does not change,
 * and it beats "try later" for the librarian at the desk); a stale "not found" is not, since the
 * source may have learned the book since.
 */
export async function lookupThroughCache(
  isbn: { isbn13: string; isbn10: string | null },
  deps: { cache: IsbnLookupCache; source: IsbnLookup; clock: Clock },
): Promise<{ result: IsbnLookupResult; origin: LookupOrigin }> {
  const kept = await deps.cache.get(isbn.isbn13);
  if (kept && isFresh(kept, deps.clock.now())) return { result: fromCache(kept), origin: 'cache' };
  const result = await deps.source.lookup(isbn);
  const entry = entryToCache(result, deps.clock.now());
  if (entry) {
    await deps.cache.put(isbn.isbn13, entry);
    return { result, origin: 'source' };
  }
  if (kept?.status === 'found') return { result: fromCache(kept), origin: 'stale-cache' };
  return { result, origin: 'source' };
}
