// Searches that cost the database work (README, "Searches never hold up the service"): a search answer is cached under its folded
// words and clamped limit, so spellings that mean the same search are one entry; searches the
// cache cannot answer are throttled per client address (a burst of 30, then 5 a second), and
// on PostgreSQL that limit holds across instances.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiWorld, createApiWorld, tempDbFile } from '../helpers/api.js';
import { onPostgres } from '../helpers/engine.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: any;
}

/** A GET from a chosen loopback source address (Linux accepts any 127.x.y.z), on a fresh connection. */
function get(base: string, p: string, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(p, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        localAddress: from,
        agent: false,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
            body: text ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const search = (words: string, extra = '') => `/api/books/?search=${encodeURIComponent(words)}${extra}`;
/** n searches no earlier request asked: each is work for the database. */
let fresh = 0;
const uncached = (n: number) => Array.from({ length: n }, () => search(`word${++fresh}`));

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

/** The most searches one address can have had answered since `started`: the burst, and 5 for each second begun. */
const mostAllowed = (started: number) => 25 + 5 * (Math.ceil((performance.now() - started) / 1000) + 1);

function expectLimited(a: Answer) {
  expect(a.status).toBe(429);
  expect(a.body.error.code).toBe('RATE_LIMITED');
  expect(a.body.error.message).toMatch(/Too many searches/);
  const seconds = a.body.error.details.retry_after;
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  // The steady rate comes back within the second.
  expect(seconds).toBeLessThanOrEqual(1);
  expect(a.retryAfter).toBe(String(seconds));
}

describe('A search answer is cached under its folded words and clamped limit', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    w = await createApiWorld({ catalogueCacheMs: 3_600_000 });
    for (const [title, author] of [
      ['Dune', 'Frank Herbert'],
      ['Dune Messiah', 'Frank Herbert'],
      ['Émile', 'Jean-Jacques Rousseau'],
      ['Кобзар', 'Тарас Шевченко'],
    ]) {
      await w.book({ title, author });
    }
  });
  afterAll(async () => {
    await w?.close();
  });

  /** How many answers the cache holds after asking each path, and what they answered. */
  async function ask(...paths: string[]) {
    const bodies = [];
    for (const p of paths) {
      const r = await w.req('GET', p);
      expect(r.status, p).toBe(200);
      bodies.push(r.body);
    }
    return { entries: w.core.books.cacheStats().entries, bodies };
  }

  it('trailing spaces, case, diacritics, word order and repeats are one entry', async () => {
    const first = await ask(search('dune frank'));
    const same = await ask(
      search('Dune frank '),
      search('  DUNE   FRANK'),
      search('Dúne Fränk'),
      search('frank dune'),
      search('dune, frank dune!'),
    );
    expect(same.entries).toBe(first.entries);
    for (const body of same.bodies) expect(body).toEqual(first.bodies[0]);
    expect(first.bodies[0].results.map((b: { title: string }) => b.title)).toEqual(['Dune', 'Dune Messiah']);
    // Across scripts too: a transliteration folds to the same words.
    const kobzar = await ask(search('кобзар'));
    expect((await ask(search('Kobzar'), search('KOBZAR '))).entries).toBe(kobzar.entries);
  });

  it('limits above the cap are the capped limit; limit=7 and limit=8 stay two answers', async () => {
    const capped = await ask(search('dune', '&limit=100'));
    expect((await ask(search('dune', '&limit=500'), search('Dune ', '&limit=101'))).entries).toBe(capped.entries);
    const seven = await ask(search('dune', '&limit=7'));
    expect(seven.entries).toBe(capped.entries + 1);
    expect((await ask(search('dune', '&limit=8'))).entries).toBe(seven.entries + 1);
    // No limit is the default limit.
    const plain = await ask(search('herbert'));
    expect((await ask(search('herbert', '&limit=20'))).entries).toBe(plain.entries);
  });

  it('the same words after another position are another answer, and a different search is never served for it', async () => {
    const page = await ask(search('frank', '&limit=1'));
    const cursor = page.bodies[0].next_cursor as string;
    const next = await ask(search('frank', `&limit=1&cursor=${cursor}`));
    expect(next.entries).toBe(page.entries + 1);
    expect(next.bodies[0].results.map((b: { title: string }) => b.title)).toEqual(['Dune Messiah']);
    expect((await ask(search('rousseau'))).bodies[0].results.map((b: { title: string }) => b.title)).toEqual(['Émile']);
    // A search with no word at all finds nothing; a blank one is the catalogue.
    expect((await ask(search('!!!'))).bodies[0].results).toEqual([]);
    expect((await ask(search('   '))).bodies[0].results).toHaveLength(4);
  });
});

