// Copies a SQLite library into PostgreSQL (`npm run db:copy`, SPEC §12): every row of every table
// the two share, ids and all, so the service starts on the copy as if nothing happened.
//
// - What is copied: each table of the source that the (migrated) target also has, the columns
//   both have. Not copied: SQLite's search index (the target has its own over the same
//   search_text), Kysely's migration bookkeeping (the target's migrations ran already), and what
//   only lives while an instance runs — leases and the webhook's record of updates — nor the
//   offline sandbox's chats.
// - How: in batches by primary key (keyset, never OFFSET), parents before children, all in one
//   transaction on the target, so a failed copy leaves it as it was. The target's own triggers
//   are off meanwhile: they guard new writes (no loan of a deleted book), and history may hold a
//   returned loan of a book deleted since. Foreign keys stay checked.
// - Then each identity is moved past the copied ids, so the next borrowing continues the count.
import { type Kysely, sql } from 'kysely';
import type { DB } from './connection.js';
import { engineKind } from './engine.js';

/** Parents first; tables not named here follow in name order. */
const ORDER = ['users', 'books', 'borrowings', 'payments'];
/**
 * Transient state of running instances, or bookkeeping the target has its own of; and the
 * offline sandbox's chats (a try-out's conversation, not the library's).
 */
const SKIP = new Set([
  'leases',
  'telegram_updates',
  'kysely_migration',
  'kysely_migration_lock',
  'sandbox_messages',
  'sandbox_chats',
]);

export class TargetNotEmptyError extends Error {
  constructor(readonly tables: string[]) {
    super(`the target database already holds a library (rows in ${tables.join(', ')})`);
    this.name = 'TargetNotEmptyError';
  }
}

export interface CopyOptions {
  /** Replace whatever the target holds. */
  force?: boolean;
  /** Rows per batch at most (fewer for wide tables: a statement's parameters are limited). */
  batch?: number;
  onProgress?: (table: string, done: number, total: number) => void;
}

interface TablePlan {
  name: string;
  columns: string[];
  key: string;
  rows: number;
}

async function sourceTables(source: Kysely<any>): Promise<Map<string, { columns: string[]; key: string | undefined }>> {
  const all = (
    await sql<{ name: string; sql: string | null }>`SELECT name, sql FROM sqlite_master WHERE type = 'table'`.execute(source)
  ).rows;
  // FTS5 keeps its index in shadow tables named after the virtual table.
  const virtual = all.filter((t) => /^CREATE VIRTUAL/i.test(t.sql ?? '')).map((t) => t.name);
  const out = new Map<string, { columns: string[]; key: string | undefined }>();
  for (const t of all) {
    if (
      t.name.startsWith('sqlite_') ||
      SKIP.has(t.name) ||
      virtual.includes(t.name) ||
      virtual.some((v) => t.name.startsWith(`${v}_`))
    )
      continue;
    const info = (await sql<{ name: string; pk: number }>`SELECT name, pk FROM pragma_table_info(${t.name})`.execute(source))
      .rows;
    const keys = info.filter((c) => c.pk > 0);
    out.set(t.name, { columns: info.map((c) => c.name), key: keys.length === 1 ? keys[0]!.name : undefined });
  }
  return out;
}

async function targetColumns(target: Kysely<any>): Promise<Map<string, string[]>> {
  const rows = (
    await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`.execute(target)
  ).rows;
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
  return out;
}

const count = async (db: Kysely<any>, table: string) =>
  Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.id(table)}`.execute(db)).rows[0]!.n);

/** What would be copied: the shared tables in parent-first order, with their row counts. */
export async function planCopy(source: DB, target: DB): Promise<TablePlan[]> {
  if (engineKind(source) !== 'sqlite' || engineKind(target) !== 'postgres')
    throw new Error('db:copy copies a SQLite database into PostgreSQL');
  const from = await sourceTables(source);
  const to = await targetColumns(target);
  const names = [...from.keys()]
    .filter((n) => to.has(n))
    .sort((a, b) => {
      const ia = ORDER.indexOf(a);
      const ib = ORDER.indexOf(b);
      return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
  const plans: TablePlan[] = [];
  for (const name of names) {
    const { columns, key } = from.get(name)!;
    if (!key) throw new Error(`table ${name} has no single-column primary key to copy it by`);
    const shared = columns.filter((c) => to.get(name)!.includes(c));
    plans.push({ name, columns: shared, key, rows: await count(source, name) });
  }
  return plans;
}

/** Copies every shared table; the rows copied per table. */
export async function copyDatabase(source: DB, target: DB, opts: CopyOptions = {}): Promise<Record<string, number>> {
  const plans = await planCopy(source, target);
  const report = opts.onProgress ?? (() => undefined);
  const copied: Record<string, number> = {};
  await target.connection().execute(async (conn) => {
    const occupied: string[] = [];
    for (const p of plans)
      if ((await sql<{ one: number }>`SELECT 1 AS one FROM ${sql.id(p.name)} LIMIT 1`.execute(conn)).rows.length)
        occupied.push(p.name);
    if (occupied.length && !opts.force) throw new TargetNotEmptyError(occupied);
    await sql`BEGIN`.execute(conn);
    try {
      if (occupied.length)
        await sql`TRUNCATE ${sql.join(plans.map((p) => sql.id(p.name)))} RESTART IDENTITY CASCADE`.execute(conn);
      for (const p of plans) await sql`ALTER TABLE ${sql.id(p.name)} DISABLE TRIGGER USER`.execute(conn);
      for (const p of plans) copied[p.name] = await copyTable(source, conn, p, opts.batch ?? 1000, report);
      for (const p of plans) await sql`ALTER TABLE ${sql.id(p.name)} ENABLE TRIGGER USER`.execute(conn);
      for (const p of plans) {
        // Identities only (stripe_events' text id has none): the next id is the largest copied + 1.
        const seq = (await sql<{ seq: string | null }>`SELECT pg_get_serial_sequence(${p.name}, ${p.key}) AS seq`.execute(conn))
          .rows[0]?.seq;
        if (!seq) continue;
        await sql`SELECT setval(${seq}, coalesce((SELECT max(${sql.ref(p.key)}) FROM ${sql.id(p.name)}), 1), (SELECT count(*) > 0 FROM ${sql.id(p.name)}))`.execute(
          conn,
        );
      }
      await sql`COMMIT`.execute(conn);
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
    for (const p of plans) await sql`ANALYZE ${sql.id(p.name)}`.execute(conn);
  });
  return copied;
}

async function copyTable(
  source: DB,
  conn: Kysely<any>,
  p: TablePlan,
  maxBatch: number,
  report: NonNullable<CopyOptions['onProgress']>,
): Promise<number> {
  // pg allows 65,535 parameters per statement.
  const batch = Math.max(1, Math.min(maxBatch, Math.floor(30_000 / p.columns.length)));
  let done = 0;
  let after: unknown;
  report(p.name, 0, p.rows);
  for (;;) {
    let q = (source as Kysely<any>).selectFrom(p.name).select(p.columns).orderBy(p.key).limit(batch);
    if (after !== undefined) q = q.where(p.key, '>', after);
    const rows = (await q.execute()) as Record<string, unknown>[];
    if (rows.length === 0) break;
    await conn.insertInto(p.name).values(rows).execute();
    done += rows.length;
    after = rows[rows.length - 1]![p.key];
    report(p.name, done, p.rows);
  }
  return done;
}
