import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.js';
import { registerChangeToken, sqliteChangeToken } from './change-token.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_report_indexes.js';
import * as m003 from './migrations/003_security.js';
import * as m004 from './migrations/004_leases.js';
import * as m005 from './migrations/005_payment_checks_book_guard.js';

export type DB = Kysely<Database>;

// Migrations are listed in code so they work the same under tsx, vitest and a bundle.
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_report_indexes': m002,
  '003_security': m003,
  '004_leases': m004,
  '005_payment_checks_book_guard': m005,
};

class InCodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export interface OpenDbOptions {
  /** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export function openSqlite(file: string, options: OpenDbOptions = {}): SQLite.Database {
  if (file !== ':memory:' && !file.startsWith('file:')) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('cache_size = -65536'); // 64 MiB page cache
  sqlite.pragma('temp_store = MEMORY');
  // Reads through memory-mapped pages instead of a read() call per page.
  sqlite.pragma('mmap_size = 1073741824');
  cacheStatements(sqlite);
  return sqlite;
}

/**
 * Kysely prepares every statement anew; compiling SQL in SQLite costs more than running most of
 * our queries. Reuse prepared statements by their SQL text (a bounded cache; a statement that
 * is mid-iteration is never handed out twice).
 */
function cacheStatements(sqlite: SQLite.Database, max = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) return hit;
    const stmt = prepare(source);
    if (!hit && cache.size < max) cache.set(source, stmt);
    return stmt;
  }) as typeof sqlite.prepare;
}

export function createDb(file: string, options: OpenDbOptions = {}): { db: DB; sqlite: SQLite.Database } {
  const sqlite = openSqlite(file, options);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  registerChangeToken(db, sqliteChangeToken(sqlite));
  return { db, sqlite };
}

export async function migrateToLatest(db: DB): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Opens (creating if needed) and migrates a database. */
export async function openDatabase(file: string, options: OpenDbOptions = {}) {
  const { db, sqlite } = createDb(file, options);
  const applied = await migrateToLatest(db);
  return { db, sqlite, applied };
}

/** A value generated once and then kept, e.g. the JWT secret when JWT_SECRET is unset. */
export async function getOrCreateSetting(db: DB, key: string, make: () => string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

export const randomSecret = () => crypto.randomBytes(32).toString('base64url');

/**
 * Runs fn inside BEGIN IMMEDIATE on one connection: the write lock is taken up front, so two
 * connections (or processes) on the same file never both read-then-write the same rows.
 */
export async function immediateTransaction<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}
