// The Open Library gateway when Open Library misbehaves (against the fake's injected faults):
// every fault is an answer — unavailable with a time to retry, or found with odd fields left
// out — never an exception; 429 and 5xx pause every lookup; requests stay under the limiter,
// the redirect, body-size and time bounds.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseIsbn } from '../../core/catalogue/isbn.js';
import {
  createOpenLibraryGateway,
  limiterFromCounter,
  type OpenLibraryOptions,
  parseRetryAfter,
  type RequestLimiter,
} from '../../gateways/openlibrary.js';
import { type StartedFakeOpenLibrary, startFakeOpenLibrary } from '../fakes/openlibrary.js';

let fake: StartedFakeOpenLibrary;
beforeAll(async () => {
  fake = await startFakeOpenLibrary();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.api.clearLog();
  fake.api.clearFaults();
});

/** A clock the test moves, for pauses. */
const clock = () => {
  let t = Date.now();
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};
const gateway = (over: Partial<OpenLibraryOptions> = {}) =>
  createOpenLibraryGateway({
    baseUrl: fake.baseUrl,
    coversUrl: 'https://covers.example.org',
    contact: 'librarian@example.org',
    ...over,
  });
const isbn = (text: string) => {
  const p = parseIsbn(text);
  if (!p.ok) throw new Error(p.message);
  return p;
};
const FOX = isbn('9780140328721'); // Books API
const SHADOWS = isbn('9786175851234'); // /isbn/ only, one author
const count = () => fake.api.requests().length;

