// REST API under load: autocannon on loopback against the API process over 1M books and
// 1M borrowings, next to a bare Hono hello-world measured in the same run.
import autocannon from 'autocannon';
import { createTokens } from '../api/tokens.js';
import { queryWords } from '../core/catalogue/index.js';
import { addDays, encodeCursor } from '../core/kernel/index.js';
import { createDb } from '../db/connection.js';
import { fts5Query } from '../db/search.js';
import { runCatalogueBench } from './catalogue.js';
import { args, BENCH_JWT_SECRET, durationSeconds, type Row, seededDb, startServer, TODAY, table } from './lib.js';

const BOOKS = 1_000_000;
const BORROWINGS = 1_000_000;
const USERS = 50_000;

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(opts: autocannon.Options): Promise<Measured> {
  const r = await autocannon({ connections: Number(args.connections), duration: durationSeconds(), ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

export async function runApiBench(): Promise<string> {
  const file = await seededDb('api', { books: BOOKS, users: USERS, borrowings: BORROWINGS });
  const { db, sqlite } = createDb(file);
  const auth = createTokens({ secret: BENCH_JWT_SECRET, accessTtlSeconds: 3600, refreshTtlSeconds: 3600 });
  // A reader with a typical history, and a deep cursor near the end of the catalogue.
  const heavy = sqlite
    .prepare('SELECT user_id, count(*) AS n FROM borrowings GROUP BY user_id ORDER BY n DESC LIMIT 1')
    .get() as { user_id: number; n: number };
  const readerToken = await auth.issue(heavy.user_id, 'access', 0);
  // The reader of issue 16: 100 loans, each with its book and payments (rent; late ones a fine too).
  const loansReader = readerWithLoans(sqlite, 100);
  const loansToken = await auth.issue(loansReader, 'access', 0);
  const deep = sqlite
    .prepare('SELECT title, id FROM books WHERE deleted_at IS NULL ORDER BY title DESC, id DESC LIMIT 1 OFFSET 50')
    .get() as { title: string; id: number };
  const deepCursor = encodeCursor([deep.title, deep.id]);
  const midBook = Math.floor(BOOKS / 2);
  // Searches (issue 16: "any search"): two common words (~0.3% of books), a deep page of them,
  // a one-letter prefix (over half the books), a rare combination, an ISBN, no match at all.
  const common = 'lantern orchard';
  const commonDeep = sqlite
    .prepare(`SELECT title, id FROM books WHERE deleted_at IS NULL AND id IN (SELECT rowid FROM books_search WHERE books_search MATCH ?)
    ORDER BY title, id LIMIT 1 OFFSET 2000`)
    .get(fts5Query(queryWords(common))) as { title: string; id: number };
  const searches: Array<[string, string]> = [
    ['two common words', `search=${encodeURIComponent(common)}`],
    [
      'two common words, deep cursor (2,000 matches in)',
      `search=${encodeURIComponent(common)}&cursor=${encodeCursor([commonDeep.title, commonDeep.id])}`,
    ],
    ['one letter', 'search=s'],
    ['four common words, no book has all', `search=${encodeURIComponent('lantern orchard city meadow')}`],
    ['isbn', `search=978${String(midBook).padStart(10, '0')}`],
    ['no match', 'search=qqxw'],
  ];
  // Full-scan baselines from the same run, in this process on one connection: what a search costs
  // that reads every book (the two-word search checked row by row over the whole table).
  const timed = (sqlText: string, ...params: unknown[]) => {
    const stmt = sqlite.prepare(sqlText);
    stmt.get(...params);
    const t0 = performance.now();
    let n = 0;
    while (n < 3 || performance.now() - t0 < 1000) {
      stmt.get(...params);
      n++;
    }
    return (performance.now() - t0) / n;
  };
  const scans = {
    count: timed('SELECT count(*) FROM books'),
    search: timed(
      'SELECT count(*) FROM books WHERE deleted_at IS NULL AND search_match(search_text, ?) = 1',
      JSON.stringify(queryWords(common)),
    ),
  };
  // Fresh readers for borrow+return (each borrows once: a pending rent blocks a second loan).
  const firstUser = (sqlite.prepare('SELECT max(id) AS m FROM users').get() as { m: number }).m + 1;
  const pool = 60_000;
  sqlite.exec(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${pool})
    INSERT INTO users (id, email, first_name, last_name) SELECT ${firstUser} + i, 'bench' || (${firstUser} + i) || '@example.test', 'Bench', 'Reader' FROM c`);
  const poolTokens = await Promise.all(Array.from({ length: pool }, (_, i) => auth.issue(firstUser + i, 'access', 0)));
  sqlite.close();
  await db.destroy().catch(() => undefined);

  const rows: Row[] = [];
  const bare = await startServer(['bare']);
  const baseline = await load({ url: `${bare.url}/` });
  await bare.stop();
  rows.push(row('bare Hono hello-world (baseline)', baseline, baseline));

  const api = await startServer(['api', file]);
  const u = api.url;
  const hdr = { authorization: `Bearer ${readerToken}` };
  const scenarios: Array<[string, autocannon.Options]> = [
    ['GET /api/books/ (first page)', { url: `${u}/api/books/` }],
    ['GET /api/books/?cursor= (deep page)', { url: `${u}/api/books/?cursor=${deepCursor}` }],
    ['GET /api/books/{id}/', { url: `${u}/api/books/${midBook}/` }],
    ['GET /api/books/?search=two common words', { url: `${u}/api/books/?${searches[0]![1]}` }],
    ['GET /api/books/?search=isbn', { url: `${u}/api/books/?search=978${String(midBook).padStart(10, '0')}` }],
    ['GET /api/borrowings/ (reader, authenticated)', { url: `${u}/api/borrowings/`, headers: hdr }],
    [
      'GET /api/borrowings/?limit=100 (100 loans, book + payments)',
      { url: `${u}/api/borrowings/?limit=100`, headers: { authorization: `Bearer ${loansToken}` } },
    ],
  ];
  for (const [name, opts] of scenarios) {
    await load({ ...opts, duration: 1 }); // warm-up
    rows.push(row(name, await load(opts), baseline));
  }

  // Borrow then return, each cycle by a reader who has never borrowed.
  // Start somewhere new each run: the last cycles of a run are cut off between borrow and return,
  // leaving those books a copy short, and a later run must not trip over them.
  let next = Math.floor(Math.random() * BOOKS);
  const failures = new Map<number, number>();
  let cycles = 0;
  const due = addDays(TODAY, 7);
  const cycle = await load({
    url: u,
    requests: [
      {
        method: 'POST',
        path: '/api/borrowings/',
        setupRequest: (req, ctx) => {
          const token = poolTokens[cycles++ % pool]!;
          next++;
          (ctx as Record<string, unknown>).token = token;
          return {
            ...req,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ book_id: 1 + (next % BOOKS), expected_return_date: due }),
          };
        },
        onResponse: (status, body, ctx) => {
          (ctx as Record<string, unknown>).borrowing = status === 201 ? (JSON.parse(body) as { id: number }).id : 0;
          if (status !== 201) failures.set(status, (failures.get(status) ?? 0) + 1);
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
  });
  rows.push(row('POST /api/borrowings/ + return (2 requests)', cycle, baseline));
  if (failures.size) console.log('borrow answers other than 201:', Object.fromEntries(failures));
  await api.stop();

  // The same reads with the catalogue cache off: every request goes to SQLite.
  const raw = await startServer(['api-nocache', file]);
  for (const [name, path] of [
    ['GET /api/books/ (first page), no cache', '/api/books/'],
    ['GET /api/books/?cursor= (deep page), no cache', `/api/books/?cursor=${deepCursor}`],
    ['GET /api/books/{id}/, no cache', `/api/books/${midBook}/`],
    ...searches.map(([name, query]) => [`GET /api/books/?search=${name}, no cache`, `/api/books/?${query}`] as const),
  ] as const) {
    await load({ url: `${raw.url}${path}`, duration: 1 });
    rows.push(row(name, await load({ url: `${raw.url}${path}` }), baseline));
  }
  await raw.stop();

  const scanRow = (scenario: string, ms: number): Row => ({
    scenario,
    'req/s': Math.round(1000 / ms),
    'p50 ms': Number(ms.toFixed(1)),
    'p99 ms': '',
    'vs bare': '',
    'errors/non-2xx': '',
  });
  rows.push(scanRow('full scan: SELECT count(*) FROM books (in process, 1 connection; baseline)', scans.count));
  rows.push(scanRow('full scan: two common words checked on every book (in process; baseline)', scans.search));

  const catalogue = await runCatalogueBench();
  return `${table(
    `REST API over ${BOOKS.toLocaleString('en')} books and ${BORROWINGS.toLocaleString('en')} borrowings (autocannon, ${args.connections} connections, ${durationSeconds()} s each)`,
    rows,
  )}\n\n${catalogue}`;
}

/**
 * A reader with `loans` borrowings of their own (made once, kept in the bench database): each a
 * different book with its rent payment (paid, with a Checkout Session), every fourth returned
 * late with a fine as well, the newest ten still out.
 */
export function readerWithLoans(sqlite: ReturnType<typeof createDb>['sqlite'], loans: number): number {
  const email = `bench-loans-${loans}@example.test`;
  const found = sqlite.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: number } | undefined;
  if (found) return found.id;
  return sqlite.transaction(() => {
    const userId = Number(
      sqlite.prepare("INSERT INTO users (email, first_name, last_name) VALUES (?, 'Many', 'Loans')").run(email).lastInsertRowid,
    );
    const borrow = sqlite.prepare(
      'INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const pay =
      sqlite.prepare(`INSERT INTO payments (borrowing_id, user_id, type, status, money_to_pay_cents, session_id, session_url, session_expires_at,
      payment_intent_id, created_at, paid_at) VALUES (?, ?, ?, 'PAID', ?, ?, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < loans; i++) {
      const from = addDays(TODAY, -7 * (loans - i));
      const due = addDays(from, 14);
      const late = i % 4 === 0;
      const returned = i >= loans - 10 ? null : addDays(due, late ? 3 : -2);
      const at = `${from}T10:00:00.000Z`;
      const id = Number(borrow.run(1 + ((i * 9973) % BOOKS), userId, from, due, returned, at).lastInsertRowid);
      const session = (n: number) => `cs_test_bench${id}x${n}${'a'.repeat(40)}`;
      pay.run(
        id,
        userId,
        'PAYMENT',
        1400,
        session(0),
        `https://checkout.stripe.com/c/pay/${session(0)}`,
        `${from}T11:00:00.000Z`,
        `pi_bench${id}`,
        at,
        `${from}T10:05:00.000Z`,
      );
      if (late && returned) {
        pay.run(
          id,
          userId,
          'FINE',
          450,
          session(1),
          `https://checkout.stripe.com/c/pay/${session(1)}`,
          `${returned}T11:00:00.000Z`,
          `pi_bench${id}f`,
          `${returned}T10:00:00.000Z`,
          `${returned}T10:05:00.000Z`,
        );
      }
    }
    return userId;
  })();
}

function row(scenario: string, m: Measured, base: Measured): Row {
  return {
    scenario,
    'req/s': Math.round(m.rps),
    'p50 ms': m.p50,
    'p99 ms': m.p99,
    'vs bare': `${Math.round((m.rps / base.rps) * 100)}%`,
    'errors/non-2xx': `${m.errors}/${m.non2xx}`,
  };
}
