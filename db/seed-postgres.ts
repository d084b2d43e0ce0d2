// db/seed.ts on PostgreSQL: INSERT … SELECT over generate_series, through Kysely's connection.
import { type Kysely, sql } from 'kysely';
import { type BulkSeedOptions, SEED_CHUNK, vocabulary } from './seed-common.js';

/** Drops a table's plain indexes (not constraints' own), returning their definitions. */
async function dropIndexes(db: Kysely<any>, table: string): Promise<string[]> {
  const r = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = ${table}
      AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(${table}))`.execute(db);
  for (const i of r.rows) await sql`DROP INDEX ${sql.id(i.indexname)}`.execute(db);
  return r.rows.map((i) => i.indexdef);
}

const pick = (n: number) => sql.raw(`(1 + floor(random() * ${n}))::int`);

export async function bulkSeedPostgres(db: Kysely<any>, opts: BulkSeedOptions): Promise<void> {
  const report = opts.onProgress ?? (() => undefined);
  const v = vocabulary(opts.fold);
  // One connection for the whole load: the session setting below applies to every statement.
  await db.connection().execute(async (conn) => {
    // A lost seed is simply run again: no need to wait for each commit to reach the disk.
    await sql`SET synchronous_commit = off`.execute(conn);
    const load = async (table: string, total: number, insert: (offset: number, n: number) => Promise<unknown>) => {
      if (total <= 0) return;
      const indexes = await dropIndexes(conn, table);
      for (let done = 0; done < total; done += SEED_CHUNK) {
        const n = Math.min(SEED_CHUNK, total - done);
        await insert(done, n);
        report(table, done + n, total);
      }
      report(`${table} indexes`, 0, indexes.length);
      for (const [i, ddl] of indexes.entries()) {
        await sql.raw(ddl).execute(conn);
        report(`${table} indexes`, i + 1, indexes.length);
      }
      await sql`ANALYZE ${sql.id(table)}`.execute(conn);
      // Ids given explicitly leave the identity where it was: move it past them.
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), greatest((SELECT max(id) FROM ${sql.id(table)}), 1))`.execute(
        conn,
      );
    };
    const maxId = async (t: string) =>
      Number((await sql<{ m: number }>`SELECT coalesce(max(id), 0) AS m FROM ${sql.id(t)}`.execute(conn)).rows[0]!.m);
    const firstBook = (await maxId('books')) + 1;
    const firstUser = (await maxId('users')) + 1;
    const w = (k: string) => sql`(${v.words}::text[])[${sql.raw(k)}]`;
    const wf = (k: string) => sql`(${v.wordsFolded}::text[])[${sql.raw(k)}]`;

    await load('books', opts.books, (off, n) =>
      sql`
      INSERT INTO books (id, title, author, isbn, cover, inventory, daily_fee_cents, search_text)
      SELECT id,
             upper(substr(${w('k1')}, 1, 1)) || substr(${w('k1')}, 2) || ' ' || ${w('k2')} || ' ' || ${w('k3')} || ' ' || id,
             (${v.first}::text[])[kf] || ' ' || (${v.last}::text[])[kl],
             '978' || lpad(id::text, 10, '0'),
             CASE WHEN random() < 0.5 THEN 'HARD' ELSE 'SOFT' END,
             1 + floor(random() * 20)::int,
             10 + floor(random() * 290)::int,
             ${wf('k1')} || ' ' || ${wf('k2')} || ' ' || ${wf('k3')} || ' ' || id || ' ' ||
               (${v.firstFolded}::text[])[kf] || ' ' || (${v.lastFolded}::text[])[kl] || ' 978' || lpad(id::text, 10, '0')
      FROM (SELECT g AS id, ${pick(v.words.length)} AS k1, ${pick(v.words.length)} AS k2, ${pick(v.words.length)} AS k3,
                   ${pick(v.first.length)} AS kf, ${pick(v.last.length)} AS kl
            FROM generate_series(${firstBook + off}::bigint, ${firstBook + off + n - 1}::bigint) g) s`.execute(conn),
    );

    await load('users', opts.users, (off, n) =>
      sql`
      INSERT INTO users (id, email, first_name, last_name, telegram_user_id, language)
      SELECT g, 'reader' || g || '@example.test',
             (${v.first}::text[])[${pick(v.first.length)}], (${v.last}::text[])[${pick(v.last.length)}],
             CASE WHEN (g - ${firstUser}) % 2 = 0 THEN 5000000000 + g END,
             CASE WHEN (g - ${firstUser}) % 3 = 0 THEN 'uk' ELSE 'en' END
      FROM generate_series(${firstUser + off}::bigint, ${firstUser + off + n - 1}::bigint) g`.execute(conn),
    );

    if (opts.borrowings > 0) {
      const b = (await sql<{ lo: number; hi: number }>`SELECT min(id) AS lo, max(id) AS hi FROM books`.execute(conn)).rows[0]!;
      const userHi = await maxId('users');
      const userLo = Math.max(1, userHi - Math.max(opts.users, 1) + 1);
      const share = Math.round((opts.activeShare ?? 0.5) * 1000);
      const total = opts.borrowings;
      // Older borrowings first (ids grow with time); only loans of the last 45 days can be out.
      await load('borrowings', total, (off, n) =>
        sql`
        INSERT INTO borrowings (book_id, user_id, borrow_date, expected_return_date, actual_return_date)
        SELECT book_id, user_id, to_char(start, 'YYYY-MM-DD'), to_char(start + len, 'YYYY-MM-DD'),
               CASE WHEN age <= 45 AND floor(random() * 1000) < ${share} THEN NULL
                    ELSE to_char(start + floor(random() * (len + 5))::int, 'YYYY-MM-DD') END
        FROM (
          SELECT ${b.lo}::bigint + floor(random() * ${b.hi - b.lo + 1})::bigint AS book_id,
                 ${userLo}::bigint + floor(random() * ${userHi - userLo + 1})::bigint AS user_id,
                 age, CAST(${opts.today} AS date) - age AS start, 1 + floor(random() * 30)::int AS len
          FROM (SELECT floor(((${total}::bigint - g) * 3650.0) / ${total})::int + 1 AS age
                FROM generate_series(${off}::bigint, ${off + n - 1}::bigint) g) a
        ) s`.execute(conn),
      );
    }
    await sql`RESET synchronous_commit`.execute(conn);
  });
}
