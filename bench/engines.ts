// The same workload on one instance over SQLite, and on one and two instances over one PostgreSQL
// (SPEC §12): catalogue pages, search at 1,000,000 books (across scripts), a reader's loans,
// borrow + return — through the REST API with the catalogue cache off, so that each request
// reaches the database and the engines are what is compared. PostgreSQL runs in a throwaway
// cluster started here (bench/pg-cluster.ts); without the server binaries the section says so.
import autocannon from 'autocannon';
import { type Kysely, sql } from 'kysely';
import { createTokens } from '../api/tokens.js';
import { addDays, encodeCursor } from '../core/kernel/index.js';
import { openDatabase } from '../db/connection.js';
import { bulkSeed } from '../db/seed.js';
import { phaseProgress } from '../scripts/progress.js';
import { args, BENCH_JWT_SECRET, durationSeconds, foldWord, type Row, seededDb, startServer, TODAY, table } from './lib.js';
import { startCluster } from './pg-cluster.js';

const COUNTS = { books: 1_000_000, users: 50_000, borrowings: 1_000_000 };
const POOL = 20_000;

interface Measured {
  rps: number;
  p99: number;
  non2xx: number;
}

interface Target {
  urls: string[];
  readerToken: string;
  deepCursor: string;
  poolTokens: string[];
  /** Readers used so far: each borrows once (its unpaid rent would refuse a second loan), across runs. */
  used: { n: number };
}

/** What the workload needs from a seeded database: a reader with history, a deep cursor, fresh readers. */
async function prepare(db: Kysely<any>, tag: string): Promise<Omit<Target, 'urls'>> {
  const auth = createTokens({ secret: BENCH_JWT_SECRET, accessTtlSeconds: 7200, refreshTtlSeconds: 7200 });
  const heavy = await db
    .selectFrom('borrowings')
    .select(['user_id', sql<number>`count(*)`.as('n')])
    .groupBy('user_id')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const deep = await db
    .selectFrom('books')
    .select(['title', 'id'])
    .where('deleted_at', 'is', null)
    .orderBy('title', 'desc')
    .orderBy('id', 'desc')
    .offset(50)
    .limit(1)
    .executeTakeFirstOrThrow();
  const stamp = `${tag}${Date.now().toString(36)}`;
  const ids: number[] = [];
  for (let i = 0; i < POOL; i += 1000) {
    const rows = await db
      .insertInto('users')
      .values(
        Array.from({ length: Math.min(1000, POOL - i) }, (_, k) => ({
          email: `bench-${stamp}-${i + k}@example.test`,
          first_name: 'Bench',
          last_name: 'Reader',
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r: { id: number }) => r.id));
  }
  return {
    used: { n: 0 },
    readerToken: await auth.issue(heavy.user_id, 'access', 0),
    deepCursor: encodeCursor([deep.title, deep.id]),
    poolTokens: await Promise.all(ids.map((id) => auth.issue(id, 'access', 0))),
  };
}

/** autocannon against every URL at once, connections split between them; rates summed. */
async function load(urls: string[], opts: (base: string) => autocannon.Options): Promise<Measured> {
  const each = Math.max(1, Math.round(Number(args.connections) / urls.length));
  const rs = await Promise.all(urls.map((u) => autocannon({ connections: each, duration: durationSeconds(), ...opts(u) })));
  return {
    rps: rs.reduce((n, r) => n + r.requests.average, 0),
    p99: Math.max(...rs.map((r) => r.latency.p99)),
    non2xx: rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  };
}

function scenarios(t: Target): Array<[string, (base: string) => autocannon.Options]> {
  const hdr = { authorization: `Bearer ${t.readerToken}` };
  let next = Math.floor(Math.random() * COUNTS.books);
  const due = addDays(TODAY, 7);
  return [
    ['GET /api/books/ (first page)', (u) => ({ url: `${u}/api/books/` })],
    ['GET /api/books/?cursor= (deep page)', (u) => ({ url: `${u}/api/books/?cursor=${t.deepCursor}` })],
    ['search, two common words (lantern orchard)', (u) => ({ url: `${u}/api/books/?search=lantern%20orchard` })],
    [
      'search in Cyrillic for Latin titles (шевченко тарас)',
      (u) => ({ url: `${u}/api/books/?search=${encodeURIComponent('шевченко тарас')}` }),
    ],
    ["GET /api/borrowings/ (a reader's loans)", (u) => ({ url: `${u}/api/borrowings/`, headers: hdr })],
    [
      'POST /api/borrowings/ + return (2 requests)',
      (u) => ({
        url: u,
        requests: [
          {
            method: 'POST',
            path: '/api/borrowings/',
            setupRequest: (req, ctx) => {
              const token = t.poolTokens[t.used.n++ % t.poolTokens.length]!;
              next++;
              (ctx as Record<string, unknown>).token = token;
              return {
                ...req,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: JSON.stringify({ book_id: 1 + (next % COUNTS.books), expected_return_date: due }),
              };
            },
            onResponse: (status, body, ctx) => {
              (ctx as Record<string, unknown>).borrowing = status === 201 ? (JSON.parse(body) as { id: number }).id : 0;
            },
          },
          {
            method: 'POST',
            setupRequest: (req, ctx) => ({
              ...req,
              path: `/api/borrowings/${(ctx as Record<string, unknown>).borrowing as number}/return/`,
              headers: { authorization: `Bearer ${(ctx as Record<string, unknown>).token as string}` },
            }),
          },
        ],
      }),
    ],
  ];
}

async function measure(target: Target): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const [, opts] of scenarios(target)) {
    await load(target.urls, (u) => ({ ...opts(u), duration: 1 })); // warm-up
    out.push(await load(target.urls, opts));
  }
  return out;
}

