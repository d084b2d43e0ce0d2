// The whole catalogue of a small library (issue 16): 1,000 books read as 10 pages of limit=100,
// one after the other as a client pages through, reported as whole catalogues per second — with
// the catalogue cache as the service runs it (checked against the change token on every read)
// and without any cache, beside a bare Hono hello-world from the same run.
import autocannon from 'autocannon';
import { encodeCursor } from '../core/kernel/index.js';
import { createDb } from '../db/connection.js';
import { args, durationSeconds, type Row, seededDb, startServer, table } from './lib.js';

const BOOKS = 1_000;
const PAGE = 100;

export async function runCatalogueBench(): Promise<string> {
  const file = await seededDb('catalogue', { books: BOOKS, users: 10, borrowings: 0 });
  const { db, sqlite } = createDb(file);
  // The ten pages' URLs, each with the cursor the page before it answers with.
  const keys = sqlite.prepare('SELECT title, id FROM books WHERE deleted_at IS NULL ORDER BY title, id').all() as {
    title: string;
    id: number;
  }[];
  sqlite.close();
  await db.destroy().catch(() => undefined);
  const paths = Array.from({ length: Math.ceil(keys.length / PAGE) }, (_, i) => {
    const last = keys[i * PAGE - 1];
    return `/api/books/?limit=${PAGE}${last ? `&cursor=${encodeCursor([last.title, last.id])}` : ''}`;
  });
  const pages = paths.length;

  const run = async (url: string, sequence: string[]) => {
    const opts: autocannon.Options = {
      url,
      connections: Number(args.connections),
      requests: sequence.map((path) => ({ method: 'GET', path })),
    };
    await autocannon({ ...opts, duration: 1 }); // warm-up
    const r = await autocannon({ ...opts, duration: durationSeconds() });
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: `${r.errors + r.timeouts}/${r.non2xx}` };
  };
  const rows: Row[] = [];
  const bare = await startServer(['bare']);
  const base = await run(
    bare.url,
    Array.from({ length: pages }, () => '/'),
  );
  await bare.stop();
  const line = (scenario: string, m: typeof base): Row => ({
    scenario,
    'catalogues/s': Math.round(m.rps / pages),
    'req/s': Math.round(m.rps),
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'vs bare': `${Math.round((m.rps / base.rps) * 100)}%`,
    'errors/non-2xx': m.bad,
  });
  rows.push(line(`bare Hono hello-world, ${pages} requests (baseline)`, base));
  for (const [scenario, mode] of [
    [`${pages} pages of ${PAGE}, catalogue cache as served (checked on every read)`, 'api'],
    [`${pages} pages of ${PAGE}, no cache`, 'api-nocache'],
  ] as const) {
    const server = await startServer([mode, file]);
    rows.push(line(scenario, await run(server.url, paths)));
    await server.stop();
  }
  return table(
    `The whole catalogue: ${BOOKS.toLocaleString('en')} books as ${pages} pages of limit=${PAGE} (autocannon, ${args.connections} connections, ${durationSeconds()} s each)`,
    rows,
  );
}
