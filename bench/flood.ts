// A search flood (README, "Searches never hold up the service"): four clients sending uncached
// searches, no login, while one client asks `/health` — its latency at rest and under the flood,
// over the API bench's library (1,000,000 books). Each flood request asks four common words (an
// expensive common search: the bounded walk, then the word index), a different set each time so
// that no answer comes from the catalogue cache. Two floods: with throttling off
// (AUTH_RATE_LIMIT=off, as load tests run: the worst case) and with it on as served, all from
// one address (past its burst and 5 a second, the flood is refused with 429).
import autocannon from 'autocannon';
import { WORDS } from '../db/seed.js';
import { durationSeconds, type Row, seededDb, startServer, table } from './lib.js';

const BOOKS = 1_000_000;
const FLOODERS = 4;

interface Latency {
  p50: number;
  p99: number;
  max: number;
  rps: number;
}

const limited = (r: autocannon.Result) => r.statusCodeStats?.['429']?.count ?? 0;
const latency = (r: autocannon.Result): Latency => ({
  p50: r.latency.p50,
  p99: r.latency.p99,
  max: r.latency.max,
  rps: r.requests.average,
});

/** Four distinct vocabulary words, sorted, never the same set twice in a run. */
function searches(): () => string {
  const seen = new Set<string>();
  return () => {
    for (;;) {
      const picked = new Set<string>();
      while (picked.size < 4) picked.add(WORDS[Math.floor(Math.random() * WORDS.length)]!);
      const words = [...picked].sort().join(' ');
      if (seen.has(words)) continue;
      seen.add(words);
      return `/api/books/?search=${encodeURIComponent(words)}`;
    }
  };
}

/** /health asked back to back by one client for the run's duration. */
const health = (url: string) => autocannon({ url: `${url}/health`, connections: 1, duration: durationSeconds() });

async function flooded(url: string): Promise<{ health: Latency; flood: autocannon.Result }> {
  const next = searches();
  const flood = autocannon({
    url,
    connections: FLOODERS,
    // A little longer than the health run, so it covers it whole.
    duration: durationSeconds() + 1,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: next() }) }],
  });
  await new Promise((r) => setTimeout(r, 500));
  const h = await health(url);
  return { health: latency(h), flood: await flood };
}

export async function runFloodBench(): Promise<string> {
  const file = await seededDb('api', { books: BOOKS, users: 50_000, borrowings: 1_000_000 });
  const rows: Row[] = [];
  const line = (scenario: string, h: Latency, rest: Latency, flood?: autocannon.Result): Row => ({
    scenario,
    '/health p50 ms': h.p50,
    '/health p99 ms': h.p99,
    '/health max ms': h.max,
    '/health req/s': Math.round(h.rps),
    // autocannon counts whole milliseconds: a p99 of 0 is taken as 1 for the ratio.
    'p99 vs at rest': `${(Math.max(h.p99, 1) / Math.max(rest.p99, 1)).toFixed(1)}×`,
    'flood answers/s (any status)': flood ? Math.round(flood.requests.average) : '',
    'search p99 ms': flood ? flood.latency.p99 : '',
    '2xx / 429 / other': flood
      ? `${flood['2xx']} / ${limited(flood)} / ${flood.non2xx - limited(flood) + flood.errors + flood.timeouts}`
      : '',
  });

  const open = await startServer(['api', file]);
  try {
    await autocannon({ url: `${open.url}/health`, connections: 1, duration: 1 }); // warm-up
    const rest = latency(await health(open.url));
    rows.push(line('/health at rest (baseline)', rest, rest));
    const worst = await flooded(open.url);
    rows.push(
      line(
        `/health while ${FLOODERS} clients flood uncached searches, throttling off (AUTH_RATE_LIMIT=off)`,
        worst.health,
        rest,
        worst.flood,
      ),
    );
    await open.stop();

    const throttled = await startServer(['api-throttled', file]);
    try {
      const served = await flooded(throttled.url);
      rows.push(
        line(
          `/health while ${FLOODERS} clients flood uncached searches from one address, throttling on`,
          served.health,
          rest,
          served.flood,
        ),
      );
    } finally {
      await throttled.stop();
    }
  } finally {
    if (open.child.exitCode === null && open.child.signalCode === null) await open.stop();
  }
  return table(
    `/health under a search flood: ${BOOKS.toLocaleString('en')} books, SQLite, catalogue cache as served; ${FLOODERS} clients searching four common words (a new set each request), 1 client on /health (autocannon, ${durationSeconds()} s each)`,
    rows,
  );
}