export async function runEnginesBench(): Promise<string> {
  const title = `SQLite, one instance, beside PostgreSQL, one and two instances — ${COUNTS.books.toLocaleString('en')} books, ${COUNTS.borrowings.toLocaleString('en')} borrowings, catalogue cache off (autocannon, ${args.connections} connections in all, ${durationSeconds()} s each)`;
  const cluster = await startCluster();
  if ('missing' in cluster)
    return `### ${title}\n\nNot run: ${cluster.missing}. The SQLite figures are in the REST API table above.`;
  try {
    const file = await seededDb('api', COUNTS);
    const sqlite = await openDatabase(file);
    const sqliteTarget = await prepare(sqlite.db, 'sqlite');
    await sqlite.db.destroy();

    const pg = await openDatabase({ databasePath: '', databaseUrl: cluster.url });
    const progress = phaseProgress('seed PostgreSQL: ');
    const seeded = Date.now();
    await bulkSeed({ db: pg.db }, { ...COUNTS, today: TODAY, fold: foldWord, onProgress: progress.onProgress });
    progress.stop();
    console.log(`seeded PostgreSQL in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);
    const pgTarget = await prepare(pg.db, 'pg');
    await pg.engine.close();

    const runOn = async (argv: string[][], prepared: Omit<Target, 'urls'>) => {
      const servers = await Promise.all(argv.map((a) => startServer(a)));
      try {
        return await measure({ ...prepared, urls: servers.map((s) => s.url) });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    };
    const one = await runOn([['api-nocache', file]], sqliteTarget);
    const pg1 = await runOn([['api-nocache', cluster.url]], pgTarget);
    const pg2 = await runOn(
      [
        ['api-nocache', cluster.url],
        ['api-nocache', cluster.url],
      ],
      pgTarget,
    );

    const pct = (a: number, b: number) => `${Math.round((a / b) * 100)}%`;
    const rows: Row[] = scenarios({ ...pgTarget, urls: [] }).map(([name], i) => ({
      scenario: name,
      'SQLite ×1 req/s': Math.round(one[i]!.rps),
      'PG ×1 req/s': Math.round(pg1[i]!.rps),
      'PG ×2 req/s': Math.round(pg2[i]!.rps),
      'PG ×2 / SQLite': pct(pg2[i]!.rps, one[i]!.rps),
      'PG ×2 / PG ×1': pct(pg2[i]!.rps, pg1[i]!.rps),
      'p99 ms (SQLite / PG ×1 / PG ×2)': `${one[i]!.p99} / ${pg1[i]!.p99} / ${pg2[i]!.p99}`,
      'non-2xx (SQLite / PG ×1 / PG ×2)': `${one[i]!.non2xx} / ${pg1[i]!.non2xx} / ${pg2[i]!.non2xx}`,
    }));
    return `${table(title, rows)}\n\n${cluster.version}, a throwaway cluster on this machine (fsync off); every instance, the server and the load generator share its cores.`;
  } finally {
    cluster.stop();
  }
}
