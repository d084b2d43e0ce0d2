// Open Library as a source of edition details by ISBN-13, asked politely and never waited on long.
//
// 1. The Books API (`/api/books?bibkeys=ISBN:…&format=json&jscmd=data`): one request with
//    author names and cover addresses; `{}` when it does not know the ISBN.
// 2. Otherwise the ISBN endpoint (`/isbn/….json`, a redirect to the edition record, 404 when
//    unknown), then up to three author records for their names.
// Covers are addressed by cover id (`/b/id/<id>-M.jpg`), never by ISBN: Open Library limits
// by-ISBN cover requests per client address, and a catalogue page would use them up.
//
// Etiquette: a User-Agent naming the service and a contact; every request takes a slot under a
// library-wide requests-per-minute limit (none free: unavailable, with the time until one is,
// rather than a librarian kept waiting); a 429 or 5xx pauses all lookups for the
// Retry-After it gives (or a minute). Bounds: 5 s a request, 10 s a lookup, 3 same-origin
// redirects, 1 MiB a body. Whatever Open Library does, a lookup resolves to found, not found,
// or unavailable with a time to retry — never an exception.
//
// The result matches the IsbnLookup port in core/catalogue/isbn-lookup.ts by shape: gateways
// import nothing from core, and the composition root, handing one to the other, checks the fit.
import { readFileSync } from 'node:fs';
import { sourcePath } from '../source-files.js';
import { boundedGet, deadline, type GetFailure, type GetOutcome } from './bounded-fetch.js';
import { type EditionFields, readAuthorName, readBooksApi, readEdition } from './openlibrary-answers.js';

export type OpenLibraryFound = {
  status: 'found';
  isbn13: string;
  isbn10: string | null;
  title: string | null;
  subtitle: string | null;
  authors: string[];
  /** Authors the edition lists beyond the three whose records were fetched. */
  authors_omitted: number;
  publishers: string[];
  publish_date: string | null;
  pages: number | null;
  cover_image_url: string | null;
  source: 'books-api' | 'isbn-json';
};
export type OpenLibraryUnavailable = { status: 'unavailable'; retryAfterSeconds: number; reason: string };
export type OpenLibraryResult = OpenLibraryFound | { status: 'not_found' } | OpenLibraryUnavailable;

/**
 * A slot for one request under the library-wide limit. The service passes one over its shared
 * counters (see limiterFromCounter), so every instance draws on the same budget.
 */
export type RequestLimiter = () => Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;

export interface OpenLibraryOptions {
  /** OPENLIBRARY_BASE_URL, e.g. https://openlibrary.org (a path prefix is kept: the sandbox mounts one). */
  baseUrl: string;
  /** OPENLIBRARY_COVERS_URL, e.g. https://covers.openlibrary.org */
  coversUrl: string;
  /** OPENLIBRARY_CONTACT: an email or URL Open Library can reach the operator at (printable ASCII). */
  contact?: string;
  /** The service's version for the User-Agent; package.json's by default. */
  version?: string;
  /** OPENLIBRARY_RPM for the in-process limiter used when no `limiter` is given. */
  rpm?: number;
  limiter?: RequestLimiter;
  requestTimeoutMs?: number;
  lookupTimeoutMs?: number;
  maxRedirects?: number;
  maxBodyBytes?: number;
  /** The pause after a 429 or 5xx without a usable Retry-After. */
  defaultPauseSeconds?: number;
  /** The longest pause a Retry-After may ask for (a garbled one must not stop lookups for days). */
  maxPauseSeconds?: number;
  /** The retry time given for failures that set no pause (timeouts, garbage, refused redirects). */
  failureRetryAfterSeconds?: number;
  now?: () => number;
  /** Told of each new pause, so the service can share it with its other instances (pauseUntil). */
  onPause?: (untilMs: number) => void;
  fetch?: typeof fetch;
}

export interface OpenLibraryGateway {
  lookup(isbn: { isbn13: string; isbn10: string | null }): Promise<OpenLibraryResult>;
  readonly userAgent: string;
  /** Epoch ms until which lookups answer unavailable without asking; 0 when not paused. */
  pausedUntil(): number;
  /** Pauses lookups until then (a later pause already set stands). */
  pauseUntil(untilMs: number): void;
}

let packageVersion: string | undefined;
function readPackageVersion(): string {
  if (packageVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(sourcePath(import.meta.url, '../package.json'), 'utf8')) as { version?: unknown };
      packageVersion = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      packageVersion = '0.0.0';
    }
  }
  return packageVersion;
}

