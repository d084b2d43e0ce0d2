import crypto from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from 'kysely';
import { registerChangeToken, sqliteChangeToken } from './change-token.js';
import { type Engine, registerEngine } from './engine.js';
import { makeDatabaseFilesPrivate, makePrivateDir } from './file-modes.js';
import { inProcessLocks } from './keyed-locks.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_report_indexes.js';
import * as m003 from './migrations/003_security.js';
import * as m004 from './migrations/004_leases.js';
import * as m005 from './migrations/005_payment_checks_book_guard.js';
import * as m006 from './migrations/006_shared_state.js';
import * as m007 from './migrations/007_search_text.js';
import * as m008 from './migrations/008_instances.js';
import * as m009 from './migrations/009_holds_renewals.js';
import * as m010 from './migrations/010_title_search.js';
import * as m011 from './migrations/011_sandbox_chats.js';
import * as m012 from './migrations/012_sessions.js';
import * as m013 from './migrations/013_pay_messages.js';
import * as m014 from './migrations/014_polled_updates.js';
import type { PostgresPoolOptions } from './postgres.js';
import { memoryCounterStore } from './rate-limit-store.js';
import { createReadPool } from './read-pool.js';
import type { Database } from './schema.js';
import { registerSearchFunctions } from './search.js';
import { statementLogger } from './statement-log.js';
import { lockForUpdate, writeTransaction } from './transactions.js';
import { describeUrl, isPostgresUrl } from './urls.js';

export type DB = Kysely<Database>;

// Migrations are listed in code so they work the same under tsx, vitest and a bundle.
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_report_indexes': m002,
  '003_security': m003,
  '004_leases': m004,
  '005_payment_checks_book_guard': m005,
  '006_shared_state': m006,
  '007_search_text': m007,
  '008_instances': m008,
  '009_holds_renewals': m009,
  '010_title_search': m010,
  '011_sandbox_chats': m011,
  '012_sessions': m012,
  '013_pay_messages': m013,
  '014_polled_updates': m014,
};

/** Every migration's name, in the order they run (names sort in that order). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

class InCodeMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export interface OpenDbOptions {
  /** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

// Memory (issue 16). Each connection's page cache is private memory, and every page read through
// a memory map stays in the process's resident set (a scan of a 430 MB library file showed as
// ~95 MB more RSS with the former 1 GiB map). So: a 16 MiB cache (was 64 MiB) and no map (was
// 1 GiB); pages past the cache come from the OS page cache by read(), shared and outside the
// process. Read throughput over the 1,000,000-book bench file did not measurably change
// (npm run bench -- --only api; figures in the README).
const SQLITE_CACHE_KIB = 16 * 1024;
const SQLITE_MMAP_BYTES = 0;

export function openSqlite(file: string, options: OpenDbOptions = {}): SQLite.Database {
  const onDisk = file !== ':memory:' && file !== '' && !file.startsWith('file:');
  if (onDisk) {
    makePrivateDir(path.dirname(path.resolve(file)));
    makeDatabaseFilesPrivate(file);
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  if (onDisk) makeDatabaseFilesPrivate(file);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
  cacheStatements(sqlite);
  registerSearchFunctions(sqlite);
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

export function createDb(file: string, options: OpenDbOptions = {}): { db: DB; sqlite: SQLite.Database; engine: Engine } {
  const sqlite = openSqlite(file, options);
  // Long reads go to worker threads with connections of their own, which a file allows; an
  // in-memory database is this one connection's alone. The workers close with the connection
  // (db.destroy(), as tests and tools close a database, or engine.close()).
  const reads = isFile(file) ? createReadPool({ file, logAs: () => db }) : undefined;
  const database = {
    prepare: (source: string) => sqlite.prepare(source),
    close() {
      void reads?.close();
      sqlite.close();
    },
  };
  const db: Kysely<Database> = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: statementLogger(() => db) });
  const changeToken = sqliteChangeToken(sqlite);
  registerChangeToken(db, changeToken);
  // One counter store per database: every API built over it shares the counters, as on PostgreSQL.
  const counters = memoryCounterStore();
  // One file is served by one process: a queue per key in it is the whole lock.
  const locks = inProcessLocks();
  const engine: Engine = {
    kind: 'sqlite',
    description: file,
    writeTransaction: (fn) => writeTransaction(db, fn),
    lockForUpdate,
    changeToken,
    counterStore: () => counters,
    keyedLocks: () => locks,
    longRead: (fn) => (reads ? reads.run(fn) : fn(db)),
    async close() {
      await locks.close();
      await db.destroy();
    },
  };
  registerEngine(db, engine);
  return { db, sqlite, engine };
}

/** A database file other connections can open too (not `:memory:`, a temporary or a URI database). */
const isFile = (file: string) => file !== '' && file !== ':memory:' && !file.startsWith('file:');