describe('Uncached searches are throttled per client address: a burst of 30, then 5 a second', () => {
  let w: ApiWorld;
  beforeAll(async () => {
    // As served: the catalogue cache on, throttling on.
    w = await createApiWorld({ listen: true, catalogueCacheMs: 3_600_000, api: { rateLimit: {} } });
    await w.book({ title: 'Dune', author: 'Frank Herbert' });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('answers 429 with retry_after past the burst; cached answers, catalogue pages and other addresses are not held back', async () => {
    const started = performance.now();
    const cachedPath = search('dune');
    expect((await get(w.url!, cachedPath, '127.0.6.1')).status).toBe(200);
    // All at once: 30 in all pass, 5 more for each further second the requests took.
    const answers = await Promise.all(uncached(49).map((p) => get(w.url!, p, '127.0.6.1')));
    const ok = count(answers, 200);
    expect(ok).toBeGreaterThanOrEqual(29);
    expect(ok).toBeLessThanOrEqual(mostAllowed(started) - 1);
    expect(count(answers, 200) + count(answers, 429)).toBe(49);
    for (const a of answers.filter((x) => x.status !== 200)) expectLimited(a);

    // From the cache, whatever the spelling: not counted, not refused.
    for (const p of [cachedPath, search('Dune '), search('DUNE', '&limit=20')])
      expect((await get(w.url!, p, '127.0.6.1')).status).toBe(200);
    expect((await get(w.url!, '/api/books/', '127.0.6.1')).status).toBe(200);
    // Another reader on another address searches as usual.
    expect((await get(w.url!, uncached(1)[0]!, '127.0.6.2')).status).toBe(200);
  });

  it('then lets the address search 5 times a second', async () => {
    const spend = await Promise.all(uncached(40).map((p) => get(w.url!, p, '127.0.6.3')));
    expect(count(spend, 429)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    // One at a time until refused: 5 pass within a second (5 more for each further second begun).
    const started = performance.now();
    let passed = 0;
    let refused: Answer | undefined;
    while (!refused && passed < 50) {
      const a = await get(w.url!, uncached(1)[0]!, '127.0.6.3');
      if (a.status === 200) passed++;
      else refused = a;
    }
    const seconds = (performance.now() - started) / 1000;
    expect(refused, `${passed} passed in ${seconds.toFixed(2)} s`).toBeDefined();
    expectLimited(refused!);
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(passed, `${passed} passed in ${seconds.toFixed(2)} s`).toBeLessThanOrEqual(5 * (Math.ceil(seconds) + 1));
  });
});

describe('TRUST_PROXY=1: searches count against the client the proxy saw', () => {
  it('limits one client behind the proxy, not the proxy nor its other clients', async () => {
    const w = await createApiWorld({ listen: true, api: { rateLimit: {}, trustProxy: true } });
    try {
      const via = (client: string) => ({ 'x-forwarded-for': `198.51.100.1, ${client}` });
      const started = performance.now();
      const answers = await Promise.all(uncached(45).map((p) => get(w.url!, p, '127.0.0.1', via('203.0.113.7'))));
      expect(count(answers, 200)).toBeGreaterThanOrEqual(30);
      expect(count(answers, 200)).toBeLessThanOrEqual(mostAllowed(started));
      expect(count(answers, 429)).toBe(45 - count(answers, 200));
      // The same socket (the proxy), another client: searches as usual.
      expect((await get(w.url!, uncached(1)[0]!, '127.0.0.1', via('203.0.113.8'))).status).toBe(200);
    } finally {
      await w.close();
    }
  });
});

describe('AUTH_RATE_LIMIT=off turns search throttling off too', () => {
  it('answers 60 uncached searches from one address at once', async () => {
    const w = await createApiWorld({ listen: true, env: { AUTH_RATE_LIMIT: 'off' }, api: { rateLimit: {} } });
    try {
      const answers = await Promise.all(uncached(60).map((p) => get(w.url!, p, '127.0.6.4')));
      expect(count(answers, 200)).toBe(60);
    } finally {
      await w.close();
    }
  });
});

describe('The search limit holds across instances on PostgreSQL', () => {
  it(`two APIs over one database: ${onPostgres ? 'one budget for the address' : 'SQLite (one process per file) counts per process'}`, async () => {
    const file = tempDbFile();
    const a = await createApiWorld({ file: file.file, listen: true, api: { rateLimit: {} } });
    const b = await createApiWorld({ file: file.file, listen: true, api: { rateLimit: {} }, stripe: a.stripe });
    try {
      const started = performance.now();
      const answers = await Promise.all(uncached(50).map((p, i) => get((i % 2 ? a : b).url!, p, '127.0.6.5')));
      if (onPostgres) {
        expect(count(answers, 200)).toBeGreaterThanOrEqual(30);
        expect(count(answers, 200)).toBeLessThanOrEqual(mostAllowed(started));
      } else {
        expect(count(answers, 200)).toBe(50);
      }
    } finally {
      await b.close();
      await a.close();
      file.cleanup();
    }
  });
});