/** `telegram-lending-library/<version> (<contact>)`, the form Open Library asks heavy users for. */
export function openLibraryUserAgent(contact: string | undefined, version = readPackageVersion()): string {
  const c = (contact ?? '').trim();
  // A header holds printable ASCII only; parentheses would end the comment early.
  if (!/^[\x20-\x27\x2A-\x7E]*$/.test(c))
    throw new RangeError('OPENLIBRARY_CONTACT must be printable ASCII without parentheses, e.g. librarian@example.org');
  return c ? `telegram-lending-library/${version} (${c})` : `telegram-lending-library/${version}`;
}

/** At most `perMinute` requests in any 60 s, in this process: the default when none is shared. */
export function slidingWindowLimiter(perMinute: number, now: () => number = Date.now): RequestLimiter {
  const sent: number[] = [];
  return async () => {
    const t = now();
    while (sent.length > 0 && sent[0] <= t - 60_000) sent.shift();
    if (sent.length >= perMinute) return { ok: false, retryAfterMs: sent[0] + 60_000 - t };
    sent.push(t);
    return { ok: true };
  };
}

/**
 * A limiter over a rate-limiter-flexible counter (memory, or the shared PostgreSQL table):
 * a consumed point is a slot; a refusal carries `msBeforeNext`. Any other failure of the store
 * is rethrown, and the lookup answers unavailable.
 */