describe('a 429 or 5xx pauses every lookup', () => {
  it('429: unavailable for its Retry-After, and no request goes out until the pause ends', async () => {
    const c = clock();
    const g = gateway({ now: c.now });
    fake.api.fault('429', 1, { retryAfter: 7 });
    expect(await g.lookup(FOX)).toEqual({ status: 'unavailable', retryAfterSeconds: 7, reason: 'Open Library answered 429' });
    expect(g.pausedUntil()).toBe(c.now() + 7000);
    c.advance(3000);
    expect(await g.lookup(SHADOWS)).toEqual({
      status: 'unavailable',
      retryAfterSeconds: 4,
      reason: 'paused: Open Library asked us to wait',
    });
    expect(count()).toBe(1);
    c.advance(4000);
    expect(await g.lookup(FOX)).toMatchObject({ status: 'found' });
    expect(g.pausedUntil()).toBe(0);
  });

  it('500 without Retry-After: a 60 s pause', async () => {
    const c = clock();
    const g = gateway({ now: c.now });
    fake.api.fault('500');
    expect(await g.lookup(FOX)).toMatchObject({
      status: 'unavailable',
      retryAfterSeconds: 60,
      reason: 'Open Library answered 500',
    });
    c.advance(59_000);
    expect(await g.lookup(FOX)).toMatchObject({ status: 'unavailable', retryAfterSeconds: 1 });
    expect(count()).toBe(1);
  });

  it('503 with a Retry-After date; a 5xx on an author record pauses too', async () => {
    const c = clock();
    const g = gateway({ now: c.now });
    fake.api.fault('503', 1, { retryAfter: new Date(c.now() + 120_000).toUTCString(), on: '/authors/' });
    const r = await g.lookup(SHADOWS);
    expect(r).toMatchObject({ status: 'unavailable', reason: 'Open Library answered 503' });
    expect(r.status === 'unavailable' && r.retryAfterSeconds).toBeGreaterThanOrEqual(119);
    expect(r.status === 'unavailable' && r.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(g.pausedUntil()).toBeGreaterThan(c.now() + 118_000);
  });

  it('a pause that begins during a lookup stops its remaining requests', async () => {
    const g = gateway();
    fake.api.fault('slow', 1, { delayMs: 200, on: '/api/books' });
    const pending = g.lookup(SHADOWS);
    await new Promise((r) => setTimeout(r, 50));
    g.pauseUntil(Date.now() + 30_000);
    expect(await pending).toMatchObject({
      status: 'unavailable',
      reason: 'Open Library asked us to wait',
      retryAfterSeconds: 30,
    });
    expect(fake.api.requests().map((r) => r.path)).toEqual(['/api/books']);
  });

  it('caps a Retry-After that would stop lookups for days at an hour', async () => {
    const g = gateway();
    fake.api.fault('429', 1, { retryAfter: 999_999_999 });
    expect(await g.lookup(FOX)).toMatchObject({ status: 'unavailable', retryAfterSeconds: 3600 });
  });

  it('is told to the service (onPause), and a pause set from outside is honoured', async () => {
    const c = clock();
    const told: number[] = [];
    const first = gateway({ now: c.now, onPause: (until) => told.push(until) });
    const second = gateway({ now: c.now });
    fake.api.fault('429', 1, { retryAfter: 30 });
    await first.lookup(FOX);
    expect(told).toEqual([c.now() + 30_000]);
    second.pauseUntil(told[0]);
    expect(await second.lookup(FOX)).toMatchObject({ status: 'unavailable', retryAfterSeconds: 30 });
    expect(count()).toBe(1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('garbage is unavailable, without a pause', () => {
  for (const [kind, reason] of [
    ['bad-json', 'Open Library answered malformed JSON'],
    ['html', 'Open Library answered HTML, not JSON'],
  ] as const) {
    it(`${kind}: unavailable (${reason}); the next lookup asks again`, async () => {
      const g = gateway();
      fake.api.fault(kind);
      expect(await g.lookup(FOX)).toEqual({ status: 'unavailable', retryAfterSeconds: 60, reason });
      expect(g.pausedUntil()).toBe(0);
      expect(await g.lookup(FOX)).toMatchObject({ status: 'found' });
    });
  }
});

describe('fields of the wrong type count as absent', () => {
  it('in the Books API: the entry is found, its odd fields null or empty', async () => {
    fake.api.fault('wrong-types');
    expect(await gateway().lookup(FOX)).toEqual({
      status: 'found',
      isbn13: FOX.isbn13,
      isbn10: FOX.isbn10,
      title: null,
      subtitle: null,
      authors: [],
      authors_omitted: 0,
      publishers: [],
      publish_date: null,
      pages: null,
      cover_image_url: null,
      source: 'books-api',
    });
  });

  it('one odd field costs only itself', async () => {
    fake.api.fault('wrong-types', 1, { fields: ['number_of_pages', 'publishers'] });
    expect(await gateway().lookup(FOX)).toMatchObject({
      status: 'found',
      title: 'Fantastic Mr Fox',
      authors: ['Roald Dahl'],
      publishers: [],
      pages: null,
      cover_image_url: 'https://covers.example.org/b/id/8739161-M.jpg',
    });
  });

  it('in an edition record: found, its odd fields absent', async () => {
    fake.api.fault('wrong-types', 1, { on: '/books/' });
    expect(await gateway().lookup(SHADOWS)).toMatchObject({
      status: 'found',
      title: null,
      authors: [],
      publishers: [],
      cover_image_url: null,
      pages: null,
    });
  });

  it('in an author record: that name is left out', async () => {
    fake.api.fault('wrong-types', 1, { on: '/authors/' });
    expect(await gateway().lookup(SHADOWS)).toMatchObject({ status: 'found', title: 'Тіні забутих предків', authors: [] });
  });
});

describe('redirects', () => {
  it('a redirect loop stops after three redirects', async () => {
    fake.api.fault('redirect-loop', 1, { on: '/isbn/' });
    expect(await gateway().lookup(SHADOWS)).toMatchObject({ status: 'unavailable', reason: 'more than 3 redirects' });
    expect(fake.api.requests().map((r) => r.path)).toEqual([
      '/api/books',
      `/isbn/${SHADOWS.isbn13}.json`,
      '/redirect-loop/1',
      '/redirect-loop/2',
      '/redirect-loop/3',
    ]);
  });

  it('a redirect to another host is refused, not followed', async () => {
    fake.api.fault('redirect-elsewhere', 1, { on: '/isbn/' });
    expect(await gateway().lookup(SHADOWS)).toMatchObject({
      status: 'unavailable',
      reason: expect.stringMatching(/^redirect to another host \(localhost:\d+\) refused$/),
    });
    expect(fake.api.requests().map((r) => r.path)).toEqual(['/api/books', `/isbn/${SHADOWS.isbn13}.json`]);
  });
});

describe('bodies over 1 MiB', () => {
  it('are refused while they stream in, long before they end', async () => {
    fake.api.fault('oversize');
    const started = performance.now();
    expect(await gateway().lookup(FOX)).toMatchObject({ status: 'unavailable', reason: 'answer is over the 1048576-byte limit' });
    expect(performance.now() - started).toBeLessThan(3000);
    const [sent] = fake.api.requests();
    expect(sent.fault).toBe('oversize');
    // Of 64 MiB, the client took its 1 MiB and what the sockets buffered, then hung up.
    expect(sent.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it('are taken up to the limit', async () => {
    fake.api.fault('oversize', 1, { bytes: 1024 * 1024 - 100 });
    const r = await gateway().lookup(FOX);
    expect(r.status === 'found' && r.title!.length).toBe(1024 * 1024 - 100 - '{"ISBN:9780140328721": {"title": ""}}'.length);
  });
});

describe('time bounds', () => {
  it('a request that never answers is given up after the request timeout', async () => {
    fake.api.fault('timeout');
    const started = performance.now();
    expect(await gateway({ requestTimeoutMs: 300 }).lookup(FOX)).toEqual({
      status: 'unavailable',
      retryAfterSeconds: 60,
      reason: 'no answer within 300 ms',
    });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
  });

  it('a lookup of several slow requests is given up at the lookup timeout', async () => {
    fake.api.fault('slow', 10, { delayMs: 150 });
    const started = performance.now();
    expect(await gateway({ requestTimeoutMs: 1000, lookupTimeoutMs: 400 }).lookup(SHADOWS)).toMatchObject({
      status: 'unavailable',
      reason: 'the lookup took too long',
    });
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(1500);
  });

  it('defaults to 5 s a request and 10 s a lookup', async () => {
    fake.api.fault('slow', 1, { delayMs: 200 });
    expect(await gateway().lookup(FOX)).toMatchObject({ status: 'found' });
  });
});

describe('the requests-per-minute limiter', () => {
  it('is consulted before every request, redirects included', async () => {
    let asked = 0;
    const limiter: RequestLimiter = async () => (asked++, { ok: true });
    expect(await gateway({ limiter }).lookup(SHADOWS)).toMatchObject({ status: 'found' });
    // Books API, /isbn/ (302), the edition it redirects to, one author.
    expect(count()).toBe(4);
    expect(asked).toBe(4);
  });

  it('a refusal is unavailable with its wait, and nothing is sent', async () => {
    const limiter: RequestLimiter = async () => ({ ok: false, retryAfterMs: 1500 });
    expect(await gateway({ limiter }).lookup(FOX)).toMatchObject({ status: 'unavailable', retryAfterSeconds: 2 });
    expect(count()).toBe(0);
  });

  it('a limiter that fails is unavailable, not an exception', async () => {
    const limiter: RequestLimiter = async () => {
      throw new Error('database is down');
    };
    expect(await gateway({ limiter }).lookup(FOX)).toMatchObject({
      status: 'unavailable',
      reason: 'the request limiter failed (database is down)',
    });
  });

  it('a limiter that never answers holds a lookup no longer than the lookup timeout', async () => {
    const limiter: RequestLimiter = () => new Promise(() => undefined);
    const started = performance.now();
    expect(await gateway({ limiter, lookupTimeoutMs: 300 }).lookup(FOX)).toMatchObject({
      status: 'unavailable',
      reason: 'the lookup took too long',
    });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(count()).toBe(0);
  });

  it('over a rate-limiter-flexible counter, allows OPENLIBRARY_RPM requests a minute', async () => {
    const counter = new RateLimiterMemory({ keyPrefix: 'openlibrary-test', points: 3, duration: 60 });
    const g = gateway({ limiter: limiterFromCounter(counter) });
    expect(await g.lookup(SHADOWS)).toMatchObject({ status: 'unavailable', reason: 'over the requests-a-minute limit' });
    expect(count()).toBe(3);
    const r = await g.lookup(FOX);
    expect(r.status === 'unavailable' && r.retryAfterSeconds).toBeGreaterThan(50);
    expect(count()).toBe(3);
  });

  it('without one given, keeps to `rpm` in this process', async () => {
    const c = clock();
    const g = gateway({ rpm: 2, now: c.now });
    expect(await g.lookup(FOX)).toMatchObject({ status: 'found' });
    expect(await g.lookup(FOX)).toMatchObject({ status: 'found' });
    expect(await g.lookup(FOX)).toMatchObject({ status: 'unavailable', retryAfterSeconds: 60 });
    c.advance(60_000);
    expect(await g.lookup(FOX)).toMatchObject({ status: 'found' });
    expect(count()).toBe(3);
  });
});
