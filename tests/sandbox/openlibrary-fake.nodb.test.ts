// The fake Open Library itself: it must answer in Open Library's shapes, standalone and mounted
// below a prefix, or the gateway's tests against it would prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsbn } from '../../core/catalogue/isbn.js';
import { createFakeOpenLibrary, FIXTURE_EDITIONS, UNKNOWN_ISBN13 } from '../../sandbox/openlibrary/fake-openlibrary.js';
import { type StartedFakeOpenLibrary, startFakeOpenLibrary } from '../fakes/openlibrary.js';

let mounted: StartedFakeOpenLibrary;
beforeAll(async () => {
  mounted = await startFakeOpenLibrary({ basePath: '/sandbox/openlibrary' });
});
afterAll(() => mounted.close());

const get = (path: string, init?: RequestInit) => fetch(`${mounted.baseUrl}${path}`, { redirect: 'manual', ...init });

describe('fixtures', () => {
  it('hold about twenty editions with valid ISBNs whose two forms agree, three or more in Cyrillic', () => {
    expect(FIXTURE_EDITIONS.length).toBeGreaterThanOrEqual(20);
    for (const e of FIXTURE_EDITIONS) {
      const p = parseIsbn(e.isbn13);
      expect(p.ok && p.isbn10, e.title).toBe(e.isbn10 ?? null);
    }
    expect(FIXTURE_EDITIONS.filter((e) => /\p{Script=Cyrillic}/u.test(e.title)).length).toBeGreaterThanOrEqual(3);
    expect(FIXTURE_EDITIONS.some((e) => e.inBooksApi === false)).toBe(true);
    expect(FIXTURE_EDITIONS.some((e) => e.subtitle)).toBe(true);
    expect(FIXTURE_EDITIONS.some((e) => e.authors.length >= 4)).toBe(true);
    expect(parseIsbn(UNKNOWN_ISBN13).ok).toBe(true);
    expect(FIXTURE_EDITIONS.some((e) => e.isbn13 === UNKNOWN_ISBN13)).toBe(false);
  });
});

describe('mounted below a prefix', () => {
  it('builds the addresses in its answers from the request’s own root', async () => {
    const res = await get('/api/books?bibkeys=ISBN:0140328726&format=json&jscmd=data');
    const body = (await res.json()) as Record<string, { cover: { medium: string }; url: string }>;
    expect(body['ISBN:0140328726'].cover.medium).toBe(`${mounted.baseUrl}/b/id/8739161-M.jpg`);
    expect(body['ISBN:0140328726'].url.startsWith(`${mounted.baseUrl}/books/OL7353617M/`)).toBe(true);
  });

  it('redirects /isbn/ to the edition below the prefix, and answers 404 for an unknown ISBN', async () => {
    const res = await get('/isbn/9780140328721.json');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sandbox/openlibrary/books/OL7353617M.json');
    expect((await get(`/isbn/${UNKNOWN_ISBN13}.json`)).status).toBe(404);
    expect(await (await get(`/api/books?bibkeys=ISBN:${UNKNOWN_ISBN13}&format=json&jscmd=data`)).json()).toEqual({});
  });

  it('answers JavaScript without format=json, as Open Library does', async () => {
    const res = await get('/api/books?bibkeys=ISBN:9780140328721&jscmd=data');
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(await res.text()).toMatch(/^var _OLBookInfo = \{"ISBN:9780140328721":/);
  });

  it('logs each request’s path, User-Agent and time, and serves faults in order', async () => {
    mounted.api.clearLog();
    mounted.api.fault('500', 2, { on: '/authors/' });
    const before = Date.now();
    expect((await get('/books/OL7353617M.json', { headers: { 'User-Agent': 'probe/1' } })).status).toBe(200);
    expect((await get('/authors/OL34184A.json')).status).toBe(500);
    expect((await get('/authors/OL34184A.json')).status).toBe(500);
    expect((await get('/authors/OL34184A.json')).status).toBe(200);
    const log = mounted.api.requests();
    expect(log.map((r) => [r.path, r.status, r.fault])).toEqual([
      ['/books/OL7353617M.json', 200, undefined],
      ['/authors/OL34184A.json', 500, '500'],
      ['/authors/OL34184A.json', 500, '500'],
      ['/authors/OL34184A.json', 200, undefined],
    ]);
    expect(log[0].userAgent).toBe('probe/1');
    expect(log[0].at).toBeGreaterThanOrEqual(before);
  });
});

describe('standalone', () => {
  it('serves the same answers at the root', async () => {
    const fake = createFakeOpenLibrary();
    const res = await fake.app.request('http://ol.test/api/books?bibkeys=ISBN:9780140328721&format=json&jscmd=data');
    const body = (await res.json()) as Record<string, { cover: { medium: string } }>;
    expect(body['ISBN:9780140328721'].cover.medium).toBe('http://ol.test/b/id/8739161-M.jpg');
    expect((await fake.app.request('http://ol.test/isbn/9780140328721.json')).headers.get('location')).toBe(
      '/books/OL7353617M.json',
    );
    expect((await fake.app.request('http://ol.test/b/id/1-M.jpg')).status).toBe(404);
  });

  it('lets go of a request held by the timeout fault when it closes', async () => {
    const fake = createFakeOpenLibrary();
    fake.fault('timeout');
    const pending = Promise.resolve(fake.app.request('http://ol.test/books/OL7353617M.json'));
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    fake.close();
    expect((await pending).status).toBe(504);
  });
});

describe('covers', () => {
  it('are small JPEGs of 64×96, different for different covers', async () => {
    const a = new Uint8Array(await (await get('/b/id/8739161-M.jpg')).arrayBuffer());
    const b = new Uint8Array(await (await get('/b/id/9267242-M.jpg')).arrayBuffer());
    const sof = a.findIndex((v, i) => v === 0xff && a[i + 1] === 0xc0);
    expect(sof).toBeGreaterThan(0);
    const height = (a[sof + 5] << 8) | a[sof + 6];
    const width = (a[sof + 7] << 8) | a[sof + 8];
    expect([width, height]).toEqual([64, 96]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});