/**
 * Applies the migrations not yet applied. `schema` (PostgreSQL): where Kysely keeps its own
 * bookkeeping tables — the schema first on the search_path, when a database holds several
 * (the test harness gives each world its own).
 */
export async function migrateToLatest(db: DB, options: { schema?: string } = {}): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(), migrationTableSchema: options.schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Where the database is: config.ts's `databaseUrl` (PostgreSQL) wins over `databasePath` (SQLite). */
export interface DatabaseTarget {
  databasePath: string;
  databaseUrl?: string;
}

export interface OpenedDatabase {
  db: DB;
  engine: Engine;
  /** Migrations this open applied (empty when the database was current). */
  applied: string[];
  /** The SQLite handle, on SQLite only (tools that read pragmas or query plans). */
  sqlite?: SQLite.Database;
}

export type OpenOptions = OpenDbOptions & PostgresPoolOptions;

/**
 * Opens (creating if needed) and migrates the database: PostgreSQL when `databaseUrl` is a
 * postgres:// URL (SPEC §12), else the SQLite file at `databasePath` — as given by a Config, or
 * a bare SQLite path (what callers passed before there were two engines).
 */
export async function openDatabase(file: string, options?: OpenOptions): Promise<OpenedDatabase & { sqlite: SQLite.Database }>;
export async function openDatabase(target: DatabaseTarget | string, options?: OpenOptions): Promise<OpenedDatabase>;
export async function openDatabase(target: DatabaseTarget | string, options: OpenOptions = {}): Promise<OpenedDatabase> {
  const { databasePath, databaseUrl } = typeof target === 'string' ? { databasePath: target, databaseUrl: undefined } : target;
  if (isPostgresUrl(databaseUrl)) {
    // `pg` is loaded only for a PostgreSQL URL (a SQLite service never needs it).
    const { createPgPool, openLockSession, postgresDatabase } = await import('./postgres.js');
    const pool = createPgPool(databaseUrl, options);
    const { db, engine } = postgresDatabase(pool, describeUrl(databaseUrl), undefined, {
      lockSession: () => openLockSession(databaseUrl),
    });
    try {
      return { db, engine, applied: await migrateToLatest(db) };
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }
  const { db, sqlite, engine } = createDb(databasePath, options);
  return { db, sqlite, engine, applied: await migrateToLatest(db) };
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
 * The write transaction core's read-then-write use cases run in (db/transactions.ts): BEGIN
 * IMMEDIATE on SQLite, so two connections (or processes) on one file never both read-then-write
 * the same rows; READ COMMITTED on PostgreSQL, retried on serialization failure or deadlock —
 * so `fn` may run more than once and must only do database work. Rows that fn reads and then
 * changes should be locked first with `lockForUpdate(trx, table, ids)` (a no-op on SQLite).
 */
export function immediateTransaction<T>(db: DB, fn: (trx: DB) => Promise<T>): Promise<T> {
  return writeTransaction(db, fn);
}

export type { Engine, EngineKind } from './engine.js';
export { lockForUpdate } from './transactions.js';