export function limiterFromCounter(
  counter: { consume(key: string, points?: number): Promise<unknown> },
  key = 'openlibrary',
): RequestLimiter {
  return async () => {
    try {
      await counter.consume(key, 1);
      return { ok: true };
    } catch (e) {
      const ms = (e as { msBeforeNext?: unknown } | null)?.msBeforeNext;
      if (typeof ms === 'number' && !(e instanceof Error)) return { ok: false, retryAfterMs: Math.max(1, ms) };
      throw e;
    }
  };
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

export function createOpenLibraryGateway(opts: OpenLibraryOptions): OpenLibraryGateway {
  const base = trimSlash(opts.baseUrl);
  const covers = trimSlash(opts.coversUrl);
  const now = opts.now ?? Date.now;
  const userAgent = openLibraryUserAgent(opts.contact, opts.version);
  const limiter = opts.limiter ?? slidingWindowLimiter(opts.rpm ?? 60, now);
  const requestTimeoutMs = opts.requestTimeoutMs ?? 5_000;
  const lookupTimeoutMs = opts.lookupTimeoutMs ?? 10_000;
  const defaultPause = opts.defaultPauseSeconds ?? 60;
  const maxPause = opts.maxPauseSeconds ?? 3_600;
  const failureRetry = opts.failureRetryAfterSeconds ?? 60;
  let pausedUntil = 0;

  const pauseUntil = (untilMs: number) => {
    if (untilMs > pausedUntil) pausedUntil = untilMs;
  };
  const unavailable = (retryAfterSeconds: number, reason: string): OpenLibraryUnavailable => ({
    status: 'unavailable',
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    reason,
  });
  const fromFailure = (f: GetFailure) =>
    unavailable(f.retryAfterMs !== undefined ? f.retryAfterMs / 1000 : failureRetry, f.reason);

  /** Before every request: not while paused, and only with a slot from the limiter. */
  const beforeRequest = async (): Promise<GetFailure | undefined> => {
    const wait = pausedUntil - now();
    if (wait > 0) return { kind: 'failed', reason: 'Open Library asked us to wait', retryAfterMs: wait };
    let slot: Awaited<ReturnType<RequestLimiter>>;
    try {
      slot = await limiter();
    } catch (e) {
      return { kind: 'failed', reason: `the request limiter failed (${e instanceof Error ? e.message : String(e)})` };
    }
    return slot.ok ? undefined : { kind: 'failed', reason: 'over the requests-a-minute limit', retryAfterMs: slot.retryAfterMs };
  };

  type Json = { kind: 'json'; value: unknown } | { kind: 'not_found' } | { kind: 'unavailable'; result: OpenLibraryUnavailable };
  const cannot = (result: OpenLibraryUnavailable): Json => ({ kind: 'unavailable', result });

  /** One GET whose answer should be JSON; a 429 or 5xx pauses every lookup. */
  async function getJson(url: string, signal: AbortSignal): Promise<Json> {
    const outcome: GetOutcome = await boundedGet(url, {
      headers: { 'User-Agent': userAgent, Accept: 'application/json' },
      signal,
      requestTimeoutMs,
      maxRedirects: opts.maxRedirects ?? 3,
      maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
      beforeRequest,
      fetch: opts.fetch,
    });
    if (outcome.kind === 'failed') return cannot(fromFailure(outcome));
    const { status } = outcome;
    if (status === 404) return { kind: 'not_found' };
    if (status === 429 || status >= 500) {
      const asked = parseRetryAfter(outcome.headers.get('retry-after'), now());
      const seconds = Math.min(maxPause, Math.max(1, asked ?? defaultPause));
      const until = now() + seconds * 1000;
      pauseUntil(until);
      opts.onPause?.(until);
      return cannot(unavailable(seconds, `Open Library answered ${status}`));
    }
    if (outcome.body === null) return cannot(unavailable(failureRetry, `Open Library answered ${status}`));
    try {
      return { kind: 'json', value: JSON.parse(outcome.body) as unknown };
    } catch {
      const looksHtml = /^\s*</.test(outcome.body);
      return cannot(
        unavailable(failureRetry, looksHtml ? 'Open Library answered HTML, not JSON' : 'Open Library answered malformed JSON'),
      );
    }
  }

  const coverUrl = (id: number | undefined) => (id === undefined ? null : `${covers}/b/id/${id}-M.jpg`);

  const found = (
    isbn: { isbn13: string; isbn10: string | null },
    f: EditionFields,
    authors: string[],
    omitted: number,
    cover: number | undefined,
    source: OpenLibraryFound['source'],
  ): OpenLibraryFound => ({
    status: 'found',
    isbn13: isbn.isbn13,
    isbn10: isbn.isbn10,
    title: f.title,
    subtitle: f.subtitle,
    authors,
    authors_omitted: omitted,
    publishers: f.publishers,
    publish_date: f.publish_date,
    pages: f.pages,
    cover_image_url: coverUrl(cover),
    source,
  });

  async function lookupWithin(isbn: { isbn13: string; isbn10: string | null }, signal: AbortSignal): Promise<OpenLibraryResult> {
    const bibkey = `ISBN:${isbn.isbn13}`;
    const books = await getJson(`${base}/api/books?bibkeys=${bibkey}&format=json&jscmd=data`, signal);
    if (books.kind === 'unavailable') return books.result;
    // A 404 here (the Books API does not give one) is taken as "unknown", like `{}`.
    if (books.kind === 'json') {
      const reading = readBooksApi(books.value, bibkey);
      if (reading.kind === 'garbage') return unavailable(failureRetry, 'the Books API answered something other than an object');
      if (reading.kind === 'known') return found(isbn, reading.fields, reading.authors, 0, reading.coverId, 'books-api');
    }

    // Not in the Books API: the ISBN endpoint redirects to the edition (importing it if need be).
    const edition = await getJson(`${base}/isbn/${isbn.isbn13}.json`, signal);
    if (edition.kind !== 'json') return edition.kind === 'not_found' ? { status: 'not_found' } : edition.result;
    const record = readEdition(edition.value);
    if (record.kind === 'garbage') return unavailable(failureRetry, 'the edition record is not an object');

    const keys = record.authorKeys.slice(0, 3);
    const answers = await Promise.all(keys.map((key) => getJson(`${base}${key}.json`, signal)));
    const authors: string[] = [];
    for (const a of answers) {
      // An author record gone (404) or nameless drops that name; a failure fails the lookup,
      // rather than keep for a month an answer missing an author we could not ask about.
      if (a.kind === 'unavailable') return a.result;
      const name = a.kind === 'json' ? readAuthorName(a.value) : undefined;
      if (name !== undefined && !authors.includes(name)) authors.push(name);
    }
    return found(isbn, record.fields, authors, record.authorKeys.length - keys.length, record.coverId, 'isbn-json');
  }

  return {
    userAgent,
    pausedUntil: () => (pausedUntil > now() ? pausedUntil : 0),
    pauseUntil,
    async lookup(isbn) {
      if (!/^97[89]\d{10}$/.test(isbn.isbn13))
        throw new RangeError(`lookup takes a bare ISBN-13 from parseIsbn, not ${JSON.stringify(isbn.isbn13)}`);
      const wait = pausedUntil - now();
      if (wait > 0) return unavailable(wait / 1000, 'paused: Open Library asked us to wait');
      // Ends the lookup's requests when its time is up, and any left running once it has answered.
      const errand = new AbortController();
      const time = deadline(lookupTimeoutMs);
      time.signal.addEventListener('abort', () => errand.abort(time.signal.reason), { once: true });
      try {
        return await lookupWithin(isbn, errand.signal);
      } catch (e) {
        return unavailable(failureRetry, `unexpected: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        time.release();
        errand.abort(new DOMException('the lookup has answered', 'AbortError'));
      }
    },
  };
}
